"""The front: reads each request's head before uWSGI's HTTP router does, and answers the
ones the router cannot take with 414 or 431 instead of a closed connection.

uWSGI's router (C, in ``plugins/http/http.c`` and ``plugins/corerouter``) reads a request's
head into a buffer capped at 64 KiB (``main_peer->in->limit = UMAX16``) and hands it to a
worker as one uwsgi packet whose size is a 16-bit number (``out->limit = UMAX16``), in which
the request target comes twice (``REQUEST_URI`` and ``QUERY_STRING``, and the path a third
time as ``PATH_INFO``) and every header once. When either does not fit, the router closes the
connection without a word; no option changes it (``--http-buffer-size`` sizes only its reads
from the workers). So the server's listening socket belongs to this front, a process of its own that
``lamcoop serve`` starts beside uWSGI's master and that ends with it (a uWSGI mule would
have been the natural place, but pyuwsgi's mules crash as they start): it reads each
request head, answers 414 (request line) or 431 (headers) itself when the head would not fit
the packet, and otherwise passes the request on, byte for byte, to the router on its unix
socket, and the router's answers back. One front connection is one router connection, so
the router's keep-alive and ``Expect: 100-continue`` work as before. A chunked body is read
whole here, strictly, and passed on with a ``Content-Length`` (see
:mod:`sparql_endpoint.chunked_body`: uWSGI's own chunk reader takes a broken body for a
shorter one).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import json
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass

from sparql_endpoint.browser_policy import browser_policy
from sparql_endpoint.chunked_body import BrokenBody, dechunked

#: The environment variable through which ``lamcoop serve`` tells the mule its listening
#: socket's descriptor, the router's socket and the keep-alive time (read once, at start).
FRONT_ENV = "LAMCOOP_FRONT"

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
_Head = tuple[bytes, list[bytes]]


class _Refused(Exception):
    def __init__(self, refused: Refusal, method: bytes = b""):
        self.refused = refused
        self.method = method


async def _read_head(reader: asyncio.StreamReader) -> tuple[bytes, list[bytes]] | None:
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
            raise _Refused(_too_long_line(None), method) from None
        fields = start[line_end + 1 :].split(b"\r\n")
        refused = refusal(start[:line_end], fields)
        if refused is None or refused.status != 431 or len(fields) <= MAX_FIELDS:
            refused = _too_long_headers(None)  # (and more unread)
        raise _Refused(refused, method) from None
    lines = head.lstrip(b"\r\n").split(b"\r\n")[:-2]  # empty lines before it are ignored
    request_line, fields = (lines[0], lines[1:]) if lines else (b"", [])
    method = request_line.split(b" ", 1)[0]
    if len(request_line.split(b" ")) != 3:
        raise _Refused(Refusal(400, "the request line is not METHOD TARGET HTTP/VERSION"), method)
    refused = refusal(request_line, fields)
    if refused is not None:
        raise _Refused(refused, method)
    return request_line, fields


def body_framing(fields: list[bytes]) -> int | None:
    """The body's length by Content-Length (0 without one), or ``None`` for a body sent
    in chunks (``Transfer-Encoding: chunked``, the only transfer coding taken).

    >>> body_framing([b"Content-Length: 12"]), body_framing([b"Transfer-Encoding: chunked"])
    (12, None)
    """
    lengths = set()
    coded = False
    for field in fields:
        name, _, value = field.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            lengths.add(value.strip())
        elif key == b"transfer-encoding":
            coded = True
            if value.strip().lower() != b"chunked":
                raise _Refused(Refusal(501, "the only transfer coding taken is chunked"))
    if coded and lengths:
        raise _Refused(Refusal(400, "a request has Content-Length or Transfer-Encoding, not both"))
    if coded:
        return None
    if len(lengths) > 1 or any(not v.isdigit() for v in lengths):
        raise _Refused(Refusal(400, "Content-Length is not one whole number"))
    return int(next(iter(lengths))) if lengths else 0


async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    """Everything from ``source`` to ``sink`` until ``source`` ends (or either connection
    fails: the pump then just ends, and the front closes both)."""
    with contextlib.suppress(OSError):
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()


async def _linger(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Stop writing, read and drop what the client still sends (a while), then close."""
    with contextlib.suppress(OSError, RuntimeError):
        writer.write_eof()
    dropped = 0
    with contextlib.suppress(OSError, TimeoutError):
        async with asyncio.timeout(LINGER_SECONDS):
            while dropped < LINGER_BYTES and (chunk := await reader.read(65536)):
                dropped += len(chunk)


class Front:
    """The front's connections: each client connection gets one connection to the router."""

    def __init__(self, router: str, keepalive: float, max_body: int):
        self.router = router
        self.keepalive = keepalive
        self.max_body = max_body

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection, to its end (or to the end of the router's connection)."""
        upstream: asyncio.StreamWriter | None = None
        answers: asyncio.Task | None = None
        refused = False
        try:
            while True:
                try:
                    # Until the first request, the front alone keeps the connection (for the
                    # keep-alive time at most); after it, the router's timeouts do: it closes
                    # its connection when idle, which ends this one. (A wait here would end
                    # the connection under a query still running.)
                    async with asyncio.timeout(self.keepalive if upstream is None else None):
                        head = await _read_head(reader)
                    if head is None:
                        break
                    length = body_framing(head[1])
                    chunked = b""
                    if length is None:
                        head, chunked = await self._dechunked(reader, writer, head)
                        length = 0
                except _Refused as exc:
                    refused = True
                    head_only = exc.method == b"HEAD"
                    writer.write(refusal_bytes(exc.refused, head_only=head_only))
                    await writer.drain()
                    await _linger(reader, writer)
                    break
                if upstream is None:
                    from_router, upstream = await asyncio.open_unix_connection(self.router)
                    answers = asyncio.create_task(_pump(from_router, writer))
                    # The router ended the connection: so does the front (once the answer
                    # is written), which also ends the wait for another request.
                    answers.add_done_callback(lambda _task: writer.close())
                request_line, fields = head
                upstream.write(b"\r\n".join([request_line, *fields]) + b"\r\n\r\n" + chunked)
                if not await self._body(reader, upstream, length, answers):
                    break
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            if answers is not None and not answers.done():
                if refused or not reader.at_eof():
                    answers.cancel()
                else:  # the client has sent all it will: its answers still reach it
                    with contextlib.suppress(Exception):
                        await answers
            for stream in (upstream, writer):
                if stream is not None:
                    stream.close()

    async def _dechunked(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: _Head
    ) -> tuple[_Head, bytes]:
        """A chunked request read whole (see :func:`~.chunked_body.dechunked`)."""
        request_line, fields = head
        try:
            async with asyncio.timeout(BODY_READ_SECONDS):
                kept, body = await dechunked(reader, writer, fields, limit=self.max_body)
        except BrokenBody as exc:
            method = request_line.split(b" ", 1)[0]
            raise _Refused(Refusal(exc.status, exc.message), method) from None
        return (request_line, kept), body

    async def _body(
        self,
        reader: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
        length: int,
        answers: asyncio.Task | None,
    ) -> bool:
        """Pass the request's body on; whether the connection may carry another request."""
        while length > 0:
            async with asyncio.timeout(BODY_READ_SECONDS):
                chunk = await reader.read(min(length, 65536))
            if not chunk:
                return False
            length -= len(chunk)
            upstream.write(chunk)
            await upstream.drain()
        await upstream.drain()
        return not (answers is not None and answers.done())


async def _main(listener: socket.socket, router: str, keepalive: float, max_body: int) -> None:
    front = Front(router, keepalive, max_body)
    server = await asyncio.start_server(front.serve, sock=listener, limit=HEAD_LIMIT)
    async with server:
        await server.serve_forever()


def run() -> None:
    """Serve the listening socket that :data:`FRONT_ENV` names until the process ends (or
    the server process that started it does)."""
    config = json.loads(os.environ[FRONT_ENV])
    if os.getppid() != config["parent"]:  # the server ended before this process began
        return
    listener = socket.socket(fileno=config["fd"])
    listener.setblocking(False)
    keepalive, max_body = float(config["keepalive"]), int(config["max_body"])
    asyncio.run(_main(listener, config["router"], keepalive, max_body))


def start_front(
    listener: socket.socket, router: str, keepalive: float, max_body: int
) -> subprocess.Popen:
    """The front as a process of its own, on ``listener`` (which it inherits), passing
    requests to the router's socket ``router`` (chunked bodies read whole, up to
    ``max_body`` bytes); it is sent SIGTERM when this process ends."""
    config = json.dumps(
        {
            "fd": listener.fileno(),
            "router": router,
            "keepalive": keepalive,
            "max_body": max_body,
            "parent": os.getpid(),
        }
    )
    return subprocess.Popen(
        [sys.executable, "-m", "sparql_endpoint.front"],
        env={**os.environ, FRONT_ENV: config},
        pass_fds=(listener.fileno(),),
        preexec_fn=_end_with_parent,
    )


def _end_with_parent() -> None:
    """In the new process: have the kernel send it SIGTERM when its parent ends."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


if __name__ == "__main__":
    run()
