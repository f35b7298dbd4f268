"""Institutions a register names, found through the text index one name at a time.

:func:`~graph_loader.importers.names.institution_names` reads every label of every
institution into memory: with the Wikidata/ISIL and IMLS registries loaded that is 300,000
names and 11 s (16 to 27 s when the store is cold) before a register's first row, however
few parties it names. When the store's text index (:mod:`graph_loader.index`) is up to date,
a register's names are looked up in it instead: the IRIs with a label that folds as the name
does (the index's ``squeezed`` key is the one normaliser's
:func:`~graph_loader.normalise.squeeze`, the key :class:`~graph_loader.importers.names.Names`
compares), plus the IRI the name would have as a slug; then the store is asked, IRI by
bound IRI, which of them are institutions and by which labels (the query
``institution_names`` runs, bound to one subject). A :class:`Names` made of those alone
answers as the whole one would: an exact label first, then a folded one.

The index reads the data graphs only (the catalogue's index purpose); of the other graphs
a register's parties may be in, the shipped examples (the example register's institutions),
every institution label is read once: they are small, and ship with lamcoop.

Suggestions for a name not found come from the index too: labels the name contains, as
whole words (Chinese, Japanese and Korean by characters), then labels containing it, as
search ranks them; institutions only, as written.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from graph_loader.graphs import Purpose, covered
from graph_loader.importers.common import slugify
from graph_loader.importers.names import INSTITUTION_LABELS, INSTITUTION_LABELS_IN, Names, fill
from graph_loader.index.db import open_reading
from graph_loader.index.refresh import behind
from graph_loader.index.search import MAX_QUERY_CHARS, search
from graph_loader.normalise import fold, has_cjk, squeeze
from graph_loader.store import ReadableStore

#: The most IRIs one name is looked up among (a label shared by more is named as shared by
#: this many).
CANDIDATES = 1000
#: The most words (or Chinese characters) of a name whose spans are tried as labels it
#: contains: at most 78 look-ups.
SPAN_UNITS = 12
#: The most search matches checked for being institutions, for suggestions.
CHECKED = 50


class IndexedInstitutions:
    """Institutions by label, read from the index and the store name by name (see the
    module); answers as :class:`~graph_loader.importers.names.Names` does."""

    def __init__(
        self, store: ReadableStore, *, base_iri: str, unindexed: Sequence[str] = ()
    ) -> None:
        """``unindexed``: the graphs, of those that may name institutions, that the index
        does not read; their institutions' labels are read here, once."""
        self._store = store
        self._base = base_iri
        self._prefix = ox.Literal(f"{base_iri}id/institution/")
        self._unindexed = [
            row
            for graph in unindexed
            for row in store.query(
                INSTITUTION_LABELS_IN,
                substitutions={
                    ox.Variable("g"): ox.NamedNode(graph),
                    ox.Variable("prefix"): self._prefix,
                },
            )
        ]

    def find(self, text: str) -> list[str]:
        """The institutions ``text`` names: by exact label if any, else by folded label (or
        slug); sorted."""
        key = squeeze(text)
        if not key:
            return []
        with self._index() as conn:
            iris = self._holders(conn, key)
        slug = slugify(text)
        if slug:
            iris.add(f"{self._base}id/institution/{slug}")
        names = fill(Names(), self._unindexed, with_acronyms=False)
        for iri in sorted(iris):
            fill(names, self._labels(iri), with_acronyms=False)
        return names.find(text)

    def near(self, text: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` labels of institutions, as written: those ``text`` contains (the
        longest first), then those containing it (best first); none for a text longer
        than any label (:data:`~graph_loader.index.search.MAX_QUERY_CHARS`)."""
        norm = fold(text)
        if not 3 <= len(norm.replace(" ", "")) <= MAX_QUERY_CHARS:
            return []
        shown: dict[str, None] = {}
        with self._index() as conn:
            for key in _spans(norm):
                for iri in sorted(self._holders(conn, key))[:limit]:
                    shown |= {t: None for t in self._label_texts(iri) if squeeze(t) == key}
                if len(shown) >= limit:
                    return list(shown)[:limit]
            for match in search(conn, text, lang="en", size=CHECKED).matches:
                if self._label_texts(match.iri):
                    shown[match.matched] = None
                if len(shown) >= limit:
                    break
        unindexed = fill(Names(), self._unindexed, with_acronyms=False)
        shown |= dict.fromkeys(unindexed.near(text, limit))
        return list(shown)[:limit]

    @contextlib.contextmanager
    def _index(self) -> Iterator[sqlite3.Connection]:
        conn = open_reading(self._store)
        if conn is None:  # removed since it was found current
            raise LookupError("the store's text index is missing: run `lamcoop refresh`")
        try:
            yield conn
        finally:
            conn.close()

    @staticmethod
    def _holders(conn: sqlite3.Connection, key: str) -> set[str]:
        rows = conn.execute(
            "SELECT DISTINCT iri FROM term WHERE squeezed = ? AND ident = 0 LIMIT ?",
            (key, CANDIDATES),
        )
        return {iri for (iri,) in rows}

    def _labels(self, iri: str) -> list[ox.QuerySolution]:
        """The labels of ``iri`` when it is an institution (none otherwise)."""
        bound = {ox.Variable("s"): ox.NamedNode(iri), ox.Variable("prefix"): self._prefix}
        return list(self._store.query(INSTITUTION_LABELS, substitutions=bound))

    def _label_texts(self, iri: str) -> list[str]:
        return [row["l"].value for row in self._labels(iri) if isinstance(row["l"], ox.Literal)]


def indexed_institutions(store: ReadableStore, *, base_iri: str) -> IndexedInstitutions | None:
    """Institutions looked up through the store's text index, or ``None`` when the index is
    missing or behind the store (then every name is read: ``institution_names``)."""
    graphs = store.graphs()
    if behind(store, base_iri=base_iri, graphs=graphs):
        return None
    indexed = {g.iri for g in covered(Purpose.INDEX, graphs, base_iri=base_iri)}
    named = covered(Purpose.NAMES, graphs, base_iri=base_iri)
    unindexed = [g.iri for g in named if g.iri not in indexed]
    return IndexedInstitutions(store, base_iri=base_iri, unindexed=unindexed)


def _spans(norm: str) -> Iterator[str]:
    """The squeezed keys of ``norm``'s spans of words (of at least two characters, in
    Chinese, Japanese or Korean; of more than three letters otherwise), the longest first,
    the whole itself left out.

    >>> list(_spans("peking university library"))
    ['pekinguniversity', 'universitylibrary', 'peking', 'university', 'library']
    >>> list(_spans("北京大学"))
    ['北京大', '京大学', '北京', '京大', '大学']
    """
    cjk = has_cjk(norm)
    units = (list(norm.replace(" ", "")) if cjk else norm.split())[:SPAN_UNITS]
    for size in range(len(units) - 1, 1 if cjk else 0, -1):
        for start in range(len(units) - size + 1):
            key = "".join(units[start : start + size])
            if cjk or len(key) > 3:
                yield key
