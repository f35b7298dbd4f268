"""Bounded parsing: the limits every input is read under, and where a refusal happened.

pyoxigraph, expat, :mod:`json` and :mod:`csv` each parse fast, but none of them bounds what
a hostile file may make them build, and several give no place when they fail. This package
holds the one set of limits (below), the checks that run *before* a parser sees an input
(RDF/XML entities: :mod:`~graph_loader.bounded.rdfxml`; JSON registers:
:mod:`~graph_loader.bounded.json_text`), and the locators that find the place of a failure
a parser reported without one (:mod:`~graph_loader.bounded.locate`). A refusal is
:class:`Refused`: a line and column (or a JSON path) and the reason; the command line puts
the file's name in front, the web service "of the request body".

>>> strip_bom(b"\\xef\\xbb\\xbf<a> <b> <c> .")
b'<a> <b> <c> .'
>>> place("one\\ntwo\\u00e9s three".encode(), 10)
(2, 6)
"""

from __future__ import annotations

import gzip
import io
import mmap
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

#: The byte order mark of UTF-8, which editors on Windows put in front of text files.
BOM = b"\xef\xbb\xbf"
#: pyoxigraph's Turtle-family readers keep one token (IRI, literal, name) in a buffer of at
#: most this many bytes; a longer one is refused (with its place, found by
#: :func:`graph_loader.bounded.locate.long_token`).
TOKEN_LIMIT = 16 * 1024 * 1024
#: The most characters an RDF/XML entity declared in a DOCTYPE may expand to.
ENTITY_LIMIT = 64 * 1024
#: The most characters all the entity references of an RDF/XML document may add up to,
#: unless the document itself is larger (then its own size).
EXPANSION_LIMIT = 16 * 1024 * 1024
#: The deepest nesting of arrays and objects a JSON register may have.
JSON_DEPTH_LIMIT = 32
#: The most characters a number of a JSON register may have.
JSON_NUMBER_LIMIT = 100
#: The most characters one cell of a register may have (CSV, TSV or a JSON string):
#: :mod:`csv`'s own default field limit, so that both kinds of register agree.
CELL_LIMIT = 128 * 1024

#: What a check or a locator reads: a file (gzip read through) or bytes in memory.
Source = Path | bytes


class Refused(ValueError):
    """An input refused before (or after) its parser ran, with the place: ``line`` and
    ``column`` from 1, or a JSON ``path``."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None,
                 path: str | None = None):  # fmt: skip
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column
        self.path = path

    def where(self, body: bool = False) -> str:
        """The place as the command line writes it (``3:14``) or, with ``body``, as the web
        service does (``line 3, column 14 of the request body``)."""
        if self.path is not None:
            return f"{self.path} of the request body" if body else self.path
        if body:
            column = f", column {self.column}" if self.column else ""
            return f"line {self.line}{column} of the request body"
        return f"{self.line}:{self.column}" if self.column else str(self.line)

    def in_file(self, name: object) -> str:
        """The message for the command line: ``file:line:column: reason``."""
        return f"{name}:{self.where()}: {self.reason}"

    def in_body(self) -> str:
        """The message for the web service: the place in the request body, then the reason."""
        return f"{self.where(body=True)}: {self.reason}"


def strip_bom(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 byte order mark (which is no RDF syntax's text)."""
    return data[len(BOM) :] if data.startswith(BOM) else data


def place(data: bytes | mmap.mmap, offset: int) -> tuple[int, int]:
    """(line, column), both from 1 and the column in characters, of byte ``offset``."""
    lines, start, step = 0, 0, 1 << 24
    for chunk in range(0, offset, step):
        lines += data[chunk : min(offset, chunk + step)].count(b"\n")
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(bytes(data[start:offset]).decode("utf-8", "replace")) + 1
    return lines + 1, column


@contextmanager
def whole(source: Source) -> Iterator[bytes | mmap.mmap]:
    """The bytes of ``source`` at once, never held in memory whole: a plain file mapped, a
    gzip file unpacked into a temporary file (on disk, as the load itself will be) and mapped."""
    if isinstance(source, bytes):
        yield source
        return
    with source.open("rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            yield from _mapped(handle)
            return
        handle.seek(0)
        with gzip.GzipFile(fileobj=handle) as unzipped, tempfile.TemporaryFile() as unpacked:
            shutil.copyfileobj(unzipped, unpacked, 1 << 20)
            unpacked.flush()
            yield from _mapped(unpacked)


def _mapped(handle: IO[bytes]) -> Iterator[bytes | mmap.mmap]:
    if os.fstat(handle.fileno()).st_size == 0:
        yield b""
        return
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        yield mapped


def stream(source: Source) -> io.BufferedIOBase:
    """``source`` as a binary reader (a gzip file read through)."""
    if isinstance(source, bytes):
        return io.BytesIO(source)
    with source.open("rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    return gzip.open(source) if gzipped else source.open("rb")
