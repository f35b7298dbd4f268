"""What a node's remote-store watcher last did, for ``/-/health`` and ``/-/metrics``.

The watcher (:mod:`sparql_endpoint.remote_watch`) and its keeper
(:mod:`sparql_endpoint.watch_keeper`) write it to ``lamcoop-watch.json`` in the node's
``state_dir``, replaced whole (never half written); the keeper only while no watcher runs,
so the two never write at once. The workers read it when asked for health or metrics: a
node whose watcher stopped reading the store's version serves older data, and says so.

>>> bounds = Bounds(idle=30.0, busy=700.0)
>>> s = WatchStatus(pid=0, last_read=100.0, version=7)
>>> report(s, now=101.0, bounds=bounds)["status"]
'down'
>>> report(WatchStatus(pid=os.getpid(), last_read=100.0, failures=2), now=101.0,
...        bounds=bounds)["status"]
'failing'
>>> report(WatchStatus(pid=os.getpid(), last_read=100.0), now=200.0, bounds=bounds)["status"]
'stale'

A watcher is hung when it has checked nothing (read the version, or failed to) for longer
than its bound; its keeper then ends it and starts another (:func:`hung`):

>>> hung(WatchStatus(pid=1, last_read=100.0), now=120.0, bounds=bounds)
''
>>> hung(WatchStatus(pid=1, last_read=100.0, last_error_at=150.0), now=170.0, bounds=bounds)
''
>>> hung(WatchStatus(pid=1, last_read=100.0), now=140.0, bounds=bounds)
'no check of the store for 40 s'
>>> hung(WatchStatus(pid=1, last_read=100.0, busy_since=110.0), now=700.0, bounds=bounds)
''
>>> hung(WatchStatus(pid=1, last_read=100.0, busy_since=110.0), now=900.0, bounds=bounds)
'catching up for 790 s'

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

from graph_loader.settings import Settings
from sparql_endpoint.executor.served import WRITE_GRACE

STATUS_FILE = "lamcoop-watch.json"


@dataclass(frozen=True)
class Bounds:
    """How long a watcher may be silent before it counts as hung: ``idle`` seconds since its
    last check (a read of the store's version, or a failed one), ``busy`` seconds since
    a catching up began (the write lock's wait and the store's requests included)."""

    idle: float
    busy: float

    @classmethod
    def of(cls, settings: Settings) -> Bounds:
        """The bounds the settings give: ``remote_watch_hang_seconds``, never less than two
        seconds and four check periods (the watcher records a read at most once a second);
        a catching up is given ``query_timeout`` (and the lock's grace) and
        ``store_timeout`` more.

        >>> from graph_loader.settings import resolve_settings
        >>> Bounds.of(resolve_settings(environ={}, config_file=None))
        Bounds(idle=30.0, busy=665.0)
        """
        period = settings.remote_version_check_ms / 1000
        idle = max(settings.remote_watch_hang_seconds, 2.0 + 4 * period)
        busy = idle + settings.query_timeout + WRITE_GRACE + settings.store_timeout
        return cls(idle=idle, busy=busy)


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


def hung(status: WatchStatus, *, now: float, bounds: Bounds) -> str:
    """Why the watcher of ``status`` counts as hung (its keeper ends it), or ``""``: no
    check (a read or a failed one) for ``bounds.idle`` seconds, or a catching up for
    ``bounds.busy`` seconds. Before its first check a watcher is timed from its start."""
    if status.busy_since:
        if now - status.busy_since > bounds.busy:
            return f"catching up for {now - status.busy_since:.0f} s"
        return ""
    checked = max(status.last_read, status.last_error_at, status.started)
    if checked and now - checked > bounds.idle:
        return f"no check of the store for {now - checked:.0f} s"
    return ""


def report(status: WatchStatus | None, *, now: float, bounds: Bounds) -> dict[str, Any]:
    """What health says of the watcher: its ``status`` (``ok``; ``starting``: no read yet;
    ``catching up``: refreshing the index for a write; ``failing``: its last read failed;
    ``stale``: :func:`hung`, its keeper about to replace it; ``down``: no watcher process,
    its keeper starting one again) and the record's facts."""
    if status is None:
        return {"status": "down", "pid": 0, "restarts": 0, "keeper": 0}
    running = _alive(status.pid)
    since = round(now - status.last_read, 3) if status.last_read else None
    if not running:
        state = "down"
    elif hung(status, now=now, bounds=bounds):
        state = "stale"
    elif status.busy_since:
        state = "catching up"
    elif status.failures:
        state = "failing"
    elif status.last_read == 0:
        state = "starting"
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
