"""The place of a failure pyoxigraph reported without one.

pyoxigraph gives line and column for most syntax errors of the Turtle family and JSON-LD,
but not for a token over its buffer (a ``MemoryError``), for RDF/XML errors, or for a
remote JSON-LD context it will not fetch. :func:`explain` finds the place by reading the
input again (only after a failure, so a good load pays nothing).
"""

from __future__ import annotations

import re
from xml.parsers import expat

import pyoxigraph as ox

from graph_loader.bounded import TOKEN_LIMIT, Refused, Source, place, stream, whole

#: The tokens of Turtle, TriG, N-Triples and N-Quads, as far as their length goes.
_TOKEN = re.compile(
    rb"""
    [ \t\r\n]++
  | \#[^\r\n]*+
  | \"\"\"(?:[^"\\]++|\\.|"(?!""))*+(?:\"\"\"|\Z)
  | '''(?:[^'\\]++|\\.|'(?!''))*+(?:'''|\Z)
  | "(?:[^"\\\r\n]++|\\.)*+"?
  | '(?:[^'\\\r\n]++|\\.)*+'?
  | <[^<>"{}|^`\\\x00-\x20]*+>?
  | [^ \t\r\n<>"'\#;,()\[\]{}]++
  | .
    """,
    re.X | re.S,
)
_KINDS = {ord("<"): "IRI", ord('"'): "literal", ord("'"): "literal", ord("#"): "comment"}
_REMOTE_CONTEXT = re.compile(rb'"@context"\s*:\s*(?:\[\s*)?"')
_CONTEXT = re.compile(rb'"@context"')


def explain(exc: BaseException, source: Source, fmt: ox.RdfFormat) -> Refused | None:
    """The refusal, with its place, that pyoxigraph's ``exc`` stands for; ``None`` when
    ``exc`` is no parsing failure."""
    if isinstance(exc, MemoryError) and "buffer" in str(exc):
        return long_token(source) or Refused(
            f"a token (IRI, literal or name) is over the limit of {TOKEN_LIMIT:,} bytes ({exc})",
            line=1,
        )
    if not isinstance(exc, SyntaxError):
        return None
    if exc.lineno:
        return Refused(f"syntax error: {exc.msg}", line=exc.lineno, column=exc.offset)
    if fmt == ox.RdfFormat.RDF_XML:
        found = xml_error(source)
        if found is not None:
            line, column, reason = found
            return Refused(f"syntax error: {reason} ({exc.msg})", line=line, column=column)
    if fmt == ox.RdfFormat.JSON_LD and "context" in exc.msg.lower():
        with whole(source) as data:
            at = _REMOTE_CONTEXT.search(data) or _CONTEXT.search(data)
            if at is not None:
                line, column = place(data, at.end() - 1)
                return Refused(
                    f"a remote JSON-LD @context is never fetched; put the context in the "
                    f"document ({exc.msg})",
                    line=line,
                    column=column,
                )
    return Refused(f"syntax error: {exc.msg}", line=1)


def long_token(source: Source) -> Refused | None:
    """The first token of a Turtle-family document longer than the limit, if any."""
    with whole(source) as data:
        for token in _TOKEN.finditer(data):
            start, end = token.span()
            if end - start > TOKEN_LIMIT and data[start] not in b" \t\r\n":
                line, column = place(data, start)
                kind = _KINDS.get(data[start], "name")
                return Refused(
                    f"a {kind} of {end - start:,} bytes starts here, over the limit of "
                    f"{TOKEN_LIMIT:,} bytes for one token",
                    line=line,
                    column=column,
                )
    return None


def xml_error(source: Source) -> tuple[int, int, str] | None:
    """(line, column from 1, reason) of the first XML error of a document, or ``None``.

    An XML parser finds most of what pyoxigraph's RDF/XML reader refuses (malformed markup,
    unbound prefixes); entities are not expanded (:mod:`~graph_loader.bounded.rdfxml` has
    bounded them before).
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.DefaultHandler = lambda _data: None  # references stay unexpanded
    try:
        with stream(source) as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1, expat.ErrorString(exc.code) or "not well-formed"
    except (OSError, EOFError):
        return None
    return None
