"""The router's answers on their way back through the front, one answer at a time.

The front reads each answer's head and its framing (a ``Content-Length``, chunks, or the
end of the connection), so that it knows where each answer ends: it can then keep answers
the workers marked (:mod:`sparql_endpoint.front_cache`), answer from that cache when no
answer is on its way, and keep the client's connection open when the router closes its own
after an answer whose end is known (uWSGI's router closes its connection after any answer
without a ``Content-Length``, a 204 above all, and says ``Connection: close``: the front
takes that word out, and the next request gets a new router connection). An answer whose
end only the close of the connection shows, or a router that breaks off, ends the client's
connection as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sparql_endpoint.front_cache import (
    Entry,
    FrontCache,
    Key,
    field_value,
    marked_version,
    may_keep,
    status_of,
)

#: Bytes moved at a time.
CHUNK = 65536


@dataclass
class Pending:
    """A request passed on to the router, waiting for its answer."""

    method: bytes
    #: Its key in the front's cache (``None``: never kept).
    key: Key | None
    #: HTTP/1.1 and not ``Connection: close``: the client expects the connection to go on.
    keepable: bool
    #: Whether its whole body has gone to the router.
    body_sent: bool = False


def _closes(line: bytes) -> bool:
    name, _, value = line.partition(b":")
    return name.strip().lower() == b"connection" and value.strip().lower() == b"close"


def body_length(fields: list[bytes]) -> int | None:
    """The answer's ``Content-Length`` (``None``: none, or not one whole number)."""
    value = field_value(fields, b"content-length")
    return int(value) if value is not None and value.isdigit() else None


class Relay:
    """Answers from one router connection to one client connection, in request order.

    ``version`` says the current data version (``None``: unknown, nothing kept);
    ``on_idle`` is called each time the last awaited answer has been written.
    """

    def __init__(
        self,
        source: asyncio.StreamReader,
        client: asyncio.StreamWriter,
        cache: FrontCache | None,
        version: Callable[[], int | None],
        on_idle: Callable[[], None],
    ):
        self.source = source
        self.client = client
        self.cache = cache
        self.version = version
        self.on_idle = on_idle
        self.pending: deque[Pending] = deque()
        #: Requests passed on whose answers are not yet written whole.
        self.outstanding = 0
        #: Whether the client's connection may go on once the router's has ended.
        self.keep = True
        #: The router said it ends its connection after the last answer: no request may
        #: go to it any more.
        self.finished = False

    def expect(self, request: Pending) -> None:
        """A request is on its way to the router."""
        self.pending.append(request)
        self.outstanding += 1

    async def run(self) -> None:
        """Relay answers until the router's connection ends (or either side fails)."""
        try:
            while await self._one():
                self.outstanding -= 1
                if self.finished and self.pending:
                    self.keep = False  # requests sent after the router's last answer
                if self.outstanding == 0:
                    self.on_idle()
                if self.finished or not self.keep:
                    return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            self.keep = False

    async def _one(self) -> bool:
        """Relay one answer (and any 1xx before it); ``False`` when there was none."""
        while True:
            try:
                raw = await self.source.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if exc.partial or self.outstanding:
                    self.keep = False
                return False
            lines = raw[:-4].split(b"\r\n")
            status = status_of(lines[0])
            if status is None or not self.pending or status == 101:
                self.keep = False  # nothing the front can frame: passed on to the end
                self.client.write(raw)
                await self._rest()
                raise ValueError("an answer the front cannot frame")
            if status >= 200:
                break
            self.client.write(raw)  # 100 Continue and the like
        request = self.pending.popleft()
        await self._answer(request, status, lines)
        return True

    async def _answer(self, request: Pending, status: int, lines: list[bytes]) -> None:
        head, version = marked_version(lines)
        fields = head[1:]
        bodiless = request.method == b"HEAD" or status in (204, 304)
        chunked = not bodiless and field_value(fields, b"transfer-encoding") is not None
        length = None if bodiless or chunked else body_length(fields)
        framed = bodiless or chunked or length is not None
        if any(_closes(line) for line in fields):
            self.finished = True
            if framed and request.keepable and request.body_sent:
                head = [head[0], *(line for line in fields if not _closes(line))]
            else:
                self.keep = False
        if not framed or not request.keepable:
            self.keep = False
        if (
            self.cache is not None
            and request.key is not None
            and length is not None
            and version is not None
            and may_keep(request.method, status, version, self.version())
        ):
            body = await self.source.readexactly(length)
            self.cache.put(request.key, Entry.of(version, head, body))
            self.client.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
            await self.client.drain()
            return
        start = b""
        if length is not None and not bodiless:  # the head and a short body in one write
            start = await self.source.readexactly(min(length, CHUNK))
        self.client.write(b"\r\n".join(head) + b"\r\n\r\n" + start)
        if chunked:
            await self._chunks()
        elif length is not None and not bodiless:
            await self._exactly(length - len(start))
        elif not framed:
            await self._rest()
        await self.client.drain()

    async def _exactly(self, length: int) -> None:
        while length > 0:
            chunk = await self.source.read(min(length, CHUNK))
            if not chunk:
                raise asyncio.IncompleteReadError(b"", length)
            length -= len(chunk)
            self.client.write(chunk)
            await self.client.drain()

    async def _chunks(self) -> None:
        while True:
            line = await self.source.readuntil(b"\r\n")
            self.client.write(line)
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (trailer := await self.source.readuntil(b"\r\n")) != b"\r\n":
                    self.client.write(trailer)
                self.client.write(trailer)
                return
            await self._exactly(size + 2)

    async def _rest(self) -> None:
        with contextlib.suppress(OSError):
            while chunk := await self.source.read(CHUNK):
                self.client.write(chunk)
                await self.client.drain()
