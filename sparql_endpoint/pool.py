"""Where queries run: a pool of query-worker processes that can be killed, and the writer.

Each worker holds a read-only handle on the store. A query past the time limit gets its
worker killed (CPU and memory released at once) and replaced; other queries keep running.

Writes never overlap a read-only handle: :meth:`QueryPool.write` stops handing out workers,
waits for running queries, has every worker close its handle, opens the store read-write in
this process, writes, closes it, and bumps the data version; workers reopen on their next
query. So no process ever reads the store while another writes it.

:class:`LocalExecutor` is the same interface over a store handed to the app (in memory, for
tests and embedding): queries run in the request thread and cannot be stopped.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol, TypeVar

from graph_loader.store import OxigraphStore, StoreError, open_store
from sparql_endpoint.execution import Head, QueryJob, execute

T = TypeVar("T")


class QueryTimeout(Exception):
    """The query ran past the time limit and was stopped."""


class Unavailable(Exception):
    """No worker could take the query (all busy, or one died); the message says why."""


class Reply:
    """A running query's answer: its head (or error), then its chunks.

    ``status``/``message`` are set when the query failed before any output; ``body`` is the
    whole result when it came in one message (its worker is then already free).
    """

    def __init__(
        self, head: Head | None, status: int = 200, message: str = "", body: bytes | None = None
    ):
        self.head = head
        self.status = status
        self.message = message
        self.body = body

    def chunks(self) -> Iterator[bytes]:
        return iter(() if self.body is None else (self.body,))


class Executor(Protocol):
    """What the web tier asks of the place queries run."""

    version: int
    timeout: float

    def known_graphs(self) -> frozenset[str]: ...

    def graph_counts(self) -> dict[str, int]: ...

    def run(self, job: QueryJob) -> Reply: ...

    def write(self, action: Callable[[OxigraphStore], T]) -> T: ...

    def close(self) -> None: ...


def _graph_counts(store: OxigraphStore) -> dict[str, int]:
    return {g.iri: g.triples for g in store.graphs()}


# -- in-process ----------------------------------------------------------------------------
class _ListReply(Reply):
    def __init__(self, messages: list[tuple[Any, ...]]):
        first = messages[0]
        if first[0] == "error":
            super().__init__(None, first[1], first[2])
        else:
            super().__init__(first[1], body=first[2] if first[0] == "whole" else None)
        self._messages = messages

    def chunks(self) -> Iterator[bytes]:
        for message in self._messages:
            if message[0] == "chunk":
                yield message[1]
            elif message[0] == "whole":
                yield message[2]
            elif message[0] == "abort":
                raise RuntimeError(message[1])


class LocalExecutor:
    """Queries in the calling thread on a store the caller opened (no time limit)."""

    def __init__(self, store: OxigraphStore, *, timeout: float):
        self.store = store
        self.timeout = timeout
        self.version = 0
        self._lock = threading.RLock()
        self._graphs = _graph_counts(store)

    def known_graphs(self) -> frozenset[str]:
        """The named graphs in the store (as of the last write)."""
        return frozenset(self._graphs)

    def graph_counts(self) -> dict[str, int]:
        """Each named graph's triple count (as of the last write)."""
        return dict(self._graphs)

    def run(self, job: QueryJob) -> Reply:
        messages: list[tuple[Any, ...]] = []
        with self._lock:
            execute(self.store, job, messages.append)
        return _ListReply(messages)

    def write(self, action: Callable[[OxigraphStore], T]) -> T:
        with self._lock:
            try:
                return action(self.store)
            finally:
                self.version += 1
                self._graphs = _graph_counts(self.store)

    def close(self) -> None:
        """The caller owns the store; nothing to release."""


# -- worker processes ----------------------------------------------------------------------
def worker_main(conn: Connection, store_path: str) -> None:
    """A query worker: open the store read-only on demand, run queries, close on request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: OxigraphStore | None = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "close":
            if store is not None:
                store.close()
                store = None
            conn.send(("closed",))
        elif message[0] == "query":
            if store is None:
                try:
                    store = open_store(store_path, read_only=True)
                except StoreError as exc:
                    conn.send(("error", 503, f"the store cannot be read: {exc}"))
                    continue
            execute(store, message[1], conn.send)


class _Worker:
    def __init__(self, ctx: Any, store_path: Path, number: int):
        parent, child = ctx.Pipe()
        self.process = ctx.Process(
            target=worker_main,
            args=(child, str(store_path)),
            name=f"lamcoop-query-{number}",
            daemon=True,
        )
        self.process.start()
        child.close()
        self.conn: Connection = parent

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class _PoolReply(Reply):
    def __init__(self, pool: QueryPool, worker: _Worker, deadline: float):
        self.pool = pool
        self.worker: _Worker | None = worker
        self.deadline = deadline
        first = self._next()
        if first[0] == "error":
            self._release()
            super().__init__(None, first[1], first[2])
        elif first[0] == "whole":
            self._release()
            super().__init__(first[1], body=first[2])
        else:
            super().__init__(first[1])

    def _next(self) -> tuple[Any, ...]:
        assert self.worker is not None
        remaining = self.deadline - time.monotonic()
        try:
            ready = remaining > 0 and self.worker.conn.poll(remaining)
            if not ready:
                self._discard()
                raise QueryTimeout(f"the query ran past the {self.pool.timeout:g} s time limit")
            return self.worker.conn.recv()
        except (EOFError, OSError):
            self._discard()
            raise Unavailable("the query worker stopped unexpectedly") from None

    def chunks(self) -> Iterator[bytes]:
        if self.body is not None:
            yield self.body
            return
        try:
            while self.worker is not None:
                message = self._next()
                if message[0] == "chunk":
                    yield message[1]
                elif message[0] == "done":
                    self._release()
                elif message[0] == "abort":
                    self._release()
                    raise RuntimeError(message[1])
        finally:
            if self.worker is not None:  # the client went away mid-stream
                self._discard()

    def _release(self) -> None:
        if self.worker is not None:
            self.pool.checkin(self.worker)
            self.worker = None

    def _discard(self) -> None:
        if self.worker is not None:
            self.pool.replace(self.worker)
            self.worker = None


class QueryPool:
    """``size`` query-worker processes over the store at ``store_path``."""

    def __init__(self, store_path: Path, *, size: int, timeout: float):
        self.store_path = store_path
        self.size = size
        self.timeout = timeout
        self.version = 0
        self._ctx = multiprocessing.get_context("spawn")
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._busy = 0
        self._writing = False
        self._started = 0
        self._graphs = self._read_graphs()
        for _ in range(size):
            self._idle.append(self._start())

    def _start(self) -> _Worker:
        self._started += 1
        return _Worker(self._ctx, self.store_path, self._started)

    def _read_graphs(self) -> dict[str, int]:
        store = open_store(self.store_path, read_only=True)
        try:
            return _graph_counts(store)
        finally:
            store.close()

    def known_graphs(self) -> frozenset[str]:
        """The named graphs in the store (as of the last write)."""
        return frozenset(self._graphs)

    def graph_counts(self) -> dict[str, int]:
        """Each named graph's triple count (as of the last write)."""
        return dict(self._graphs)

    # -- queries -------------------------------------------------------------------------
    def run(self, job: QueryJob) -> Reply:
        """Start ``job`` on a free worker; wait for its first message within the limit."""
        deadline = time.monotonic() + self.timeout
        worker = self.checkout(deadline)
        try:
            worker.conn.send(("query", job))
        except (OSError, ValueError):
            self.replace(worker)
            raise Unavailable("the query worker stopped unexpectedly") from None
        return _PoolReply(self, worker, deadline)

    def checkout(self, deadline: float) -> _Worker:
        with self._cond:
            while self._writing or not self._idle:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    if self._idle:  # a wake-up this query will not use goes to the next one
                        self._cond.notify()
                    raise Unavailable(
                        f"all {self.size} query workers stayed busy for the "
                        f"{self.timeout:g} s time limit"
                    )
                self._cond.wait(remaining)
            self._busy += 1
            return self._idle.pop()

    def checkin(self, worker: _Worker) -> None:
        with self._cond:
            self._busy -= 1
            self._idle.append(worker)
            self._wake()

    def replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (stopping its query) and put a fresh one in its place."""
        worker.kill()
        fresh = self._start()
        with self._cond:
            self._busy -= 1
            self._idle.append(fresh)
            self._wake()

    def _wake(self) -> None:
        """After a worker is freed: wake one waiting query, or everyone while a write waits."""
        if self._writing:
            self._cond.notify_all()
        else:
            self._cond.notify()

    # -- writes --------------------------------------------------------------------------
    def write(self, action: Callable[[OxigraphStore], T]) -> T:
        """Run ``action`` on the store opened read-write, with no reader open meanwhile."""
        with self._exclusive():
            store = open_store(self.store_path)
            try:
                return action(store)
            finally:
                self._graphs = _graph_counts(store)
                store.close()

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._writing = True
            drain_until = time.monotonic() + self.timeout + 5
            while self._busy and time.monotonic() < drain_until:
                self._cond.wait(drain_until - time.monotonic())
            if self._busy:
                self._writing = False
                self._cond.notify_all()
                raise Unavailable("running queries did not finish; try the write again")
            idle = list(self._idle)
        try:
            for worker in idle:
                self._close_handle(worker)
            yield
        finally:
            with self._cond:
                self.version += 1
                self._writing = False
                self._cond.notify_all()

    def _close_handle(self, worker: _Worker) -> None:
        try:
            worker.conn.send(("close",))
            if worker.conn.poll(30) and worker.conn.recv() == ("closed",):
                return
        except (EOFError, OSError):
            pass
        with self._cond:
            self._idle.remove(worker)
            self._busy += 1
        self.replace(worker)

    def close(self) -> None:
        with self._cond:
            workers, self._idle = self._idle, []
        for worker in workers:
            worker.kill()
