"""The server's executor: each query runs in the serving process itself, under a watchdog.

uWSGI runs several worker processes, each serving one request at a time with its own
read-only handle on the store. A query past the time limit ends its process (see
:mod:`sparql_endpoint.watchdog`): CPU and memory are released, the caller gets a 503 naming
the limit, uWSGI starts a replacement and the other processes keep serving.

Across processes (see :mod:`sparql_endpoint.store_files`), a query holds the data lock
shared and a write holds it exclusive, so no process reads while another writes. Before each
query a reader compares the state file's ``stat`` with what it last saw and reopens its
handle after a write. A write closes this process's handle, opens the store read-write,
runs, closes it and publishes the new version and graph counts.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from graph_loader.store import Store, StoreError, open_store
from sparql_endpoint.execution import CHUNK_BYTES, QueryJob, execute
from sparql_endpoint.executors import Collector, OnTimeout, Reply, Unavailable, graph_counts
from sparql_endpoint.store_files import LockTimeout, StateFile, StoreLocks
from sparql_endpoint.watchdog import Watchdog

T = TypeVar("T")

#: Seconds a write waits beyond the time limit for running queries to finish.
WRITE_GRACE = 5.0


def publish_state(store_path: Path) -> None:
    """Count the graphs and write a new state file (at server start, before any reader)."""
    state = StateFile(store_path)
    store = open_store(store_path, read_only=True)
    try:
        state.publish(state.next_version(), graph_counts(store))
    finally:
        store.close()


class DirectExecutor:
    """Queries in this process over the store at ``store_path``, stopped at ``timeout``."""

    def __init__(self, store_path: Path, *, timeout: float):
        self.store_path = Path(store_path)
        self.timeout = timeout
        self._locks = StoreLocks(self.store_path)
        self._state = StateFile(self.store_path)
        self._watchdog = Watchdog(period=min(0.05, timeout / 50))
        self._store: Store | None = None
        self._opened_at: int | None = None
        if not self._state.exists():
            with self._locks.writing(time.monotonic() + timeout + WRITE_GRACE):
                if not self._state.exists():
                    publish_state(self.store_path)

    @property
    def version(self) -> int:
        """The data version, bumped by every write (by any process)."""
        return self._state.current().version

    def known_graphs(self) -> frozenset[str]:
        """The named graphs in the store, as of the last write."""
        return self._state.current().known

    def graph_counts(self) -> dict[str, int]:
        """Each named graph's triple count, as of the last write."""
        return dict(self._state.current().graphs)

    # -- queries -------------------------------------------------------------------------
    def run(self, job: QueryJob, on_timeout: OnTimeout) -> Reply:
        """Run ``job`` here; at the limit, ``on_timeout`` answers and the process ends.

        Waiting for a write to finish is limited separately (503 "try again"), so the query
        itself always gets the whole limit.
        """
        collector = Collector(_spool)
        try:
            with self._locks.reading(time.monotonic() + self.timeout):
                self._watched(job, collector, on_timeout)
        except LockTimeout:
            raise Unavailable("the store is being written; try again") from None
        assert collector.reply is not None
        return collector.reply

    def _watched(self, job: QueryJob, collector: Collector, on_timeout: OnTimeout) -> None:
        message = f"the query ran past the {self.timeout:g} s time limit"
        self._watchdog.arm(self.timeout, lambda: on_timeout(message))
        try:
            execute(self._handle(), job, collector.send)
        except BaseException:
            collector.discard()
            raise
        finally:
            self._watchdog.disarm()

    def _handle(self) -> Store:
        """The read-only handle, reopened when a write has happened since it was opened."""
        version = self._state.current().version
        if self._store is not None and self._opened_at != version:
            self._close_handle()
        if self._store is None:
            try:
                self._store = open_store(self.store_path, read_only=True)
            except StoreError as exc:
                raise Unavailable(f"the store cannot be read: {exc}") from None
            self._opened_at = version
        return self._store

    def _close_handle(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- writes --------------------------------------------------------------------------
    def write(self, action: Callable[[Store], T]) -> T:
        """Run ``action`` on the store opened read-write, while no process reads it."""
        deadline = time.monotonic() + self.timeout + WRITE_GRACE
        try:
            with self._locks.writing(deadline):
                return self._write(action)
        except LockTimeout:
            raise Unavailable("running queries did not finish; try the write again") from None

    def _write(self, action: Callable[[Store], T]) -> T:
        self._close_handle()
        version = self._state.next_version()
        store = open_store(self.store_path)
        try:
            return action(store)
        finally:
            graphs = graph_counts(store)
            store.close()
            self._state.publish(version, graphs)

    def close(self) -> None:
        """Release the handle and the lock files."""
        self._close_handle()
        self._locks.close()


def _spool() -> IO[bytes]:
    return tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES * 4)
