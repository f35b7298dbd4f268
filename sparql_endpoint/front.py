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
socket, and the router's answers back, each framed (:mod:`sparql_endpoint.front_relay`). A
front connection has one router connection at a time, so ``Expect: 100-continue`` works as
before; when the router ends its connection after a whole answer (it does after every 204),
the client's stays open and its next request gets a new one. A chunked body is read whole
here, strictly, and passed on with a ``Content-Length`` (see
:mod:`sparql_endpoint.chunked_body`: uWSGI's own chunk reader takes a broken body for a
shorter one).

The front also answers entity documents and ``/id`` redirects the workers have made for the
current data version from its own memory (:mod:`sparql_endpoint.front_cache`): a repeated
request costs no worker and no Python beyond this loop.
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
import time
from pathlib import Path
from typing import TYPE_CHECKING

import uvloop

from sparql_endpoint.chunked_body import BrokenBody, dechunked
from sparql_endpoint.executor.store_files import StateFile
from sparql_endpoint.front_cache import FrontCache, field_value, kept_answer, request_key
from sparql_endpoint.front_heads import (
    BODY_READ_SECONDS,
    HEAD_LIMIT,
    MAX_FIELDS,
    PACKET_LIMIT,
    Head,
    Refusal,
    Refused,
    body_framing,
    linger,
    read_head,
    refusal,
    refusal_bytes,
)
from sparql_endpoint.front_relay import Pending, Relay
from sparql_endpoint.worker_settings import SETTINGS_ENV

if TYPE_CHECKING:
    from sparql_endpoint.front_render import Renderer

__all__ = ["MAX_FIELDS", "PACKET_LIMIT", "Front", "refusal", "run", "start_front"]

#: The environment variable through which ``lamcoop serve`` tells the mule its listening
#: socket's descriptor, the router's socket and the keep-alive time (read once, at start).
FRONT_ENV = "LAMCOOP_FRONT"
#: Seconds a worker's answer may be awaited before the front takes documents itself again.
STUCK_SECONDS = 1.0


class Front:
    """The front's settings and its cache, shared by every client connection."""

    def __init__(
        self,
        router: str,
        keepalive: float,
        max_body: int,
        *,
        cache_bytes: int = 0,
        store: str | None = None,
        renderer: Renderer | None = None,
    ):
        self.router = router
        self.renderer = renderer
        #: Client connections whose request a worker is answering now, and since when
        #: (oldest first): see :meth:`takes_documents`.
        self.awaiting: dict[_Client, float] = {}
        self.keepalive = keepalive
        self.max_body = max_body
        self.cache = FrontCache(cache_bytes) if cache_bytes > 0 and store else None
        self._state = StateFile(Path(store)) if store else None

    def version(self) -> int | None:
        """The data version as of now (``None`` when the server has not published one)."""
        if self._state is None:
            return None
        try:
            return self._state.current().version
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def takes_documents(self) -> bool:
        """Whether the front's own app takes the next document: when it is free, and either
        no worker is busy for this front or one has been for :data:`STUCK_SECONDS` (long
        queries hold the workers). Under load its thread would contend with this loop for
        the interpreter (fewer answers a second, measured), and the workers do better."""
        if self.renderer is None or not self.renderer.idle:
            return False
        oldest = next(iter(self.awaiting.values()), None)
        return oldest is None or time.monotonic() - oldest >= STUCK_SECONDS

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One client connection, to its end."""
        await _Client(self, reader, writer).run()


class _Client:
    """One client connection: its requests, and its current connection to the router (a
    new one after the router ends one at the end of an answer)."""

    def __init__(self, front: Front, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.front = front
        self.reader = reader
        self.writer = writer
        self.upstream: asyncio.StreamWriter | None = None
        self.relay: Relay | None = None
        self.answers: asyncio.Task | None = None
        self.timer: asyncio.Timeout | None = None
        #: Set when no answer is awaited (see :meth:`_settled`).
        self.settled = asyncio.Event()

    @property
    def busy(self) -> bool:
        return self.relay is not None and self.relay.outstanding > 0

    def _idle(self) -> None:
        """Every answer is written: the keep-alive time runs again."""
        self.front.awaiting.pop(self, None)
        self.settled.set()
        if self.timer is not None:
            self.timer.reschedule(asyncio.get_running_loop().time() + self.front.keepalive)

    async def run(self) -> None:
        refused = False
        try:
            while True:
                try:
                    # While an answer is awaited the connection has no timer (a wait here
                    # would end it under a query still running); once idle, the keep-alive
                    # time.
                    async with asyncio.timeout(None if self.busy else self.front.keepalive) as t:
                        self.timer = t
                        head = await read_head(self.reader)
                    self.timer = None
                    if head is None:
                        break
                    length = body_framing(head[1])
                    chunked = b""
                    if length is None:
                        head, chunked = await self._dechunked(head)
                        length = 0
                except Refused as exc:
                    refused = True
                    head_only = exc.method == b"HEAD"
                    self.writer.write(refusal_bytes(exc.refused, head_only=head_only))
                    await self.writer.drain()
                    await linger(self.reader, self.writer)
                    break
                if not await self._request(head, length, chunked):
                    break
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self.front.awaiting.pop(self, None)
            answers = self.answers
            if answers is not None and not answers.done():
                if refused or not self.reader.at_eof() or not self.busy:
                    answers.cancel()  # (not busy: no answer is on its way, only the router's
                    # keep-alive time would end the wait, holding both connections meanwhile)
                else:  # the client has sent all it will: its answers still reach it
                    with contextlib.suppress(Exception):
                        await answers
            for stream in (self.upstream, self.writer):
                if stream is not None:
                    stream.close()

    async def _request(self, head: Head, length: int, chunked: bytes) -> bool:
        """Answer one request from the cache, or pass it on; whether another may follow."""
        if not await self._settled():
            return False
        request_line, fields = head
        method, target, protocol = request_line.split(b" ")
        keepable = protocol == b"HTTP/1.1" and not _says_close(fields)
        key = None
        if keepable and length == 0 and not chunked:
            key = request_key(method, target, fields)
        if key is not None and not self.busy and self.front.cache is not None:
            version = self.front.version()
            entry = None if version is None else self.front.cache.get(key, version)
            if entry is not None:
                condition = field_value(fields, b"if-none-match")
                self.writer.write(entry.answer(method, condition, self.front.cache.date()))
                await self.writer.drain()
                return True
        renderer = self.front.renderer
        if key is not None and not self.busy and renderer and self.front.takes_documents():
            made = await renderer.answer(head)
            if made is not None:
                version = self.front.version()
                self.writer.write(kept_answer(self.front.cache, key, method, *made, version))
                await self.writer.drain()
                return True
        relay = await self._router()
        pending = Pending(method, key, keepable, body_sent=length == 0)
        relay.expect(pending)
        self.front.awaiting[self] = time.monotonic()
        assert self.upstream is not None
        self.upstream.write(b"\r\n".join([request_line, *fields]) + b"\r\n\r\n" + chunked)
        return await self._body(length, pending)

    async def _settled(self) -> bool:
        """Wait until no answer is awaited; whether the connection still goes on.

        Requests sent back to back (pipelined) go to the router one at a time: its answer
        first, then the next request. uWSGI's router loses a request that comes in the
        same read as the one before."""
        while self.busy:
            self.settled.clear()
            await self.settled.wait()
        return not self.writer.is_closing()

    async def _router(self) -> Relay:
        """The relay of the current router connection, opened when there is none."""
        relay, answers = self.relay, self.answers
        if relay is not None and answers is not None and not answers.done():
            if not relay.finished:
                return relay
            # The router ends this connection after the answer it is writing: that answer
            # first, then a new connection (unless the client's must end with it).
            with contextlib.suppress(Exception):
                await asyncio.shield(answers)
            if not relay.keep or relay.outstanding:
                raise OSError("the router ended the connection")
        if self.upstream is not None:  # a router connection that takes no more requests
            self.upstream.close()
        from_router, self.upstream = await asyncio.open_unix_connection(
            self.front.router, limit=HEAD_LIMIT
        )
        relay = Relay(from_router, self.writer, self.front.cache, self.front.version, self._idle)
        self.relay, self.answers = relay, asyncio.create_task(relay.run())
        self.answers.add_done_callback(lambda _task: self._router_ended(relay))
        return relay

    def _router_ended(self, relay: Relay) -> None:
        """The router ended its connection: after a whole answer, the client's goes on
        (the next request opens another); otherwise it ends too."""
        self.front.awaiting.pop(self, None)
        if relay is not self.relay:
            return
        if self.upstream is not None:
            self.upstream.close()
        self.upstream, self.relay, self.answers = None, None, None
        if not relay.keep or relay.outstanding:
            self.writer.close()
        self.settled.set()

    async def _dechunked(self, head: Head) -> tuple[Head, bytes]:
        """A chunked request read whole (see :func:`~.chunked_body.dechunked`)."""
        request_line, fields = head
        try:
            async with asyncio.timeout(BODY_READ_SECONDS):
                kept, body = await dechunked(
                    self.reader, self.writer, fields, limit=self.front.max_body
                )
        except BrokenBody as exc:
            method = request_line.split(b" ", 1)[0]
            raise Refused(Refusal(exc.status, exc.message), method) from None
        return (request_line, kept), body

    async def _body(self, length: int, pending: Pending) -> bool:
        """Pass the request's body on; whether the connection may carry another request."""
        upstream, answers = self.upstream, self.answers
        assert upstream is not None
        while length > 0:
            async with asyncio.timeout(BODY_READ_SECONDS):
                chunk = await self.reader.read(min(length, 65536))
            if not chunk:
                return False
            length -= len(chunk)
            upstream.write(chunk)
            pending.body_sent = length == 0
            await upstream.drain()
        await upstream.drain()
        return not (answers is not None and answers.done() and self.writer.is_closing())


def _says_close(fields: list[bytes]) -> bool:
    """Whether the request asks for its connection to end after the answer."""
    value = field_value(fields, b"connection")
    return value is not None and b"close" in value.lower()


async def _main(listener: socket.socket, front: Front) -> None:
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
    cache_bytes, store = int(config.get("cache_bytes", 0)), config.get("store")
    renderer = None
    if config.get("render"):
        from sparql_endpoint.front_render import renderer_for  # the app: only when used

        renderer = renderer_for(os.environ[SETTINGS_ENV])
    front = Front(
        config["router"], keepalive, max_body, cache_bytes=cache_bytes, store=store,
        renderer=renderer,
    )  # fmt: skip
    # uvloop's event loop (libuv): the same asyncio streams at a fraction of the CPU per
    # relayed request, the front's whole cost.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_main(listener, front))


def start_front(
    listener: socket.socket,
    router: str,
    keepalive: float,
    max_body: int,
    *,
    cache_bytes: int = 0,
    store: str | None = None,
    render: bool = False,
) -> subprocess.Popen:
    """The front as a process of its own, on ``listener`` (which it inherits), passing
    requests to the router's socket ``router`` (chunked bodies read whole, up to
    ``max_body`` bytes), keeping up to ``cache_bytes`` of the answers the workers mark for
    the data version of the store at ``store``; it is sent SIGTERM when this process ends."""
    config = json.dumps(
        {
            "fd": listener.fileno(),
            "router": router,
            "keepalive": keepalive,
            "max_body": max_body,
            "cache_bytes": cache_bytes,
            "store": store,
            "render": render,
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
