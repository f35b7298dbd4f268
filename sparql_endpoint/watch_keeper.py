"""The remote-store watcher kept alive: a small process that starts it, and starts it again
with back-off whenever it ends or hangs.

``lamcoop serve`` over a remote store starts this keeper beside its front
(:func:`start_watch`); the keeper runs the watcher (:mod:`sparql_endpoint.remote_watch`) as
its child. A watcher that raises goes on by itself (it logs, and reads again at the next
tick); one that hangs (its status file shows no check for ``remote_watch_hang_seconds``,
:func:`sparql_endpoint.watch_status.hung`: stopped, stuck in a call) is ended by the keeper
(SIGKILL); one that ends (killed, crashed, out of memory, or so ended) is started again by
the keeper, after
:func:`backoff` seconds: half a second, then twice as long each time it ends again within
:data:`STEADY_SECONDS`, up to :data:`BACKOFF_MOST`. Each end is logged and counted in the
watcher's status file (:mod:`sparql_endpoint.watch_status`), which ``/-/health`` and
``/-/metrics`` report. The kernel ends the keeper when the server ends, and the watcher when
the keeper ends (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sparql_endpoint.watch_status import Bounds, StatusFile, WatchStatus, hung
from sparql_endpoint.worker_settings import SETTINGS_ENV, settings_from_env

log = logging.getLogger("lamcoop.watch_keeper")

#: The environment variable that names the process a keeper or watcher was started for; it
#: does nothing when its parent is already another (the server ended before it began).
PARENT_ENV = "LAMCOOP_WATCH_PARENT"

#: Seconds before the first start again, and the longest wait between starts.
BACKOFF_FIRST = 0.5
BACKOFF_MOST = 30.0
#: A watcher that ran at least this many seconds before it ended counts as a first end.
STEADY_SECONDS = 60.0
#: Seconds between the keeper's looks at a running watcher's status file.
LOOK_SECONDS = 1.0


def backoff(ends_in_a_row: int) -> float:
    """Seconds to wait before starting the watcher again after its ``ends_in_a_row``-th end
    in quick succession.

    >>> [backoff(n) for n in range(1, 9)]
    [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    """
    return min(BACKOFF_MOST, BACKOFF_FIRST * 2 ** max(0, ends_in_a_row - 1))


def describe_exit(code: int) -> str:
    """How a child process ended, as ``Popen.returncode`` tells it.

    >>> describe_exit(-9), describe_exit(1)
    ('killed by SIGKILL', 'exit status 1')
    """
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def keep(state_dir: Path, command: list[str], bounds: Bounds) -> None:
    """Run ``command`` (the watcher) and run it again whenever it ends, or after ending it
    when it hangs (:func:`sparql_endpoint.watch_status.hung` with ``bounds``), until this
    process is ended; its status file starts afresh for this server run."""
    status = StatusFile(state_dir)
    status.write(WatchStatus(keeper=os.getpid()))
    ends_in_a_row = 0
    while True:
        began = time.monotonic()
        child = subprocess.Popen(
            command, env={**os.environ, PARENT_ENV: str(os.getpid())}, preexec_fn=end_with_parent
        )
        code, why = watch_over(child, status, bounds)
        ran = time.monotonic() - began
        ends_in_a_row = ends_in_a_row + 1 if ran < STEADY_SECONDS else 1
        wait = backoff(ends_in_a_row)
        how = f"hung ({why}), ended by its keeper" if why else describe_exit(code)
        log.warning(
            "the watcher (pid %d) ended (%s) after %.1f s: starting it again in %.1f s",
            child.pid,
            how,
            ran,
            wait,
        )
        last = status.read() or WatchStatus()
        status.write(
            dataclasses.replace(
                last,
                pid=0,
                busy_since=0.0,
                restarts=last.restarts + 1,
                last_exit=how,
                last_exit_at=time.time(),
            )
        )
        time.sleep(wait)


def watch_over(child: subprocess.Popen, status: StatusFile, bounds: Bounds) -> tuple[int, str]:
    """Wait for the watcher ``child`` to end, looking at its status file every
    :data:`LOOK_SECONDS`; a watcher that hangs is ended (SIGKILL: a stopped process ends
    too). Returns its exit code, and why it was ended (``""``: it ended by itself)."""
    started = time.time()
    while True:
        try:
            return child.wait(LOOK_SECONDS), ""
        except subprocess.TimeoutExpired:
            pass
        record, now = status.read(), time.time()
        if record is None or record.pid != child.pid:
            # Not written by this watcher yet (it is starting: imports, settings): given
            # the longer bound, as a busy machine may take a while.
            late = now - started > bounds.busy
            why = f"no record {now - started:.0f} s after its start" if late else ""
        else:
            why = hung(record, now=now, bounds=bounds)
        if why:
            log.warning("the watcher (pid %d) is hung (%s): ending it", child.pid, why)
            child.kill()
            return child.wait(), why


def start_watch() -> subprocess.Popen:
    """The keeper as a process of its own (the settings from :data:`SETTINGS_ENV`, which
    ``lamcoop serve`` has set); it is sent SIGTERM when this process ends."""
    return subprocess.Popen(
        [sys.executable, "-m", "sparql_endpoint.watch_keeper"],
        env={**os.environ, PARENT_ENV: str(os.getpid())},
        preexec_fn=end_with_parent,
    )


def end_with_parent() -> None:
    """In a new process: have the kernel send it SIGTERM when its parent ends."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def started_by_parent() -> bool:
    """Whether this process's parent is still the one that started it (False: the parent
    ended before this process began, so the kernel will not end it with its parent)."""
    return str(os.getppid()) == os.environ.get(PARENT_ENV)


def run() -> None:
    """The keeper's process: the state directory from the settings, then :func:`keep`."""
    if not started_by_parent():
        return
    logging.basicConfig(level=logging.INFO, format="lamcoop watch keeper: %(message)s")
    settings, _metrics = settings_from_env(os.environ[SETTINGS_ENV])
    command = [sys.executable, "-m", "sparql_endpoint.remote_watch"]
    keep(settings.store_path, command, Bounds.of(settings))


if __name__ == "__main__":
    run()
