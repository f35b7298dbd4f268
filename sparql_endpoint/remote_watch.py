"""The remote store's watcher: how one web node learns of a write made through another node
(or by ``lamcoop load`` on another machine) over the same remote store.

``lamcoop serve`` over a remote store starts this process beside its front. Every
``remote_version_check_ms`` it reads the store's data version, one tiny query
(:func:`graph_loader.store.remote_version.read_mark`). When the version moved from the
one this node last saw (its number, kept in its state file, or its tokens), it takes the
node's write lock (no worker reads meanwhile, as during a write through this node),
re-reads into the node's text index the graphs stamped as written since, and every graph
whose size changed, and publishes a new state file with the graphs' counts and the version
seen. The workers and the front key every cache on the state file's version (rendered
pages, documents, the front's cache), so they drop what they made from the older data on
their next request.

So a write anywhere shows on every node within ``remote_version_check_ms`` plus the time of
that refresh. A version that went back (the store emptied, or replaced by another) brings
the whole index back from the store.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time

from graph_loader import index
from graph_loader.settings import Settings
from graph_loader.store import Store, StoreError
from graph_loader.store.opening import open_remote
from graph_loader.store.remote_version import read_mark, read_stamps, written_since
from sparql_endpoint.executor.served import WRITE_GRACE
from sparql_endpoint.executor.store_files import LockTimeout, State, StateFile, StoreLocks
from sparql_endpoint.watch_keeper import started_by_parent
from sparql_endpoint.watch_status import StatusFile, WatchStatus
from sparql_endpoint.worker_settings import SETTINGS_ENV, settings_from_env

log = logging.getLogger("lamcoop.remote_watch")


class Watcher:
    """Reads a remote store's version and brings this node's index and state up to it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.state = StateFile(settings.store_path)
        self.locks = StoreLocks(settings.store_path)
        self._store: Store | None = None
        self.status = StatusFile(settings.store_path)
        #: What this watcher last wrote to its status file, and when (``time.monotonic``).
        self.record = WatchStatus()
        self._written = 0.0
        #: The version's tokens and the graphs' stamp tokens at the last look (``None``
        #: before the first).
        self._tokens: frozenset[str] | None = None
        self._stamps: dict[str, frozenset[str]] | None = None

    def store(self) -> Store:
        """The read-only handle (its HTTP connections reused), opened on first use."""
        if self._store is None:
            self._store = open_remote(self.settings, read_only=True)
        return self._store

    def check(self) -> bool:
        """One look at the store's version; whether this node caught up with a write.

        The version's number and its tokens are compared with those last seen: two writes
        at once may leave the number one of them already had, never the same tokens
        (:mod:`graph_loader.store.remote_version`). The graphs refreshed are those whose
        stamp tokens changed since the last look (at the first look: those stamped after
        the number in the state file), and every graph whose size changed."""
        store = self.store()
        mark = read_mark(store)
        self.note(last_read=time.time(), version=mark.number, failures=0)
        seen = self.state.current().remote
        if mark.number == seen and self._tokens is None:
            self._tokens, self._stamps = mark.tokens, read_stamps(store)  # the first look
            return False
        if mark.number == seen and mark.tokens == self._tokens:
            return False
        self.note(busy_since=time.time())
        deadline = time.monotonic() + self.settings.query_timeout + WRITE_GRACE
        with self.locks.writing(deadline):
            current = self.state.current()
            base = self.settings.base_iri
            stamps = read_stamps(store)
            if mark.number < current.remote:
                index.rebuild(store, base_iri=base)
            else:
                changed = set(written_since(store, current.remote))
                if self._stamps is not None:
                    changed |= {g for g, t in stamps.items() if self._stamps.get(g) != t}
                index.refresh(store, sorted(changed), base_iri=base)
            graphs = State.of(store, 0).graphs
            version = self.state.next_version()
            self.state.publish(version, graphs, remote=mark.number, modified=mark.number / 1e6)
            self._tokens, self._stamps = mark.tokens, stamps
        return True

    def note(self, **changes: object) -> None:
        """Change this watcher's record and write it (a later read time alone, at most once
        a second: health needs no finer)."""
        new = dataclasses.replace(self.record, **changes)  # type: ignore[arg-type]
        only_read = dataclasses.replace(new, last_read=self.record.last_read) == self.record
        if only_read and time.monotonic() - self._written < 1.0:
            self.record = new
            return
        self.record = new
        self.status.write(new)
        self._written = time.monotonic()

    def failed(self, exc: BaseException) -> None:
        """Log a failed check, count it in the record, and drop the store's handle (opened
        afresh at the next tick)."""
        what = str(exc) or type(exc).__name__
        if not isinstance(exc, (StoreError, LockTimeout, OSError, ValueError)):
            what = f"{type(exc).__name__}: {what}"
        log.warning("could not catch up with the remote store: %s", what)
        self.note(
            failures=self.record.failures + 1,
            failures_total=self.record.failures_total + 1,
            last_error=what[:500],
            last_error_at=time.time(),
            busy_since=0.0,
        )
        self.close()

    def run(self) -> None:
        """Check every ``remote_version_check_ms`` until the process ends; a store that
        cannot be read is tried again at the next tick (the handle opened afresh)."""
        period = max(0.01, self.settings.remote_version_check_ms / 1000)
        # What the keeper recorded (its count of restarts, the last end) carries on.
        kept = self.status.read() or WatchStatus()
        fresh = {"pid": os.getpid(), "started": time.time(), "busy_since": 0.0}
        self.note(**{**dataclasses.asdict(kept), **fresh})
        while True:
            started = time.monotonic()
            try:
                if self.check():
                    log.info("caught up with the store's version")
                if self.record.busy_since:
                    self.note(busy_since=0.0)
            except Exception as exc:  # the watcher must outlive any one failure
                self.failed(exc)
            time.sleep(max(0.0, period - (time.monotonic() - started)))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def run() -> None:
    """The watcher's process (started by :mod:`sparql_endpoint.watch_keeper`): settings
    from the environment, then :meth:`Watcher.run`."""
    if not started_by_parent():
        return  # the keeper ended before this process began
    logging.basicConfig(level=logging.INFO, format="lamcoop remote watch: %(message)s")
    settings, _metrics = settings_from_env(os.environ[SETTINGS_ENV])
    Watcher(settings).run()


if __name__ == "__main__":
    run()
