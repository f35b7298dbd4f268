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

The calls are found by rdflib's SPARQL parser (the query's own grammar), not by patterns:
the whole query is parsed for the calls it makes, and each call's place is the span the
parser's ``FunctionCall`` rule reads there (strings, IRIs and comments are read whole by
the parser's rules for them, so a call written inside one is not taken); when the two do
not agree the query is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pyoxigraph as ox
from pyparsing import Literal as Token
from pyparsing import ParseBaseException, rest_of_line
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import IRIREF, FunctionCall, String, parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Literal, URIRef

from graph_loader.normalise import fold
from graph_loader.store import StoreError

TEXT = "https://w3id.org/lamcoop/text#"
_NAMES = {TEXT + "matches", TEXT + "score"}
#: The most values one call may expand to (the query text grows with them).
MAX_VALUES = 20_000
#: An expression whose value is an error on every engine (SPARQL 1.1, 17.4.1.2), which
#: none turns into an error of the whole query.
_ERROR = "COALESCE()"
#: Characters a prefixed name or variable may continue with: a call starts after none.
_NAME_CHARS = set("_-.:?$")


def expand(sparql: str, conn: sqlite3.Connection | None) -> str:
    """``sparql`` with each text function call replaced by its values from the index
    ``conn`` (none: every score unbound and only the lower-cased test for matches)."""
    if TEXT not in sparql:
        return sparql
    calls = _calls(sparql)
    if not calls:
        return sparql
    spans = list(_spans(sparql, _prologue(sparql)))
    if len(spans) != len(calls):
        raise StoreError(
            "cannot place the text functions of this query for the remote store "
            f"({len(calls)} called, {len(spans)} found written): write each call "
            "outside strings and comments"
        )
    out, last = [], 0
    for start, end, name, args in spans:
        out += [sparql[last:start], _expansion(sparql[start:end], name, args, conn)]
        last = end
    return "".join(out) + sparql[last:]


def _calls(sparql: str) -> list[str]:
    """The text function calls of the parsed query, by IRI."""
    try:
        query = translateQuery(parseQuery(sparql))
    except (ParseBaseException, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"cannot read the text functions of this query: {exc}") from exc
    found: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "Function" and str(node.iri) in _NAMES:
            found.append(str(node.iri))

    traverse(query.algebra, visitPost=visit)
    return found


def _prologue(sparql: str) -> str:
    """The query's BASE and PREFIX declarations, written again."""
    lines = []
    for decl in parseQuery(sparql)[0]:
        if decl.name == "Base":
            lines.append(f"BASE <{decl.iri}>")
        elif decl.name == "PrefixDecl":
            lines.append(f"PREFIX {decl.prefix or ''}: <{decl.iri}>")
    return "\n".join(lines) + "\n"


def _spans(sparql: str, prologue: str) -> Iterator[tuple[int, int, str, list[object]]]:
    """Where each text function call is written: start, end, IRI and its arguments."""
    # Strings, IRIs and comments (the parser's own rules) are read whole: a call written in
    # one is not a call.
    scanner = FunctionCall | String | IRIREF | (Token("#") + rest_of_line)
    at = 0
    while at < len(sparql):
        hit = next(scanner.scan_string(sparql[at:], max_matches=1), None)
        if hit is None:
            return
        start, end = at + hit[1], at + hit[2]
        first = hit[0][0] if len(hit[0]) else None
        if not (isinstance(first, CompValue) and first.name == "Function"):
            at = end
            continue
        before = sparql[start - 1] if start else " "
        call = (
            None
            if before.isalnum() or before in _NAME_CHARS
            else _call(prologue, sparql[start:end])
        )
        if call is not None and call[0] in _NAMES:
            yield start, end, call[0], call[1]
            at = end
        else:
            at = start + 1


def _call(prologue: str, written: str) -> tuple[str, list[object]] | None:
    """The IRI and arguments of one call, read by the parser in a query of its own."""
    try:
        query = translateQuery(parseQuery(f"{prologue}SELECT * {{ BIND({written} AS ?v) }}"))
    except Exception:  # not a call the full parse would read: left to the count check
        return None
    found: list[tuple[str, list[object]]] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "Function":
            found.append((str(node.iri), list(node.expr or [])))

    traverse(query.algebra, visitPost=visit)
    return found[-1] if found else None


def _expansion(written: str, name: str, args: list[object], conn: sqlite3.Connection | None) -> str:
    """The expression that stands for one call."""
    short = name[len(TEXT) :]
    if len(args) != 2:
        raise StoreError(f"text:{short} takes two arguments, not {len(args)}: {written}")
    if not isinstance(args[1], Literal) or isinstance(args[1], URIRef):
        raise StoreError(
            f"text:{short} over a remote store takes its words as a literal written in the "
            f"query: {written}"
        )
    inner = _subexpression(written)
    wanted = fold(str(args[1]))
    if short == "score":
        return _score(inner, wanted, conn)
    return _matches(inner, wanted, conn)


def _subexpression(written: str) -> str:
    """The first argument's text: from the call's ``(`` to the first comma before which
    the text is a whole expression, as the parser reads it."""
    opening = written.index("(")
    body = written[opening + 1 : written.rindex(")")]
    for cut in range(len(body)):
        if body[cut] == "," and _parses(body[:cut]):
            return body[:cut].strip()
    raise StoreError(f"cannot read the arguments of {written}")


def _parses(expression: str) -> bool:
    try:
        parseQuery(f"SELECT * {{ BIND(({expression}) AS ?v) }}")
    except Exception:
        return False
    return True


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
