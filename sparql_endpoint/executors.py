"""What the web tier asks of the place queries run, and the in-thread executor.

:class:`LocalExecutor` runs queries in the request thread over a store handed to the app (in
memory, for tests and embedding); they cannot be stopped. The server's executor, which runs
each query in the serving process under a watchdog, is :mod:`sparql_endpoint.direct`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any, Protocol, TypeVar

from graph_loader.store import Store
from sparql_endpoint.execution import CHUNK_BYTES, Head, QueryJob, execute

T = TypeVar("T")

#: Called (in another thread) with the message naming the limit when a query runs over it.
OnTimeout = Callable[[str], None]


class Unavailable(Exception):
    """The query or write could not be run now (the store is busy); the message says why."""


class Reply:
    """A query's answer: its head (or error) and its body.

    ``status``/``message`` are set when the query failed; ``body`` is the whole result when
    it is small; otherwise ``spool`` holds it (``length`` bytes) and :meth:`chunks` reads it.
    """

    def __init__(
        self,
        head: Head | None,
        status: int = 200,
        message: str = "",
        body: bytes | None = None,
        spool: IO[bytes] | None = None,
    ):
        self.head = head
        self.status = status
        self.message = message
        self.body = body
        self.spool = spool
        self.length = len(body) if body is not None else _size(spool)

    def chunks(self) -> Iterator[bytes]:
        """The body, piece by piece (the spool is closed at the end, or when abandoned)."""
        if self.body is not None:
            yield self.body
            return
        if self.spool is None:
            return
        try:
            self.spool.seek(0)
            while piece := self.spool.read(CHUNK_BYTES):
                yield piece
        finally:
            self.close()

    def close(self) -> None:
        """Release the spool (once the body is sent, or when it will not be)."""
        if self.spool is not None:
            self.spool.close()


def _size(spool: IO[bytes] | None) -> int | None:
    if spool is None:
        return None
    spool.seek(0, 2)
    return spool.tell()


class Executor(Protocol):
    """The place queries run and writes happen."""

    timeout: float

    @property
    def version(self) -> int: ...

    def known_graphs(self) -> frozenset[str]: ...

    def graph_counts(self) -> dict[str, int]: ...

    def run(self, job: QueryJob, on_timeout: OnTimeout) -> Reply: ...

    def write(self, action: Callable[[Store], T]) -> T: ...

    def close(self) -> None: ...


def graph_counts(store: Store) -> dict[str, int]:
    """Each named graph of ``store`` with its triple count."""
    return {g.iri: g.triples for g in store.graphs()}


class Collector:
    """Receives :func:`~sparql_endpoint.execution.execute`'s messages; makes the :class:`Reply`.

    A result larger than one chunk goes to a temporary file, so nothing is sent before the
    query has finished (an error while streaming is then still a clean 400).
    """

    def __init__(self, spool: Callable[[], IO[bytes]]):
        self._spool = spool
        self.reply: Reply | None = None
        self._head: Head | None = None
        self._file: IO[bytes] | None = None

    def send(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "whole":
            self.reply = Reply(message[1], body=message[2])
        elif kind == "error":
            self.reply = Reply(None, message[1], message[2])
        elif kind == "head":
            self._head, self._file = message[1], self._spool()
        elif kind == "chunk":
            assert self._file is not None
            self._file.write(message[1])
        elif kind == "done":
            self.reply = Reply(self._head, spool=self._file)
        elif kind == "abort":
            self.discard()
            self.reply = Reply(None, 400, message[1])

    def discard(self) -> None:
        """Drop a partly written spool."""
        if self._file is not None:
            self._file.close()
            self._file = None


class LocalExecutor:
    """Queries in the calling thread on a store the caller opened (no time limit)."""

    def __init__(self, store: Store, *, timeout: float):
        self.store = store
        self.timeout = timeout
        self._version = 0
        self._lock = threading.RLock()
        self._graphs = graph_counts(store)

    @property
    def version(self) -> int:
        """Bumped by every write."""
        return self._version

    def known_graphs(self) -> frozenset[str]:
        """The named graphs in the store (as of the last write)."""
        return frozenset(self._graphs)

    def graph_counts(self) -> dict[str, int]:
        """Each named graph's triple count (as of the last write)."""
        return dict(self._graphs)

    def run(self, job: QueryJob, on_timeout: OnTimeout) -> Reply:
        """Run ``job`` now; ``on_timeout`` is never called (there is no limit here)."""
        collector = Collector(_memory_spool)
        with self._lock:
            execute(self.store, job, collector.send)
        assert collector.reply is not None
        return collector.reply

    def write(self, action: Callable[[Store], T]) -> T:
        with self._lock:
            try:
                return action(self.store)
            finally:
                self._version += 1
                self._graphs = graph_counts(self.store)

    def close(self) -> None:
        """The caller owns the store; nothing to release."""


def _memory_spool() -> IO[bytes]:
    return io.BytesIO()
