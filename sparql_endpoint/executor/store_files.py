"""What the server's processes share through the store's directory: locks and the state file.

Two ``flock`` lock files keep readers and writers apart across processes. A query holds
``lamcoop-data.lock`` shared while it runs; a write holds it exclusive, so no process reads
while another writes. A write first takes ``lamcoop-gate.lock`` exclusive, which queries pass
through (shared, for an instant) before their own lock: once a write waits at the gate, new
queries wait behind it, and running ones drain. The kernel releases the locks of a process
that ends, however it ends.

``lamcoop-state.json`` holds the data version and each graph's triple count, rewritten
(atomically) by every write; readers notice a new one from ``os.stat`` alone. A write by
another process (``lamcoop load`` beside the server) does not rewrite it, but the store
counts every read-write session in a side file (:func:`graph_loader.store.layout.written`):
the data version readers see is the state's version plus that count, so it changes with
every write, by whichever process.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph_loader.store import ReadableStore
from graph_loader.store.layout import WRITES_FILE, written

DATA_LOCK = "lamcoop-data.lock"
GATE_LOCK = "lamcoop-gate.lock"
STATE_FILE = "lamcoop-state.json"

#: Seconds between tries of a lock another process holds.
_POLL = 0.005


class LockTimeout(Exception):
    """A lock was not free before the deadline."""


class StoreLocks:
    """This process's handles on the store's two lock files."""

    def __init__(self, store_path: Path):
        self._data = os.open(store_path / DATA_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        self._gate = os.open(store_path / GATE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)

    @contextlib.contextmanager
    def reading(self, deadline: float) -> Iterator[None]:
        """Hold the data lock shared, once no write holds or waits for it."""
        self.hold_read(deadline)
        try:
            yield
        finally:
            self.release_read()

    def hold_read(self, deadline: float) -> None:
        """Take the data lock shared, once no write holds or waits for it (release it with
        :meth:`release_read`; :meth:`reading` pairs the two)."""
        _take(self._gate, fcntl.LOCK_SH, deadline)
        fcntl.flock(self._gate, fcntl.LOCK_UN)
        _take(self._data, fcntl.LOCK_SH, deadline)

    def release_read(self) -> None:
        """Let go of the shared data lock :meth:`hold_read` took."""
        fcntl.flock(self._data, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def writing(self, deadline: float) -> Iterator[None]:
        """Hold both locks exclusive: no query runs meanwhile, in any process."""
        fcntl.flock(self._gate, fcntl.LOCK_EX)  # writes queue behind each other
        try:
            _take(self._data, fcntl.LOCK_EX, deadline)
            try:
                yield
            finally:
                fcntl.flock(self._data, fcntl.LOCK_UN)
        finally:
            fcntl.flock(self._gate, fcntl.LOCK_UN)

    def close(self) -> None:
        os.close(self._data)
        os.close(self._gate)


def _stat_stamp(path: Path | str) -> tuple[int, ...]:
    """What changes when ``path`` is replaced (nothing, for a file not there)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return ()
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _take(fd: int, mode: int, deadline: float) -> None:
    """``flock`` ``fd`` in ``mode``, trying until ``deadline`` (``time.monotonic``)."""
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout from None
            time.sleep(_POLL)


#: The graphs' triple counts a write's action made after writing, or ``None`` (see
#: :meth:`sparql_endpoint.executor.Executor.write`).
Counted = Callable[[], dict[str, int] | None] | None


@dataclass(frozen=True)
class State:
    """The data version and the graphs, as the last write left them, and when (seconds
    since the epoch: what ``Last-Modified`` says)."""

    version: int
    graphs: dict[str, int]
    known: frozenset[str]
    modified: float = 0.0
    #: A remote store's own data version as this node last read it (0: none, or embedded).
    remote: int = 0
    #: Whether another process (``lamcoop load`` beside the server) wrote since the state
    #: was published: its graphs are then as they were before that write.
    outside: bool = False

    @classmethod
    def of(cls, store: ReadableStore, version: int) -> State:
        """The graphs of ``store`` as of now, with their triple counts, as ``version``."""
        graphs = {g.iri: g.triples for g in store.graphs()}
        return cls(version, graphs, frozenset(graphs), time.time())


class StateFile:
    """The store's state file, re-read only when ``os.stat`` says it was replaced."""

    def __init__(self, store_path: Path):
        self.store_path = store_path
        self.path = store_path / STATE_FILE
        #: The paths as text, made once: each request stats both (the front's too).
        self._stat_paths = (str(self.path), str(store_path / WRITES_FILE))
        self._stamp: tuple[int, ...] | None = None
        self._state = State(0, {}, frozenset())

    def exists(self) -> bool:
        return self.path.exists()

    def current(self) -> State:
        """The state as of now (two ``stat`` calls; a read only after a write). Its version
        is the state file's plus the store's count of read-write sessions."""
        state_path, writes_path = self._stat_paths
        info = os.stat(state_path)
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size, *_stat_stamp(writes_path))
        if stamp != self._stamp:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            graphs = {str(k): int(v) for k, v in data["graphs"].items()}
            writes, when = written(self.store_path)
            version = int(data["version"]) + writes
            remote = int(data.get("remote", 0))
            # Over a remote store, the time of its last write (by any node, from its
            # version): every node then says the same Last-Modified.
            given = data.get("modified")
            modified = float(given) if given else max(info.st_mtime, when)
            outside = data.get("writes") != writes
            self._state = State(version, graphs, frozenset(graphs), modified, remote, outside)
            self._stamp = stamp
        return self._state

    @property
    def writes_path(self) -> Path:
        return self.store_path / WRITES_FILE

    def publish(
        self,
        version: int,
        graphs: dict[str, int],
        *,
        remote: int | None = None,
        modified: float | None = None,
        writes: int | None = None,
    ) -> None:
        """Write a new state (under the write lock, or before any reader starts); the
        remote store's version seen is kept as it was unless ``remote`` is given, and the
        data's time is the file's unless ``modified`` is given."""
        if remote is None:
            remote = self._read().get("remote", 0)
        # The store's count of read-write sessions these graphs are as of (now, unless
        # the caller counted the graphs after reading it): a later one is another's write.
        seen = written(self.store_path)[0] if writes is None else writes
        data = {"version": version, "graphs": graphs, "remote": remote, "writes": seen}
        if modified:
            data["modified"] = modified
        temporary = self.path.with_name(f".{STATE_FILE}.{os.getpid()}")
        temporary.write_text(json.dumps(data), "utf-8")
        os.replace(temporary, self.path)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def next_version(self) -> int:
        """The version a new state should carry: one more than the last (0 for the first)."""
        try:
            return int(json.loads(self.path.read_text(encoding="utf-8"))["version"]) + 1
        except (OSError, ValueError, KeyError, TypeError):
            return 0
