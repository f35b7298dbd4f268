"""Reading a source file once for the parser while hashing it and showing progress.

Two ways, chosen by :mod:`graph_loader.loading`:

* a *direct* load hands the parser the file's path (pyoxigraph reads it natively, the
  fastest way); the SHA-256 is computed by :class:`BackgroundDigest` in a thread, and
  :class:`ReadPositionWatcher` moves the bar from the position of the parser's own file
  descriptor (Linux ``/proc``);
* a *stream* load (gzip, bytes in memory, a pipe, or no ``/proc``) hands the parser a
  :class:`TrackingReader` that hashes and reports what passes through it.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from pathlib import Path

from tqdm import tqdm

from graph_loader.bounded import BOM

CHUNK = 1 << 20
_PROC_FD = Path("/proc/self/fd")


class TrackingReader(io.RawIOBase):
    """A binary reader that hashes what it reads and reports progress."""

    def __init__(self, raw: io.BufferedIOBase, bar: tqdm | None):
        self.raw = raw
        self.bar = bar
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            if self.bar is not None:
                self.bar.update(n)
        return n or 0

    def drain(self) -> str:
        """Read what the parser left (trailing blank lines) and return the hex digest."""
        buf = bytearray(CHUNK)
        while self.readinto(buf):
            pass
        return self.digest.hexdigest()


class BackgroundDigest:
    """The SHA-256 of a file, computed in a thread (hashlib releases the GIL on big chunks).

    The file is opened at once, so a missing file fails here and :attr:`fileno` is known.
    """

    def __init__(self, path: Path):
        self._handle = path.open("rb")
        self.fileno = self._handle.fileno()
        self._digest = hashlib.sha256()
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name="sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._handle:
                while chunk := self._handle.read(CHUNK):
                    self._digest.update(chunk)
        except OSError as exc:
            self._error = exc

    def hexdigest(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._digest.hexdigest()


def can_watch_reads() -> bool:
    """Whether this system shows the position of a process's file descriptors."""
    return _PROC_FD.is_dir()


class ReadPositionWatcher:
    """Moves ``bar`` to the read position of whatever descriptor of this process has
    ``path`` open (except ``ignore``): the parser's own, when it reads the file natively."""

    def __init__(self, path: Path, bar: tqdm, *, ignore: int | None = None, interval=0.2):
        self._target = os.path.realpath(path)
        self._ignore = str(ignore)
        self._bar = bar
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)

    def __enter__(self) -> ReadPositionWatcher:
        if not self._bar.disable:
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        fd, seen, started = None, False, time.monotonic()
        while not self._stop.wait(self._interval):
            fd = fd if fd is not None and self._still_open(fd) else self._find()
            position = self._position(fd) if fd is not None else None
            if position is not None:
                seen = True
                self._bar.update(max(0, position - self._bar.n))
            elif seen and self._bar.total:
                # Read to the end: what is left is indexing; keep the clock moving.
                self._bar.update(max(0, self._bar.total - self._bar.n))
                self._bar.set_postfix_str("indexing", refresh=False)
            if time.monotonic() - started > (self._bar.delay or 0):
                self._bar.refresh()

    def _find(self) -> str | None:
        try:
            names = os.listdir(_PROC_FD)
        except OSError:
            return None
        return next((fd for fd in names if fd != self._ignore and self._still_open(fd)), None)

    def _still_open(self, fd: str) -> bool:
        try:
            return os.readlink(_PROC_FD / fd) == self._target
        except OSError:
            return False

    @staticmethod
    def _position(fd: str) -> int | None:
        try:
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                first = info.readline().split()
        except OSError:
            return None
        return int(first[1]) if len(first) == 2 and first[0] == "pos:" else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def leading_bytes(path: Path) -> bytes:
    """The first bytes of a file: whether it is gzip, or starts with a byte order mark."""
    with path.open("rb") as handle:
        return handle.read(len(BOM))


def progress_bar(path: Path, enabled: bool) -> tqdm:
    """A bar following the bytes of ``path`` read; shown only when ``enabled``."""
    size = path.stat().st_size if path.is_file() else None  # a pipe's size says nothing
    return tqdm(
        total=size,
        desc=path.name,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=not enabled,
        delay=0.5,
        leave=False,
    )
