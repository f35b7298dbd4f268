"""Leases of running loads on a store shared by several writers (a remote store).

Several processes may write one remote store at once: ``lamcoop load`` on two machines,
web nodes taking Graph Store writes and updates, the command line beside a node. Each load's
markers carry their owner and a heartbeat, the engine's own clock (``NOW()`` in the update
that writes it, so the writers' clocks need not agree), refreshed by a :class:`Heartbeat`
while the load runs. A read-write open drops only the markers (and what they staged) whose
heartbeat is older than the lease (the ``store_lease_seconds`` setting); a load whose
markers were dropped meanwhile (it stalled longer than the lease) fails loudly with
:class:`LoadLost` instead of reporting counts it did not publish.

>>> stale(None, lease=60.0)
True
>>> stale(12.5, lease=60.0), stale(61.0, lease=60.0)
(False, True)
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
from collections.abc import Callable

from graph_loader.store.layout import StoreError


class LoadLost(StoreError):
    """A load's markers were dropped by another writer's recovery before its commit point."""

    def __init__(self) -> None:
        super().__init__(
            "this load's markers were dropped by another writer (its heartbeat was older "
            "than store_lease_seconds, so it was taken for dead): nothing was reported as "
            "published and the data may be missing; run the load again"
        )


def owner() -> str:
    """Who holds a marker, for a person reading the store: host and process id."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def stale(age: float | None, *, lease: float) -> bool:
    """Whether a marker whose heartbeat is ``age`` seconds old (``None``: it has none, a
    marker of an older lamcoop) belongs to a load taken for dead. A heartbeat more than a
    second ahead of the engine's clock, which no writer makes, is stale too.

    >>> stale(-0.2, lease=60.0), stale(-3600.0, lease=60.0)
    (False, True)
    """
    return age is None or age > lease or age < -1.0


_FRACTION = re.compile(r"(\.\d{6})\d+")


def engine_time(text: str) -> dt.datetime:
    """An ``xsd:dateTime`` as engines write ``NOW()`` (nanoseconds, ``Z``), as a datetime
    (naive ones taken as UTC).

    >>> engine_time("2026-12-06T22:51:57.542582041Z").isoformat()
    '2026-12-06T22:51:57.542582+00:00'
    """
    when = dt.datetime.fromisoformat(_FRACTION.sub(r"\1", text.strip()).replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


class Heartbeat:
    """A thread that refreshes a running load's markers every ``period`` seconds.

    ``beat`` refreshes the markers it is given and says whether they are all still there;
    once one is gone the load is lost (:attr:`lost`) and the thread ends. A store that does
    not answer is tried again at the next tick (the lease is several periods long)."""

    def __init__(
        self, beat: Callable[[list[str]], bool], markers: Callable[[], list[str]], *, period: float
    ):
        self._beat = beat
        self._markers = markers
        self._period = period
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._run, name="lamcoop-heartbeat", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._period):
            try:
                if not self._beat(self._markers()):
                    self.lost = True
                    return
            except StoreError:
                continue

    def stop(self) -> None:
        """End the thread (waiting a little for a beat under way: one that hangs on a dead
        engine ends by itself, refreshing nothing); a second call does nothing."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
