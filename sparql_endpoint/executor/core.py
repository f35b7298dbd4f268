"""The executor: the one place the service reads and writes the store.

Every read (a protocol query, a page's SELECT or CONSTRUCT, a graph_loader function
reading through a view) runs inside :meth:`Executor.reading`, under the mode's read lock
and time limit; every write runs alone through :meth:`Executor.write`. The :class:`Mode`
decides what the lock and the limit are (see the package's docstring).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import IO, Protocol, TypeVar

import pyoxigraph as ox

from graph_loader.describe import Term
from graph_loader.store import Store
from sparql_endpoint.executor.jobs import QueryJob, over_published
from sparql_endpoint.executor.passthrough import respond
from sparql_endpoint.executor.results import Reply
from sparql_endpoint.executor.store_files import Counted, State
from sparql_endpoint.executor.view import ReadView, Rows

T = TypeVar("T")


class Mode(Protocol):
    """How the executor reaches the store, and what guards reads and writes."""

    def reading(self) -> AbstractContextManager[Store]:
        """The store to read, held (lock, time limit) for the block; raises ``Unavailable``."""
        ...

    def read(self, action: Callable[[Store], T]) -> T:
        """``action`` on the store to read, held as :meth:`reading` holds it."""
        ...

    def write(self, action: Callable[[Store], T], counted: Counted = None) -> T:
        """Run ``action`` on the writable store while nothing reads it."""
        ...

    def state(self) -> State:
        """The data version and the graphs, as of the last write."""
        ...

    def spool(self) -> IO[bytes]:
        """A new, empty place for a large result."""
        ...

    def close(self) -> None:
        """Release what the mode holds."""
        ...


class Executor:
    """Reads and writes of one application, in one :class:`Mode`."""

    def __init__(self, mode: Mode):
        self.mode = mode
        self._current = threading.local()

    # -- what the last write left ----------------------------------------------------------
    @property
    def version(self) -> int:
        """The data version, bumped by every write."""
        return self.mode.state().version

    @property
    def modified(self) -> float:
        """When the last write ended (seconds since the epoch)."""
        return self.mode.state().modified

    def known_graphs(self) -> frozenset[str]:
        """The named graphs in the store, as of the last write."""
        return self.mode.state().known

    def graph_counts(self) -> dict[str, int]:
        """Each named graph's triple count, as of the last write."""
        return dict(self.mode.state().graphs)

    # -- reads -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def reading(self) -> Iterator[ReadView]:
        """A view of the store for the block, which holds the read lock and the time limit.

        A read inside a block of the same thread joins it (same view, same lock and limit).
        Raises :class:`~sparql_endpoint.executor.jobs.Unavailable` when the store is busy.
        """
        joined: ReadView | None = getattr(self._current, "view", None)
        if joined is not None:
            yield joined
            return
        with self.mode.reading() as store:
            view = self._open_view(store)
            try:
                yield view
            finally:
                self._close_view(view)

    def select(self, text: str, bindings: Mapping[str, Term] | None = None) -> Rows:
        """Rows of a SELECT, as terms (see :meth:`ReadView.select`)."""
        return self._read(lambda view: view.select(text, bindings))

    def construct(self, text: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        """Triples of a CONSTRUCT (see :meth:`ReadView.construct`)."""
        return self._read(lambda view: view.construct(text, bindings))

    def run(self, job: QueryJob) -> Reply:
        """A protocol query's answer: a remote engine's own bytes where they can be passed
        on (:mod:`~sparql_endpoint.executor.passthrough`), else its result as pyoxigraph
        serialises it; or the error."""

        def answer(view: ReadView) -> Reply:
            own = over_published(job, self.known_graphs()) if view.union_holds_internal else job
            return respond(view, own, spool=self.mode.spool)

        return self._read(answer)

    def _read(self, action: Callable[[ReadView], T]) -> T:
        """``action`` on a view: the open block's (joining it), else one of its own."""
        joined: ReadView | None = getattr(self._current, "view", None)
        if joined is not None:
            return action(joined)

        def within(store: Store) -> T:
            view = self._open_view(store)
            try:
                return action(view)
            finally:
                self._close_view(view)

        return self.mode.read(within)

    def _open_view(self, store: Store) -> ReadView:
        """A view of ``store`` that reads of this thread join until :meth:`_close_view`."""
        view = ReadView(store)
        self._current.view = view
        return view

    def _close_view(self, view: ReadView) -> None:
        self._current.view = None
        view.close()

    # -- writes ----------------------------------------------------------------------------
    def write(self, action: Callable[[Store], T], counted: Counted = None) -> T:
        """Run ``action`` on the writable store while no read runs (in any process).
        ``counted`` gives the graphs' triple counts as the action left them, when it
        counted them itself (``None``: counted afterwards, a pass over the store)."""
        return self.mode.write(action, counted)

    def close(self) -> None:
        """Release the mode's handle and files."""
        self.mode.close()
