"""Request bodies sent with a content coding (``Content-Encoding: gzip``), as a client
uploads a large graph compressed.

werkzeug hands the application the body as it came: a gzip body was parsed as text (a
400 "syntax error at line 1, column 1"), and one in a coding nobody decodes (``br``) was
taken as it was, the header ignored. Here (a ``before_request`` of the app, before any
route reads the body) ``gzip``, ``x-gzip`` and ``deflate`` are decoded as the body is read,
within the size limit on what they unpack to (``max_body_bytes``: a small body that unpacks
past it is a 413, not a memory's worth of data), and any other coding is a 415 naming it, as
RFC 9110 (section 8.4.1) allows. ``identity`` is no coding.

>>> raw = io.BytesIO(zlib.compress(b"ASK {}"))
>>> io.BufferedReader(Inflating(raw, "deflate")).read()
b'ASK {}'
>>> io.BufferedReader(Inflating(io.BytesIO(zlib.compress(b"x" * 100)), "deflate", 99)).read()
Traceback (most recent call last):
...
werkzeug.exceptions.RequestEntityTooLarge: 413 Request Entity Too Large: the deflate body \
unpacks to more than 99 bytes, the most a request body may hold
"""

from __future__ import annotations

import io
import zlib
from typing import Any

from flask import abort, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

#: Content codings decoded, and the ``wbits`` zlib reads each with.
CODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
CHUNK = 1 << 16


class Inflating(io.RawIOBase):
    """The decoded bytes of ``raw``, a body in ``coding`` (one of :data:`CODINGS`), read
    as they are asked for: never more at once than the reader's buffer, and a 413 past
    ``limit`` bytes in all (a small body that unpacks to gigabytes is stopped there)."""

    def __init__(self, raw: Any, coding: str, limit: int | None = None):
        self._raw = raw
        self._coding = coding
        self._zlib = zlib.decompressobj(CODINGS[coding])
        self._pending = b""
        self._limit = limit
        self._given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            data, self._pending = self._pending, b""
            if not data:
                if self._zlib.eof:
                    return 0
                data = self._raw.read(CHUNK)
                if not data:
                    raise BadRequest(f"the {self._coding} body ends before its compressed data")
            try:
                out = self._zlib.decompress(data, len(buffer))
            except zlib.error as exc:
                raise BadRequest(f"the body is not {self._coding} data: {exc}") from None
            self._pending = self._zlib.unconsumed_tail
            self._given += len(out)
            if self._limit is not None and self._given > self._limit:
                raise RequestEntityTooLarge(
                    f"the {self._coding} body unpacks to more than {self._limit} bytes, "
                    "the most a request body may hold"
                )
            if out:
                buffer[: len(out)] = out
                return len(out)


def decode_body() -> None:
    """The request's body decoded from its content coding, in its place (the app's first
    ``before_request``); 415 for a coding not decoded here."""
    environ = request.environ
    coding = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if coding in ("", "identity"):
        return
    if coding not in CODINGS:
        abort(415, f"Content-Encoding {coding!r} is not decoded here; send gzip, deflate or none")
    length = request.content_length
    if not length:  # no body (the front passes every body on with its length)
        environ.pop("HTTP_CONTENT_ENCODING", None)
        return
    most = request.max_content_length
    if most is not None and length > most:
        raise RequestEntityTooLarge(f"the body is {length} bytes, over the {most} a body may hold")
    raw = LimitedStream(environ["wsgi.input"], length)  # never past the body
    # Decoded whole here (the routes read a body whole too): werkzeug's own limit on a
    # stream of no stated length would stop at the limit without a word.
    decoded = io.BufferedReader(Inflating(raw, coding, most), CHUNK).read()
    environ["wsgi.input"] = io.BytesIO(decoded)
    environ["CONTENT_LENGTH"] = str(len(decoded))
    environ.pop("HTTP_CONTENT_ENCODING", None)
