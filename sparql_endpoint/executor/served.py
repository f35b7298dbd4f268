"""The served mode: reads in the serving process itself, under a watchdog.

uWSGI runs several worker processes, each serving one request at a time with its own
read-only handle on the store. A read past the time limit, or one during which the process
grows past the memory limit, ends its process (see
:mod:`~sparql_endpoint.executor.watchdog`): CPU and memory are released, the caller gets a
503 naming the limit, uWSGI starts a replacement and the other processes keep serving.

Across processes (see :mod:`~sparql_endpoint.executor.store_files`), a read holds the data
lock shared and a write holds it exclusive, so no process reads while another writes. Before
each read a reader compares the state file's ``stat`` with what it last saw and reopens its
handle after a write. A write closes this process's handle, opens the store read-write,
runs, closes it and publishes the new version and graph counts.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

from graph_loader.settings import Settings
from graph_loader.store import Store, StoreError, open_configured, open_store
from graph_loader.store.layout import written
from graph_loader.store.remote import RemoteStore
from graph_loader.store.remote_version import read_version
from sparql_endpoint.executor.jobs import Unavailable
from sparql_endpoint.executor.results import CHUNK_BYTES
from sparql_endpoint.executor.store_files import (
    Counted,
    LockTimeout,
    State,
    StateFile,
    StoreLocks,
)
from sparql_endpoint.executor.watchdog import Watchdog
from sparql_endpoint.refusals import N_

log = logging.getLogger(__name__)

#: Opens the store a server reads (``read_only``) or writes: by default the embedded store
#: at the executor's path; a remote store's opener comes from the settings.
Opener = Callable[[bool], Store]


def store_opener(settings: Settings) -> Opener | None:
    """How a server opens a remote store (its lock and state files in ``state_dir``);
    ``None``: the embedded store in its directory."""
    if not settings.remote_store:
        return None
    return lambda read_only: open_configured(settings, read_only=read_only)


T = TypeVar("T")

#: Seconds a write waits beyond the time limit for running reads to finish.
WRITE_GRACE = 5.0

#: Answers the request with the message naming the limit (run in the watchdog's thread).
TimeoutAnswer = Callable[[str], None]
#: Called in the request's thread as a read starts; returns what answers that request if the
#: read runs past the limit.
AnswerTimeout = Callable[[], TimeoutAnswer]


def log_timeout() -> TimeoutAnswer:
    """An answer that only logs (a read with no client connection to answer on)."""
    return lambda message: log.error("%s (no client connection to answer on)", message)


def publish_state(store_path: Path, opener: Opener | None = None) -> None:
    """Count the graphs and write a new state file (at server start, before any reader);
    over a remote store, with the store's own data version (see
    :mod:`sparql_endpoint.remote_watch`)."""
    state = StateFile(store_path)
    writes = written(store_path)[0]  # read first: a write while counting shows as one after
    store = (opener or _embedded(store_path))(True)
    try:
        remote = read_version(store) if isinstance(store, RemoteStore) else 0
        graphs = State.of(store, 0).graphs
        version = state.next_version()
        state.publish(version, graphs, remote=remote, modified=remote / 1e6, writes=writes)
    finally:
        store.close()


class Served:
    """Reads in this process over the store at ``store_path``, stopped at ``timeout`` or
    when the process's resident memory passes ``memory_limit`` bytes (0: no limit); with
    ``watched`` false, not stopped (for a process that must not end: the front, whose
    reads are bounded documents; see :mod:`sparql_endpoint.front_render`)."""

    def __init__(
        self,
        store_path: Path,
        *,
        timeout: float,
        answer_timeout: AnswerTimeout = log_timeout,
        memory_limit: int = 0,
        opener: Opener | None = None,
        watched: bool = True,
    ):
        self.store_path = Path(store_path)
        self._open = opener or _embedded(self.store_path)
        self.timeout = timeout
        self._answer_timeout = answer_timeout
        self._locks = StoreLocks(self.store_path)
        self._state = StateFile(self.store_path)
        self._watchdog = (
            Watchdog(period=min(0.05, timeout / 50), memory_limit=memory_limit) if watched else None
        )
        self._store: Store | None = None
        self._opened_at: int | None = None
        self._holding = False  # this process holds the read lock
        if not self._state.exists():
            with self._locks.writing(time.monotonic() + timeout + WRITE_GRACE):
                if not self._state.exists():
                    publish_state(self.store_path, self._open)

    def state(self) -> State:
        """The data version and the graphs, as of the last write (by any process: after a
        write by another, the first process to look counts the graphs again for all)."""
        state = self._state.current()
        if state.outside and not self._holding:
            self._catch_up()
            state = self._state.current()
        return state

    def _catch_up(self) -> None:
        """Publish the graphs as another process's write left them (``lamcoop load``
        beside the server: the version moved, the graph list did not), once for every
        process: the others wait, as for a write, then find it done."""
        try:
            with self._locks.writing(time.monotonic() + self.timeout + WRITE_GRACE):
                if self._state.current().outside:
                    publish_state(self.store_path, self._open)
        except LockTimeout:
            raise Unavailable(N_("running queries did not finish; try again")) from None

    def spool(self) -> IO[bytes]:
        """Where a large result waits: memory first, then a temporary file."""
        return tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES * 4)

    # -- reads ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """The read-only handle, while this process holds the read lock and the time limit.

        Waiting for a write to finish is limited separately (503 "try again"), so the read
        itself always gets the whole limit; at the limit the request is answered and the
        process ends.
        """
        store = self._hold()
        try:
            yield store
        finally:
            self._release()

    def read(self, action: Callable[[Store], T]) -> T:
        """``action`` on the read-only handle, as :meth:`reading` holds it (without a
        generator: this is every protocol query's path)."""
        store = self._hold()
        try:
            return action(store)
        finally:
            self._release()

    def _hold(self) -> Store:
        """Take the read lock, arm the watchdog; the handle. Undone by :meth:`_release`."""
        answer = self._answer_timeout()
        self.state()  # caught up with another process's write, before the lock is held
        try:
            self._locks.hold_read(time.monotonic() + self.timeout)
        except LockTimeout:
            raise Unavailable(N_("the store is being written; try again")) from None
        self._holding = True
        try:
            if self._watchdog is not None:
                self._watchdog.arm(self.timeout, answer)
            return self._handle()
        except BaseException:
            self._release()
            raise

    def _release(self) -> None:
        if self._watchdog is not None:
            self._watchdog.disarm()
        self._holding = False
        self._locks.release_read()

    def _handle(self) -> Store:
        """The read-only handle, reopened when a write has happened since it was opened."""
        version = self._state.current().version
        if self._store is not None and self._opened_at != version:
            self._close_handle()
        if self._store is None:
            try:
                self._store = self._open(True)
            except StoreError as exc:
                raise Unavailable(N_("the store cannot be read: %(why)s"), why=exc) from None
            self._opened_at = version
        return self._store

    def _close_handle(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- writes --------------------------------------------------------------------------
    def write(self, action: Callable[[Store], T], counted: Counted = None) -> T:
        """Run ``action`` on the store opened read-write, while no process reads it."""
        deadline = time.monotonic() + self.timeout + WRITE_GRACE
        try:
            with self._locks.writing(deadline):
                return self._write(action, counted)
        except LockTimeout:
            raise Unavailable(N_("running queries did not finish; try the write again")) from None

    def _write(self, action: Callable[[Store], T], counted: Counted) -> T:
        self._close_handle()
        version = self._state.next_version()
        store = self._open(False)
        try:
            return action(store)
        finally:
            given = counted() if counted is not None else None
            graphs = State.of(store, version).graphs if given is None else given
            store.close()
            # Over a remote store the data's time is in the state (see remote_watch).
            now = time.time() if self._state.current().remote else None
            self._state.publish(version, graphs, modified=now)

    def close(self) -> None:
        """Release the handle and the lock files."""
        self._close_handle()
        self._locks.close()


def _embedded(store_path: Path) -> Opener:
    """The opener of the embedded store at ``store_path``."""
    return lambda read_only: open_store(store_path, read_only=read_only)
