"""The in-thread mode: reads and writes in the calling thread, on a store the caller opened.

For a store handed to ``create_app(store=...)`` (tests, embedding): there is no time limit
(a query cannot be stopped), and one lock keeps reads and writes of the app's threads apart.
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterator
from typing import IO, TypeVar

from graph_loader.store import Store
from sparql_endpoint.executor.store_files import Counted, State

T = TypeVar("T")


class InThread:
    """Reads and writes on ``store``, one at a time, with no time limit."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.RLock()
        self._state = State.of(store, 0)

    def state(self) -> State:
        """The data version (bumped by every write) and the graphs, as of the last write."""
        return self._state

    def spool(self) -> IO[bytes]:
        """Where a large result waits: memory."""
        return io.BytesIO()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Store]:
        """The store, while no write runs."""
        with self._lock:
            yield self.store

    def read(self, action: Callable[[Store], T]) -> T:
        """``action`` on the store, while no write runs."""
        with self._lock:
            return action(self.store)

    def write(self, action: Callable[[Store], T], counted: Counted = None) -> T:
        """Run ``action`` on the store while nothing else reads or writes it."""
        with self._lock:
            try:
                return action(self.store)
            finally:
                version = self._state.version + 1
                given = counted() if counted is not None else None
                self._state = (
                    State.of(self.store, version)
                    if given is None
                    else State(version, given, frozenset(given))
                )

    def close(self) -> None:
        """The caller owns the store; nothing to release."""
