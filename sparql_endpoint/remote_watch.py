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

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import time

from graph_loader import index
from graph_loader.settings import Settings
from graph_loader.store import Store, StoreError
from graph_loader.store.opening import open_remote
from graph_loader.store.remote_version import read_mark, read_stamps, written_since
from sparql_endpoint.executor.served import WRITE_GRACE
from sparql_endpoint.executor.store_files import LockTimeout, State, StateFile, StoreLocks
from sparql_endpoint.worker_settings import SETTINGS_ENV, settings_from_env

log = logging.getLogger("lamcoop.remote_watch")


class Watcher:
    """Reads a remote store's version and brings this node's index and state up to it."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.state = StateFile(settings.store_path)
        self.locks = StoreLocks(settings.store_path)
        self._store: Store | None = None
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
        seen = self.state.current().remote
        if mark.number == seen and self._tokens is None:
            self._tokens, self._stamps = mark.tokens, read_stamps(store)  # the first look
            return False
        if mark.number == seen and mark.tokens == self._tokens:
            return False
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

    def run(self) -> None:
        """Check every ``remote_version_check_ms`` until the process ends; a store that
        cannot be read is tried again at the next tick (the handle opened afresh)."""
        period = max(0.01, self.settings.remote_version_check_ms / 1000)
        while True:
            started = time.monotonic()
            try:
                if self.check():
                    log.info("caught up with the store's version")
            except (StoreError, LockTimeout, OSError, ValueError) as exc:
                log.warning("could not catch up with the remote store: %s", exc)
                self.close()
            except Exception as exc:  # the watcher must outlive any one failure
                log.warning("could not catch up with the remote store (%s): %s", type(exc), exc)
                self.close()
            time.sleep(max(0.0, period - (time.monotonic() - started)))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def start_watch() -> subprocess.Popen:
    """The watcher as a process of its own (the settings from :data:`SETTINGS_ENV`, which
    ``lamcoop serve`` has set); it is sent SIGTERM when this process ends."""
    return subprocess.Popen(
        [sys.executable, "-m", "sparql_endpoint.remote_watch"],
        env={**os.environ, "LAMCOOP_WATCH_PARENT": str(os.getpid())},
        preexec_fn=_end_with_parent,
    )


def _end_with_parent() -> None:
    """In the new process: have the kernel send it SIGTERM when its parent ends."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run() -> None:
    """The watcher's process: settings from the environment, then :meth:`Watcher.run`."""
    if str(os.getppid()) != os.environ.get("LAMCOOP_WATCH_PARENT"):
        return  # the server ended before this process began
    logging.basicConfig(level=logging.INFO, format="lamcoop remote watch: %(message)s")
    settings, _metrics = settings_from_env(os.environ[SETTINGS_ENV])
    Watcher(settings).run()


if __name__ == "__main__":
    run()
