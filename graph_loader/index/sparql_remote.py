"""The text functions over a remote store: expanded into bound values before the engine runs.

A remote engine cannot call back into lamcoop for each row, so each call of ``text:score``
or ``text:matches`` (:mod:`graph_loader.index.sparql`) whose words are a literal is answered
from the local text index first and replaced by an expression over the values it found,
written by pyoxigraph (escaped), never pasted from the query:

* ``text:score(E, "w")`` becomes ``IF(E IN (<exact…>), 1, IF(E IN (<prefix…>), 2,
  IF(E IN (<contained…>), 3, COALESCE())))`` (``COALESCE()`` with no argument is an
  error: the score is unbound, as on the embedded store; Virtuoso stops the whole query
  at ``1/0``, not at this);
* ``text:matches(T, "w")`` becomes ``IF(isLiteral(T), true, COALESCE()) && (STR(T) IN
  ("label"…) || CONTAINS(LCASE(STR(T)), "w folded"))`` (for a ``T`` that is not a
  literal: an error or false, both no match in a filter): the literals of the index (labels and
  identifiers) are folded as on the embedded store; any other literal matches when its
  lower-cased text contains the folded words.

The calls are found by rdflib's SPARQL parser (:mod:`graph_loader.index.text_calls`,
imported only for a query that names a text function).
"""

from __future__ import annotations

import sqlite3

import pyoxigraph as ox

from graph_loader.normalise import fold
from graph_loader.store import StoreError

TEXT = "https://w3id.org/lamcoop/text#"
_NAMES = frozenset({TEXT + "matches", TEXT + "score"})
#: The most values one call may expand to (the query text grows with them).
MAX_VALUES = 20_000
#: An expression whose value is an error on every engine (SPARQL 1.1, 17.4.1.2), which
#: none turns into an error of the whole query.
_ERROR = "COALESCE()"


def expand(sparql: str, conn: sqlite3.Connection | None) -> str:
    """``sparql`` with each text function call replaced by its values from the index
    ``conn`` (none: every score unbound and only the lower-cased test for matches)."""
    if TEXT not in sparql:
        return sparql
    from graph_loader.index.text_calls import placed  # the parser, for these queries only

    out, last = [], 0
    for call in placed(sparql, _NAMES):
        wanted = fold(call.words)
        if call.name == TEXT + "score":
            expression = _score(call.argument, wanted, conn)
        else:
            expression = _matches(call.argument, wanted, conn)
        out += [sparql[last : call.start], expression]
        last = call.end
    return "".join(out) + sparql[last:]


def _score(entity: str, wanted: str, conn: sqlite3.Connection | None) -> str:
    ranks: dict[str, int] = {}
    if wanted and conn is not None:
        for iri, norm, ident in conn.execute(
            "SELECT iri, norm, ident FROM term WHERE instr(norm, ?) > 0", (wanted,)
        ):
            rank = 1 if norm == wanted else None if ident else 2 if norm.startswith(wanted) else 3
            if rank is not None:
                ranks[iri] = min(rank, ranks.get(iri, rank))
    _check(len(ranks), "score", wanted)
    expression = _ERROR
    for rank in (3, 2, 1):
        iris = ", ".join(str(ox.NamedNode(iri)) for iri, r in ranks.items() if r == rank)
        if iris:
            expression = f"IF(({entity}) IN ({iris}), {rank}, {expression})"
    return f"({expression})"


def _matches(text: str, wanted: str, conn: sqlite3.Connection | None) -> str:
    if not wanted:
        return f"(IF(isLiteral({text}), false, {_ERROR}))"
    texts: set[str] = set()
    if conn is not None:
        for (value,) in conn.execute("SELECT text FROM term WHERE instr(norm, ?) > 0", (wanted,)):
            texts.add(value)
    _check(len(texts), "matches", wanted)
    listed = ", ".join(str(ox.Literal(value)) for value in sorted(texts))
    known = f"STR({text}) IN ({listed}) || " if listed else ""
    contained = f"CONTAINS(LCASE(STR({text})), {ox.Literal(wanted)})"
    # The test outside IF: Virtuoso 7.2 evaluates a comparison of strings with accented
    # letters (ISO-8859-1) as false in IF's branches, though right in a filter.
    return f"(IF(isLiteral({text}), true, {_ERROR}) && ({known}{contained}))"


def _check(count: int, short: str, wanted: str) -> None:
    if count > MAX_VALUES:
        raise StoreError(
            f'text:{short} for "{wanted}" matches {count} index entries, more than the '
            f"{MAX_VALUES} a remote store's query carries: use more precise words"
        )
