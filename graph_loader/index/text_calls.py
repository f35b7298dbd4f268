"""Where a query calls the text functions, read by rdflib's SPARQL parser (the query's own
grammar), not by patterns: the whole query is parsed for the calls it makes, and each
call's place is the span the parser's ``FunctionCall`` rule reads there (strings, IRIs and
comments are read whole by the parser's rules for them, so a call written inside one is not
taken); when the two do not agree the query is refused rather than guessed at.

Its own module so that only a query naming a text function over a remote store imports the
parser (:func:`graph_loader.index.sparql_remote.expand`): a server's workers start without it.

>>> query = 'SELECT * { BIND(<urn:t#score>(?x, "a b") AS ?s) }'
>>> [(c.name, c.argument, c.words) for c in placed(query, {"urn:t#score"})]
[('urn:t#score', '?x', 'a b')]
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import dataclass

from pyparsing import Literal as Token
from pyparsing import ParseBaseException, rest_of_line
from rdflib.plugins.sparql.algebra import translateQuery, traverse
from rdflib.plugins.sparql.parser import IRIREF, FunctionCall, String, parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Literal, URIRef

from graph_loader.store import StoreError

#: Characters a prefixed name or variable may continue with: a call starts after none.
_NAME_CHARS = set("_-.:?$")


@dataclass(frozen=True)
class Call:
    """One call of a text function as written: its span, IRI, first argument's text and
    the words (its second argument, a literal)."""

    start: int
    end: int
    name: str
    argument: str
    words: str


def placed(sparql: str, names: Set[str]) -> list[Call]:
    """The calls of the functions ``names`` in ``sparql``, in order; :class:`StoreError`
    where they cannot all be placed or one's words are not a literal."""
    calls = _calls(sparql, names)
    if not calls:
        return []
    spans = list(_spans(sparql, _prologue(sparql), names))
    if len(spans) != len(calls):
        raise StoreError(
            "cannot place the text functions of this query for the remote store "
            f"({len(calls)} called, {len(spans)} found written): write each call "
            "outside strings and comments"
        )
    return [_checked(sparql, start, end, name, args) for start, end, name, args in spans]


def _calls(sparql: str, names: Set[str]) -> list[str]:
    """The text function calls of the parsed query, by IRI."""
    try:
        query = translateQuery(parseQuery(sparql))
    except (ParseBaseException, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise StoreError(f"cannot read the text functions of this query: {exc}") from exc
    found: list[str] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "Function" and str(node.iri) in names:
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


def _spans(
    sparql: str, prologue: str, names: Set[str]
) -> Iterator[tuple[int, int, str, list[object]]]:
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
        if call is not None and call[0] in names:
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


def _checked(sparql: str, start: int, end: int, name: str, args: list[object]) -> Call:
    """The call at ``start``-``end`` with its arguments checked: two, the second a literal."""
    written = sparql[start:end]
    short = name.rpartition("#")[2]
    if len(args) != 2:
        raise StoreError(f"text:{short} takes two arguments, not {len(args)}: {written}")
    if not isinstance(args[1], Literal) or isinstance(args[1], URIRef):
        raise StoreError(
            f"text:{short} over a remote store takes its words as a literal written in the "
            f"query: {written}"
        )
    return Call(start, end, name, _subexpression(written), str(args[1]))


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
