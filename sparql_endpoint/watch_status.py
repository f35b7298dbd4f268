"""What a node's remote-store watcher last did, for ``/-/health`` and ``/-/metrics``.

The watcher (:mod:`sparql_endpoint.remote_watch`) and its keeper
(:mod:`sparql_endpoint.watch_keeper`) write it to ``lamcoop-watch.json`` in the node's
``state_dir``, replaced whole (never half written); the keeper only while no watcher runs,
so the two never write at once. The workers read it when asked for health or metrics: a
node whose watcher stopped reading the store's version serves older data, and says so.

>>> s = WatchStatus(pid=0, last_read=100.0, version=7)
>>> report(s, now=101.0, period=0.25)["status"]
'down'
>>> report(WatchStatus(pid=os.getpid(), last_read=100.0, failures=2), now=101.0,
...        period=0.25)["status"]
'failing'
>>> report(WatchStatus(pid=os.getpid(), last_read=100.0), now=200.0, period=0.25)["status"]
'stale'

A file that is missing or not a record of this shape reads as none (health then says
``down`` until the watcher writes again), never as an error:

>>> import tempfile
>>> status = StatusFile(Path(tempfile.mkdtemp()))
>>> status.read() is None
True
>>> for junk in ('[1, 2]', '{"pid": "x"}', '{"pid": 1e999}', 'not json'):
...     _ = status.path.write_text(junk)
...     assert status.read() is None, junk
>>> status.write(WatchStatus(pid=5, version=3, last_error="engine down"))
>>> status.read().version, status.read().last_error
(3, 'engine down')
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STATUS_FILE = "lamcoop-watch.json"

#: Seconds without a read of the store's version after which a running watcher is reported
#: ``stale`` (at least; twenty check periods when that is longer).
STALE_SECONDS = 30.0


@dataclass(frozen=True)
class WatchStatus:
    """One watcher's record; times are seconds since the epoch (0: never)."""

    #: The watcher process now running (0: none, its keeper is about to start one).
    pid: int = 0
    #: When that process began.
    started: float = 0.0
    #: When it last read the store's version, and the version it read.
    last_read: float = 0.0
    version: int = 0
    #: Reads failed in a row since the last good one, and in all this server run.
    failures: int = 0
    failures_total: int = 0
    last_error: str = ""
    last_error_at: float = 0.0
    #: When the current catching up (index refresh under the write lock) began (0: none).
    busy_since: float = 0.0
    #: The keeper process that starts the watcher again (0: unknown).
    keeper: int = 0
    #: How often the keeper started a watcher again, and how the last one ended.
    restarts: int = 0
    last_exit: str = ""
    last_exit_at: float = 0.0


class StatusFile:
    """``lamcoop-watch.json`` in ``state_dir``."""

    def __init__(self, state_dir: Path):
        self.path = Path(state_dir) / STATUS_FILE

    def read(self) -> WatchStatus | None:
        """The last record written, or None when there is none (or it cannot be read)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict):
            return None
        known = {f.name: f.type for f in dataclasses.fields(WatchStatus)}
        try:
            return WatchStatus(**{k: _typed(v, known[k]) for k, v in data.items() if k in known})
        except (TypeError, ValueError, OverflowError):
            return None

    def write(self, status: WatchStatus) -> None:
        """Replace the record (a temporary file renamed over it)."""
        temporary = self.path.with_name(f".{STATUS_FILE}.{os.getpid()}")
        temporary.write_text(json.dumps(dataclasses.asdict(status)), "utf-8")
        os.replace(temporary, self.path)


def _typed(value: Any, kind: object) -> Any:
    """``value`` as the field's type (the annotations are strings here)."""
    casts: dict[str, Callable[[Any], Any]] = {"int": int, "float": float, "str": str}
    return casts[str(kind)](value)


def report(status: WatchStatus | None, *, now: float, period: float) -> dict[str, Any]:
    """What health says of the watcher: its ``status`` (``ok``; ``starting``: no read yet;
    ``catching up``: refreshing the index for a write; ``failing``: its last read failed;
    ``stale``: no read for :data:`STALE_SECONDS`; ``down``: no watcher process, its keeper
    starting one again) and the record's facts."""
    if status is None:
        return {"status": "down", "pid": 0, "restarts": 0, "keeper": 0}
    running = _alive(status.pid)
    since = round(now - status.last_read, 3) if status.last_read else None
    if not running:
        state = "down"
    elif status.busy_since:
        state = "catching up"
    elif status.failures:
        state = "failing"
    elif status.last_read == 0:
        state = "starting"
    elif since is not None and since > max(STALE_SECONDS, 20 * period):
        state = "stale"
    else:
        state = "ok"
    return {
        "status": state,
        "pid": status.pid if running else 0,
        "version": status.version,
        "last_read": status.last_read,
        "seconds_since_read": since,
        "failures": status.failures,
        "failures_total": status.failures_total,
        "last_error": status.last_error,
        "restarts": status.restarts,
        "last_exit": status.last_exit,
        # 0 when no keeper runs: a watcher that is down then stays down until the node
        # is started again.
        "keeper": status.keeper if _alive(status.keeper) else 0,
    }


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine, as /proc shows it)."""
    return pid > 0 and Path(f"/proc/{pid}").exists()
