"""Text search inside SPARQL: two functions lamcoop gives the engine for every query.

``text:`` is ``https://w3id.org/lamcoop/text#``.

* ``text:matches(?literal, "words")`` is true when the literal's text contains the words,
  both folded by :func:`graph_loader.normalise.fold` (so ``"bibliotheque"`` matches
  ``"Bibliothèque"`` and Arabic ``ي``/``ك`` match Persian ``ی``/``ک``).
* ``text:score(?entity, "words")`` is how the entity's labels and identifiers match the
  words in the text index: 1 a label or identifier equal to them, 2 a label starting with
  them, 3 a label containing them; unbound when none does (identifiers match only exactly).

Both are evaluated for the rows the query's graph pattern gives them (each a lookup by the
entity's IRI, or a comparison of two strings), so a pattern that binds the entities first
(``?x a lamc:Institution``) keeps the work to those entities, as with Virtuoso's
``bif:contains`` in a filter. Example::

    PREFIX text: <https://w3id.org/lamcoop/text#>
    PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
    SELECT ?x ?score WHERE {
      ?x a lamc:Institution .
      BIND(text:score(?x, "bibliotheque nationale") AS ?score)
      FILTER(BOUND(?score))
    } ORDER BY ?score

>>> fns = TextFunctions(None)
>>> fns.matches(ox.Literal("Bibliothèque nationale"), ox.Literal("BIBLIOTHEQUE"))
<Literal value=true datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#boolean>>
>>> fns.matches(ox.NamedNode("http://ex.org/x"), ox.Literal("x")) is None
True
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from types import TracebackType
from typing import Any

import pyoxigraph as ox

from graph_loader.index.db import open_reading
from graph_loader.index.sparql_remote import TEXT, expand
from graph_loader.normalise import fold
from graph_loader.store import ReadableStore
from graph_loader.vocab import XSD

MATCHES = ox.NamedNode(TEXT + "matches")
SCORE = ox.NamedNode(TEXT + "score")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
_INTEGER = ox.NamedNode(XSD + "integer")


class TextFunctions:
    """The text functions of one query over ``store`` (its index opened on first use and
    closed with the query: use as a context manager)."""

    def __init__(self, store: ReadableStore | None):
        self._store = store
        self._conn: sqlite3.Connection | None = None
        self._opened = False
        self._folded: dict[str, str] = {}

    def __enter__(self) -> TextFunctions:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def functions(self) -> dict[ox.NamedNode, Callable[..., Any]]:
        """The functions by IRI, as pyoxigraph's ``custom_functions`` takes them; a remote
        store has them expand themselves into the query (:meth:`expand`)."""
        return _Functions({MATCHES: self.matches, SCORE: self.score}, self)

    def expand(self, sparql: str) -> str:
        """``sparql`` with each call written as the values the index gives it
        (:mod:`graph_loader.index.sparql_remote`), for an engine that cannot call them.
        A query that names no text function (most) opens no index."""
        if TEXT not in sparql:
            return sparql
        return expand(sparql, self._index())

    def _fold(self, text: str) -> str:
        if text not in self._folded:
            if len(self._folded) > 10_000:
                self._folded.clear()
            self._folded[text] = fold(text)
        return self._folded[text]

    def matches(self, text: object, words: object) -> ox.Literal | None:
        """``text:matches``: true when the folded literal contains the folded words."""
        if not isinstance(text, ox.Literal) or not isinstance(words, ox.Literal):
            return None
        wanted = self._fold(words.value)
        return _TRUE if wanted and wanted in self._fold(text.value) else _FALSE

    def score(self, entity: object, words: object) -> ox.Literal | None:
        """``text:score``: 1 exact, 2 prefix, 3 contained, or unbound (see the module)."""
        if not isinstance(entity, ox.NamedNode) or not isinstance(words, ox.Literal):
            return None
        wanted = self._fold(words.value)
        conn = self._index()
        if not wanted or conn is None:
            return None
        best = None
        for norm, ident in conn.execute(
            "SELECT norm, ident FROM term WHERE iri = ?", (entity.value,)
        ):
            if norm == wanted:
                rank = 1
            elif ident:
                continue
            elif norm.startswith(wanted):
                rank = 2
            elif wanted in norm:
                rank = 3
            else:
                continue
            best = rank if best is None else min(best, rank)
        return None if best is None else ox.Literal(str(best), datatype=_INTEGER)

    def _index(self) -> sqlite3.Connection | None:
        if not self._opened and self._store is not None:
            self._opened = True
            self._conn = open_reading(self._store)
        return self._conn


class _Functions(dict[ox.NamedNode, Callable[..., Any]]):
    """The functions by IRI, and their expansion for a remote store."""

    def __init__(self, functions: dict[ox.NamedNode, Callable[..., Any]], owner: TextFunctions):
        super().__init__(functions)
        self._owner = owner

    def expand(self, sparql: str) -> str:
        """See :meth:`TextFunctions.expand`."""
        return self._owner.expand(sparql)
