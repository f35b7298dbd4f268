"""A per-process watchdog: at a query's deadline it runs an action, then ends the process.

pyoxigraph releases the GIL while it evaluates a query, so this thread runs on time even
while the request thread is deep in the engine. Ending the process is the only way to stop
the query: its CPU and memory are released at once, and uWSGI starts a replacement.

Arming and disarming only set two attributes under a lock; the thread looks at the deadline
every ``period`` seconds, so a query costs no thread wake-up.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

#: The exit status of a process ended at a deadline (EX_SOFTWARE): uWSGI replaces the worker
#: (only its own codes, such as 22 for an app that failed to load, mean otherwise).
EXIT_STATUS = 70

#: Signals the watchdog's thread leaves to the process's main thread.
STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP})


class Watchdog:
    """One per process; its thread starts with the first :meth:`arm`."""

    def __init__(self, period: float):
        self.period = period
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._action: Callable[[], None] | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0

    def arm(self, seconds: float, action: Callable[[], None]) -> None:
        """Run ``action`` and end the process unless :meth:`disarm` comes within ``seconds``."""
        with self._lock:
            self._deadline = time.monotonic() + seconds
            self._action = action
            if self._pid != os.getpid():  # first use in this process (or after a fork)
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._watch, name="lamcoop-watchdog")
                self._thread.daemon = True
                self._thread.start()

    def disarm(self) -> None:
        """The query ended in time (this waits if the deadline has just struck)."""
        with self._lock:
            self._deadline = None
            self._action = None

    def _watch(self) -> None:
        # Stop signals go to the serving thread: the server's own C handler for them, run
        # in this thread, crashed the process on its way out.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        while True:
            time.sleep(self.period)
            with self._lock:
                if self._deadline is None or time.monotonic() < self._deadline:
                    continue
                try:
                    if self._action is not None:
                        self._action()
                except Exception:  # the process ends in any case
                    log.exception("the action at a query deadline failed")
                finally:
                    os._exit(EXIT_STATUS)
