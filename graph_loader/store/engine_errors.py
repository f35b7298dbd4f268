"""What an engine's failing answer says, and what lamcoop makes of it: a refusal of the
request (:class:`StoreRefused`, a 4xx to the client), a transaction the engine rolled back
(:class:`RolledBack`: nothing of it stays, so the same request is sent again,
:func:`until_kept`), or the engine's own trouble (:class:`StoreError`).

Virtuoso words an error in running a request (answered 500) with its SQL state first:
``Virtuoso 22012 Error SR084: Division by 0.``. Class 08 (connection) and 40 (transaction
rolled back, ``Virtuoso 40001 Error SR172: Transaction deadlocked``) are the engine's
trouble; any other is the request's.

>>> body = b"Virtuoso 40001 Error SR172: Transaction deadlocked"
>>> type(failure("virtuoso", body, "http://v/sparql-auth: deadlocked")).__name__
'RolledBack'
>>> type(failure("virtuoso", b"Virtuoso 22012 Error SR084: Division by 0.", "x")).__name__
'StoreRefused'
>>> type(failure("oxigraph", body, "x")).__name__
'StoreError'
"""

from __future__ import annotations

import ast
import contextlib
import re
import time
from collections.abc import Callable
from typing import TypeVar

from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from graph_loader.store.layout import StoreError

T = TypeVar("T")
_VIRTUOSO_REFUSAL = re.compile(rb"\s*Virtuoso (?!08|40)[0-9A-Z]{5} Error ")
_VIRTUOSO_ROLLED_BACK = re.compile(rb"\s*Virtuoso 40[0-9A-Z]{3} Error ")
#: The same refusal from Virtuoso's Graph Store, in its HTML page ("<h3>Error 22023</h3>").
_VIRTUOSO_GSP_REFUSAL = re.compile(rb"<h3>Error (?!08|40)[0-9A-Z]{5}</h3>")
#: Oxigraph server's 500 for an update that names a graph that does not exist (DROP, CLEAR,
#: MOVE) or one that does (CREATE): the request's error, the update undone whole (its words
#: are pyoxigraph's, which the embedded store refuses with).
_OXIGRAPH_REFUSAL = re.compile(rb"\s*The graph <[^>]*> (does not exist|already exists)\s*$")
#: Times a request whose transaction the engine rolled back is sent again.
ROLLED_BACK_RETRIES = 5


class StoreRefused(StoreError, ValueError):
    """The engine ran the request and refused it (an error of the request, not of the
    engine): answered as a refusal (4xx), never as the server's failure."""


class RolledBack(StoreError):
    """The engine rolled the request's transaction back (a deadlock): nothing of it stays,
    and the same request may be sent again."""


def failure(engine: str, body: bytes, said: str) -> StoreError:
    """The error for an engine's 500 answer ``body`` (``said``: its words, with the URL).

    >>> type(failure("oxigraph", b"The graph <urn:x> does not exist", "u: said")).__name__
    'StoreRefused'
    >>> type(failure("oxigraph", b"I/O error: disk full", "u: said")).__name__
    'StoreError'
    >>> type(failure("virtuoso", b"<h1>500</h1><h3>Error 22023</h3>", "u: said")).__name__
    'StoreRefused'
    """
    if engine == "virtuoso" and (
        _VIRTUOSO_REFUSAL.match(body) or _VIRTUOSO_GSP_REFUSAL.search(body)
    ):
        return StoreRefused(said)
    if engine == "virtuoso" and _VIRTUOSO_ROLLED_BACK.match(body):
        return RolledBack(said)
    if engine == "oxigraph" and _OXIGRAPH_REFUSAL.match(body):
        return StoreRefused(said)
    return StoreError(said)


def until_kept(attempt: Callable[[], T], *, wait: float = 0.1) -> T:
    """Run ``attempt`` again while the engine rolls its transaction back (:class:`RolledBack`),
    at most :data:`ROLLED_BACK_RETRIES` times, waiting ``wait`` seconds, then twice as long
    each time; the last :class:`RolledBack` is raised.

    >>> tries = []
    >>> def deadlocked_twice():
    ...     tries.append(1)
    ...     if len(tries) < 3:
    ...         raise RolledBack("deadlocked")
    ...     return "done"
    >>> until_kept(deadlocked_twice, wait=0), len(tries)
    ('done', 3)
    """
    for left in range(ROLLED_BACK_RETRIES, -1, -1):
        try:
            return attempt()
        except RolledBack:
            if left == 0:
                raise
        time.sleep(wait)
        wait *= 2
    raise AssertionError("unreachable")


def answer_body(exc: SPARQLWrapperException) -> bytes:
    """The body of the endpoint's answer SPARQLWrapper keeps in its message."""
    text = str(exc.args[0] if exc.args else exc)
    if "Response:\n" not in text:
        return b""
    said = text.split("Response:\n", 1)[1].strip()
    with contextlib.suppress(ValueError, SyntaxError):
        found = ast.literal_eval(said)
        return found if isinstance(found, bytes) else said.encode()
    return said.encode()


def what_was_said(exc: SPARQLWrapperException, url: str) -> str:
    """What the endpoint said, with its URL (the body SPARQLWrapper keeps, as text)."""
    said = answer_body(exc).decode("utf-8", "replace")
    what = "" if isinstance(exc, QueryBadFormed) else f"{exc.msg}: "
    return f"{url}: {what}{said.strip()[:500]}".rstrip(": ")


#: Where an engine's words name a place in the text it read: Oxigraph server's "error at
#: LINE:COLUMN", Virtuoso's "line LINE".
_PLACE = re.compile(r"(error at |\bline )(\d+)")


def lines_before(said: str, lines: int) -> str:
    """The engine's words about a text it read after ``lines`` lines lamcoop put first (a
    ``BASE`` line), with the places they name counted in the client's text.

    >>> lines_before("http://h/update: error at 3:18: expected one of", 1)
    'http://h/update: error at 2:18: expected one of'
    >>> lines_before("Virtuoso 37000 Error SP030: SPARQL compiler, line 2: syntax error", 1)
    'Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error'
    """
    if lines <= 0:
        return said
    return _PLACE.sub(lambda m: f"{m.group(1)}{max(1, int(m.group(2)) - lines)}", said)


def readable(body: str) -> str:
    """An engine's error page as its words: the markup of an HTML page (Virtuoso's Graph
    Store answers so) taken out, spaces collapsed.

    >>> readable("<h3>Error 22023</h3>\\n<xmp>The PUT request for graph <urn:g> failed</xmp>")
    'Error 22023 The PUT request for graph <urn:g> failed'
    """
    if "<" not in body:
        return body.strip()
    return " ".join(_MARKUP.sub(" ", body).split())


#: HTML's tags and declarations (not IRIs in angle brackets, which hold a colon).
_MARKUP = re.compile(r"<![^>]*>|</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
