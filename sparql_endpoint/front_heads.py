"""Request heads as the front reads them: the limits of uWSGI's router (414 and 431 for
heads it cannot take), the body's framing, and the answers the front gives itself to a
refused request (see :mod:`sparql_endpoint.front`)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from sparql_endpoint.browser_policy import browser_policy

#: The largest uwsgi packet the router builds and a worker reads (``--buffer-size``).
PACKET_LIMIT = 65535
#: Room kept in the packet for the variables the router adds on its own (method, protocol,
#: server name and port, remote address, script name, router name).
FIXED_VARIABLES = 1024
#: The longest request line read; a longer one can never fit (the target counts twice).
LINE_LIMIT = 32 * 1024
#: The most bytes of headers read, and the most header fields (as Apache's default).
HEADERS_LIMIT = 64 * 1024
MAX_FIELDS = 100
#: The most bytes of a request head read before it is refused.
HEAD_LIMIT = LINE_LIMIT + HEADERS_LIMIT
#: Seconds a front connection waits for a request's head (then it closes, as the router
#: does after its keep-alive time), and for each read of a body.
BODY_READ_SECONDS = 120
#: A refused request's remaining input is read and dropped for up to this many seconds and
#: bytes before the connection closes, so that the client reads the answer (a close with
#: unread input would reset the connection under it).
LINGER_SECONDS = 5
LINGER_BYTES = 4 * 1024 * 1024

_ADVICE = "send long SPARQL queries by POST (application/sparql-query, or a form with query=)"


@dataclass(frozen=True)
class Refusal:
    """A request head the router cannot take: its status and the one line saying why."""

    status: int
    message: str


def packet_size(request_line: bytes, fields: list[bytes]) -> int:
    """An upper bound of the uwsgi packet the router makes of this head: 4 bytes of header,
    then each variable as 2 + len(name) + 2 + len(value).

    >>> packet_size(b"GET /sparql?query=x HTTP/1.1", [b"Host: h"]) < FIXED_VARIABLES + 100
    True
    """
    parts = request_line.split(b" ")
    target = parts[1] if len(parts) > 1 else b""
    path, _, query = target.partition(b"?")
    size = 4 + FIXED_VARIABLES
    size += 4 + len(b"REQUEST_URI") + len(target)
    size += 4 + len(b"PATH_INFO") + len(path)
    size += 4 + len(b"QUERY_STRING") + len(query)
    for field in fields:
        name, _, value = field.partition(b":")
        size += 4 + len(b"HTTP_") + len(name.strip()) + len(value.strip())
    return size


def refusal(request_line: bytes, fields: list[bytes]) -> Refusal | None:
    """Why the router could not take this head (414 or 431), or ``None`` when it can.

    >>> refusal(b"GET /sparql?query=" + b"x" * 30_000 + b" HTTP/1.1", [b"Host: h"]) is None
    True
    >>> refusal(b"GET /sparql?query=" + b"x" * 33_000 + b" HTTP/1.1", []).status
    414
    >>> refusal(b"GET / HTTP/1.1", [b"Accept: " + b"x" * 70_000]).status
    431
    >>> refusal(b"GET / HTTP/1.1", [b"X-N: 1"] * 101).status
    431
    """
    if len(request_line) > LINE_LIMIT:
        return _too_long_line(len(request_line))
    if len(fields) > MAX_FIELDS:
        return Refusal(431, f"{len(fields)} header fields; this server takes at most {MAX_FIELDS}")
    header_bytes = sum(len(f) + 2 for f in fields)
    if header_bytes > HEADERS_LIMIT:
        return _too_long_headers(header_bytes)
    if packet_size(request_line, fields) <= PACKET_LIMIT:
        return None
    if len(request_line) >= header_bytes:
        return _too_long_line(len(request_line))
    return _too_long_headers(header_bytes)


def _too_long_line(length: int | None) -> Refusal:
    size = f"{length:,} bytes" if length is not None else f"over {LINE_LIMIT // 1024} KiB"
    return Refusal(
        414,
        f"the request line is {size}; this server takes about 30 KiB of request "
        f"line (request line and headers together under 64 KiB, where the line counts "
        f"twice); {_ADVICE}",
    )


def _too_long_headers(length: int | None) -> Refusal:
    over = f"are over {HEAD_LIMIT // 1024} KiB"
    size = f"are {length:,} bytes" if length is not None else over
    return Refusal(
        431,
        f"the header fields {size}; this server takes the request line and "
        f"headers together under 64 KiB (the request line counting twice)",
    )


def refusal_bytes(refused: Refusal, *, head_only: bool = False) -> bytes:
    """The complete HTTP/1.1 answer to a refused request (it closes the connection)."""
    reason = {
        400: "Bad Request",
        413: "Content Too Large",
        414: "URI Too Long",
        431: "Request Header Fields Too Large",
        501: "Not Implemented",
    }
    body = f"{refused.status} {reason[refused.status]}: {refused.message}\n".encode()
    lines = [f"HTTP/1.1 {refused.status} {reason[refused.status]}"]
    lines += [f"{name}: {value}" for name, value in _POLICY.headers]
    lines += [
        "Content-Type: text/plain; charset=utf-8",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body


_POLICY = browser_policy(inline_scripts=())


#: A request's head: its request line and header fields.
Head = tuple[bytes, list[bytes]]


class Refused(Exception):
    def __init__(self, refused: Refusal, method: bytes = b""):
        self.refused = refused
        self.method = method


async def read_head(reader: asyncio.StreamReader) -> tuple[bytes, list[bytes]] | None:
    """The request line and header fields of the next request (read in one piece, up to
    the blank line, as the router reads it); ``None`` at end of input."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:  # still unread: its start says which limit it passed
        start = await reader.read(HEAD_LIMIT)
        method = start.split(b" ", 1)[0]
        line_end = start.find(b"\n")
        if line_end < 0 or line_end > LINE_LIMIT:
            raise Refused(_too_long_line(None), method) from None
        fields = start[line_end + 1 :].split(b"\r\n")
        refused = refusal(start[:line_end], fields)
        if refused is None or refused.status != 431 or len(fields) <= MAX_FIELDS:
            refused = _too_long_headers(None)  # (and more unread)
        raise Refused(refused, method) from None
    lines = head.lstrip(b"\r\n").split(b"\r\n")[:-2]  # empty lines before it are ignored
    request_line, fields = (lines[0], lines[1:]) if lines else (b"", [])
    method = request_line.split(b" ", 1)[0]
    if len(request_line.split(b" ")) != 3:
        raise Refused(Refusal(400, "the request line is not METHOD TARGET HTTP/VERSION"), method)
    refused = refusal(request_line, fields)
    if refused is not None:
        raise Refused(refused, method)
    for number, field in enumerate(fields, start=1):  # (uWSGI's router drops or misreads)
        if field[:1] in (b" ", b"\t"):
            problem = f"header line {number} continues the line before (obsolete folding)"
            raise Refused(Refusal(400, problem), method)
        if b":" not in field:
            problem = f"header line {number} has no colon (NAME: VALUE)"
            raise Refused(Refusal(400, problem), method)
    return origin_form(request_line, fields)


def origin_form(request_line: bytes, fields: list[bytes]) -> tuple[bytes, list[bytes]]:
    """A request whose target is in absolute form (``GET http://host/path HTTP/1.1``, as a
    proxy sends it) as the same request in origin form: RFC 9112 (3.2.2) has a server take
    any form, and use the target's host rather than the Host field. uWSGI's router and the
    app route by path: it was a 404 for every path.

    >>> line, fields = origin_form(b"GET http://h:8080/id/x?a=1 HTTP/1.1", [b"Host: other"])
    >>> line, fields
    (b'GET /id/x?a=1 HTTP/1.1', [b'Host: h:8080'])
    >>> origin_form(b"GET HTTPS://h HTTP/1.1", [])
    (b'GET / HTTP/1.1', [b'Host: h'])
    >>> origin_form(b"GET /id/x HTTP/1.1", [b"Host: h"])
    (b'GET /id/x HTTP/1.1', [b'Host: h'])
    """
    method, target, protocol = request_line.split(b" ")
    scheme, found, rest = target.partition(b"://")
    if not found or scheme.lower() not in (b"http", b"https") or not rest:
        return request_line, fields
    authority, slash, path = rest.partition(b"/")
    authority, question, query = authority.partition(b"?")  # http://h?q: no path at all
    origin = b"/" + path if slash else b"/" + (question + query if question else b"")
    kept = [f for f in fields if f.split(b":", 1)[0].strip().lower() != b"host"]
    return b" ".join((method, origin, protocol)), [b"Host: " + authority, *kept]


def body_framing(fields: list[bytes]) -> int | None:
    """The body's length by Content-Length (0 without one), or ``None`` for a body sent
    in chunks (``Transfer-Encoding: chunked``, the only transfer coding taken).

    >>> body_framing([b"Content-Length: 12"]), body_framing([b"Transfer-Encoding: chunked"])
    (12, None)
    """
    lengths = set()
    codings: list[bytes] = []
    coded = False
    for field in fields:
        name, _, value = field.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            lengths.add(value.strip())
        elif key == b"transfer-encoding":
            coded = True
            codings += [c.strip().lower() for c in value.split(b",")]
    if coded:
        _check_codings(codings)
    if coded and lengths:
        raise Refused(Refusal(400, "a request has Content-Length or Transfer-Encoding, not both"))
    if coded:
        return None
    if len(lengths) > 1 or any(not v.isdigit() for v in lengths):
        raise Refused(Refusal(400, "Content-Length is not one whole number"))
    return int(next(iter(lengths))) if lengths else 0


def _check_codings(codings: list[bytes]) -> None:
    """Refuse transfer codings the front cannot frame (RFC 9112, 6.1): 400 when ``chunked``
    is not the last one, or comes twice (the body's end cannot be told); 501 for another
    coding before it (the only one taken is chunked).

    >>> _check_codings([b"chunked"])
    >>> for codings in ([b"chunked", b"chunked"], [b"gzip"], [b"gzip", b"chunked"]):
    ...     try:
    ...         _check_codings(codings)
    ...     except Refused as exc:
    ...         print(exc.refused.status)
    400
    400
    501
    """
    if not codings or codings[-1] != b"chunked" or codings.count(b"chunked") > 1:
        raise Refused(
            Refusal(400, "Transfer-Encoding must end with chunked, applied once (RFC 9112, 6.1)")
        )
    if len(codings) > 1:
        raise Refused(Refusal(501, "the only transfer coding taken is chunked"))


async def linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Stop writing, read and drop what the client still sends (a while), then close."""
    with contextlib.suppress(OSError, RuntimeError):
        writer.write_eof()
    dropped = 0
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(LINGER_SECONDS):
            while dropped < LINGER_BYTES and (chunk := await reader.read(65536)):
                dropped += len(chunk)
