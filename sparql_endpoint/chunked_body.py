"""Request bodies sent in chunks (``Transfer-Encoding: chunked``), read whole by the front.

uWSGI's own chunk reader takes any ``[0-9A-Za-z]+`` as a chunk-size line (``zz`` reads as
size 0, the last chunk) and skips the two bytes after a chunk unchecked, so a body broken
mid-way reached the application cut short, as if it were complete. The front therefore
reads chunked bodies itself, strictly as RFC 9112 (section 7.1) writes them, and passes the
body on with a ``Content-Length``: a body that cannot be read whole is refused with 400
naming the byte of the body where it broke, one over the size limit with 413, and what
reaches the router and the application is always a body read to its end.

>>> import asyncio
>>> def read(data, limit=100):
...     async def run():
...         reader = asyncio.StreamReader()
...         reader.feed_data(data)
...         reader.feed_eof()
...         return await read_chunked(reader, limit=limit)
...     return asyncio.run(run())
>>> read(b"4\\r\\nWiki\\r\\n5;x=y\\r\\npedia\\r\\n0\\r\\nTrailer: t\\r\\n\\r\\n")
b'Wikipedia'
>>> read(b"4\\r\\nWiki\\r\\nzz\\r\\npedia\\r\\n0\\r\\n\\r\\n")
Traceback (most recent call last):
...
sparql_endpoint.chunked_body.BrokenBody: the chunked request body breaks at byte 9: 'zz' is no \
chunk size (hexadecimal digits)
>>> read(b"4\\r\\nWikiXX5\\r\\n")
Traceback (most recent call last):
...
sparql_endpoint.chunked_body.BrokenBody: the chunked request body breaks at byte 7: a chunk of 4 \
bytes does not end with CRLF
>>> read(b"ff\\r\\n" + b"x" * 255 + b"\\r\\n0\\r\\n\\r\\n")
Traceback (most recent call last):
...
sparql_endpoint.chunked_body.BrokenBody: the chunked request body is over the limit of 100 \
bytes
"""

from __future__ import annotations

import asyncio
import re

#: A chunk-size line: hexadecimal digits, then optional extensions (which are ignored).
_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;.*)?")
#: The longest chunk-size or trailer line read.
LINE_LIMIT = 4096
#: The fields a chunked request loses when it is passed on read whole.
_DECHUNKED = frozenset({b"transfer-encoding", b"expect"})


class BrokenBody(Exception):
    """A chunked body that cannot be read whole: its status (400, or 413 over the limit)
    and the one line that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


async def dechunked(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    fields: list[bytes],
    *,
    limit: int,
) -> tuple[list[bytes], bytes]:
    """A chunked request's header fields and whole body, as they are passed on: a
    ``Content-Length`` instead of ``Transfer-Encoding``, and no ``Expect`` (a
    ``100 Continue`` is written to ``writer`` here, since the body is read here)."""
    names = [f.partition(b":")[0].strip().lower() for f in fields]
    if b"expect" in names:
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        await writer.drain()
    body = await read_chunked(reader, limit=limit)
    kept = [f for f, name in zip(fields, names, strict=True) if name not in _DECHUNKED]
    return [*kept, b"Content-Length: %d" % len(body)], body


async def read_chunked(reader: asyncio.StreamReader, *, limit: int) -> bytes:
    """The whole body of a chunked request from ``reader`` (its trailer fields read and
    dropped); :class:`BrokenBody` when it is malformed, cut short or over ``limit`` bytes."""
    parts: list[bytes] = []
    consumed = total = 0
    while True:
        line = await _line(reader, consumed)
        match = _SIZE.fullmatch(line[:-2])
        if match is None:
            shown = line[:-2][:40].decode("latin-1")
            raise _broken(consumed, f"{shown!r} is no chunk size (hexadecimal digits)")
        consumed += len(line)
        size = int(match.group(1), 16)
        if size == 0:
            while (trailer := await _line(reader, consumed)) != b"\r\n":
                consumed += len(trailer)
            return b"".join(parts)
        total += size
        if total > limit:
            raise BrokenBody(413, f"the chunked request body is over the limit of {limit} bytes")
        try:
            parts.append(await reader.readexactly(size))
            end = await reader.readexactly(2)
        except asyncio.IncompleteReadError:
            raise _broken(consumed, "the body ends inside a chunk") from None
        consumed += size
        if end != b"\r\n":
            raise _broken(consumed, f"a chunk of {size} bytes does not end with CRLF")
        consumed += 2


async def _line(reader: asyncio.StreamReader, consumed: int) -> bytes:
    """The next line, CRLF included; a broken body when there is none or it is too long."""
    try:
        line = await reader.readuntil(b"\r\n")
    except asyncio.IncompleteReadError:
        raise _broken(consumed, "the body ends before its last chunk") from None
    except asyncio.LimitOverrunError:
        raise _broken(consumed, f"a line longer than {LINE_LIMIT} bytes") from None
    if len(line) > LINE_LIMIT:
        raise _broken(consumed, f"a line longer than {LINE_LIMIT} bytes")
    return line


def _broken(at: int, why: str) -> BrokenBody:
    return BrokenBody(400, f"the chunked request body breaks at byte {at}: {why}")
