"""A per-process watchdog: at a query's deadline, or once the process's resident memory is
over the limit while a query runs, it runs an action, then ends the process.

pyoxigraph releases the GIL while it evaluates a query, so this thread runs on time even
while the request thread is deep in the engine. Ending the process is the only way to stop
the query: its CPU and memory are released at once, and uWSGI starts a replacement.

Arming and disarming only set two attributes under a lock; the thread looks at the deadline
and at the process's resident memory (``/proc/self/statm``, one small read) every
``period`` seconds, so a query costs no thread wake-up. Memory can grow past the limit for
at most one period before the process ends.
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


#: What the action is told: why the query is stopped.
Action = Callable[[str], None]

_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes() -> int:
    """This process's resident memory, from ``/proc/self/statm`` (0 where there is none)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class Watchdog:
    """One per process; its thread starts with the first :meth:`arm`. ``memory_limit`` is
    in bytes (0: none)."""

    def __init__(self, period: float, memory_limit: int = 0):
        self.period = period
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._deadline: float | None = None
        self._seconds = 0.0
        self._action: Action | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0

    def arm(self, seconds: float, action: Action) -> None:
        """Run ``action`` (with the reason) and end the process unless :meth:`disarm` comes
        within ``seconds`` and the process stays under the memory limit meanwhile."""
        with self._lock:
            self._deadline = time.monotonic() + seconds
            self._seconds = seconds
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
                reason = self._reason()
                if reason is None:
                    continue
                try:
                    if self._action is not None:
                        self._action(reason)
                except Exception:  # the process ends in any case
                    log.exception("the action at a query deadline failed")
                finally:
                    os._exit(EXIT_STATUS)

    def _reason(self) -> str | None:
        """Why the armed query must stop now (the time or the memory limit), or None."""
        if self._deadline is None:
            return None
        if time.monotonic() >= self._deadline:
            return f"the query ran past the {self._seconds:g} s time limit"
        if self.memory_limit and resident_bytes() > self.memory_limit:
            limit = self.memory_limit / (1024 * 1024)
            return f"the query went past the {limit:g} MiB memory limit of a query process"
        return None
