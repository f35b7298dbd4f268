"""Counters of the server, rendered in the Prometheus text format.

A :class:`Metrics` registry (one process) or :class:`SharedMetrics` (every worker process of
one server run) is created by the application factory and kept on the app; nothing here is
module state.

>>> m = Metrics()
>>> m.count_request("/sparql", 200)
>>> m.observe_query(0.02)
>>> text = m.render()
>>> 'lamcoop_http_requests_total{route="/sparql",status="200"} 1' in text
True
>>> 'lamcoop_query_duration_seconds_bucket{le="0.025"} 1' in text
True
>>> m.observe_query(0.3)
>>> [line.rsplit(" ", 1)[1] for line in m.render().splitlines() if 'le="0.' in line]
['0', '0', '1', '1', '1', '1', '2']
"""

from __future__ import annotations

import json
import os
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from prometheus_client.mmap_dict import MmapedDict

BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: A counter's key: its kind, then its labels.
Key = tuple[str | int | float, ...]
#: Counters' values by key; a counter never counted reads as 0.
Totals = defaultdict[Key, float]


class Metrics:
    """Requests by route and status, query durations, timeouts and refusals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: Totals = defaultdict(float)

    def _add(self, updates: list[tuple[Key, float]]) -> None:
        with self._lock:
            for key, amount in updates:
                self._values[key] += amount

    def totals(self) -> Totals:
        """Every counter's value."""
        with self._lock:
            return defaultdict(float, self._values)

    def count_request(self, route: str, status: int) -> None:
        self._add([(("requests", route, status), 1)])

    def observe_query(self, seconds: float) -> None:
        """Count a query's duration: its sum, its count, and the one bucket it falls in
        (buckets are stored apart and added up when rendered, so each query costs three
        updates, not one per bucket)."""
        updates: list[tuple[Key, float]] = [(("sum",), seconds), (("count",), 1)]
        bound = next((b for b in BUCKETS if seconds <= b), None)
        if bound is not None:
            updates.append((("bucket", bound), 1))
        self._add(updates)

    def count_timeout(self) -> None:
        self._add([(("timeouts",), 1)])

    def count_refusal(self) -> None:
        self._add([(("refusals",), 1)])

    def render(self) -> str:
        """The counters in the Prometheus text exposition format (version 0.0.4)."""
        return render(self.totals())

    def close(self) -> None:
        """Nothing to release for counters in memory."""


class SharedMetrics(Metrics):
    """Counters of one process kept in a memory-mapped file of ``directory``, which every
    worker process of the server shares: :meth:`totals` adds up all the files, including
    those of processes that have ended (a process stopped at a query deadline counts its
    timeout before it ends).
    """

    def __init__(self, directory: Path):
        super().__init__()
        self.directory = Path(directory)
        self._file: MmapedDict | None = None
        self._pid = 0
        self._names: dict[Key, str] = {}

    def _add(self, updates: list[tuple[Key, float]]) -> None:
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                self._file = MmapedDict(str(self.directory / f"metrics_{self._pid}.db"))
            assert self._file is not None
            for key, amount in updates:
                name = self._names.get(key)
                if name is None:
                    name = self._names[key] = json.dumps(key)
                value, _ = self._file.read_value(name)
                self._file.write_value(name, value + amount, 0.0)

    def close(self) -> None:
        """Close this process's file (its counts stay in it)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file, self._pid = None, 0

    def totals(self) -> Totals:
        """Every counter's value, summed over the files of all processes."""
        totals: Totals = defaultdict(float)
        for path in sorted(self.directory.glob("metrics_*.db")):
            for name, value, _, _ in MmapedDict.read_all_values_from_file(str(path)):
                totals[tuple(json.loads(name))] += value
        return totals


def render(values: Totals) -> str:
    """``values`` (as :meth:`Metrics.totals` returns them) in the Prometheus text format."""
    lines = [
        "# HELP lamcoop_http_requests_total HTTP requests by route and status.",
        "# TYPE lamcoop_http_requests_total counter",
    ]
    requests = sorted((k[1], int(k[2]), n) for k, n in values.items() if k[0] == "requests")
    for route, status, n in requests:
        lines.append(
            f'lamcoop_http_requests_total{{route="{_label(str(route))}",status="{status}"}} '
            f"{int(n)}"
        )
    lines += [
        "# HELP lamcoop_query_duration_seconds Time to the first byte of a query result.",
        "# TYPE lamcoop_query_duration_seconds histogram",
    ]
    cumulative = 0
    for bound in BUCKETS:
        cumulative += int(values["bucket", bound])
        lines.append(f'lamcoop_query_duration_seconds_bucket{{le="{bound:g}"}} {cumulative}')
    lines += [
        f'lamcoop_query_duration_seconds_bucket{{le="+Inf"}} {int(values["count",])}',
        f"lamcoop_query_duration_seconds_sum {values['sum',]:.6f}",
        f"lamcoop_query_duration_seconds_count {int(values['count',])}",
        "# HELP lamcoop_query_timeouts_total Queries stopped at the time or the memory limit.",
        "# TYPE lamcoop_query_timeouts_total counter",
        f"lamcoop_query_timeouts_total {int(values['timeouts',])}",
        "# HELP lamcoop_query_refusals_total Requests refused before they ran: outside IRIs, "
        "depth limits.",
        "# TYPE lamcoop_query_refusals_total counter",
        f"lamcoop_query_refusals_total {int(values['refusals',])}",
    ]
    return "\n".join(lines) + "\n"


def sandbox_gauge(active: bool) -> str:
    """The gauge saying whether the answering process is in the network sandbox.

    >>> sandbox_gauge(True).splitlines()[-1]
    'lamcoop_network_sandbox_active 1'
    """
    return (
        "# HELP lamcoop_network_sandbox_active 1 when the answering worker cannot open "
        "network connections.\n"
        "# TYPE lamcoop_network_sandbox_active gauge\n"
        f"lamcoop_network_sandbox_active {int(active)}\n"
    )


def watch_gauges(watch: dict[str, Any]) -> str:
    """The remote-store watcher's figures (``/-/health``'s ``remote_watch``).

    >>> text = watch_gauges({"status": "ok", "version": 5, "last_read": 1.5, "failures": 0,
    ...                      "failures_total": 2, "restarts": 1})
    >>> text.splitlines()[2], text.splitlines()[-1]
    ('lamcoop_remote_watch_up 1', 'lamcoop_remote_watch_restarts_total 1')
    """
    up = int(watch["status"] in ("ok", "catching up"))
    rows = [
        (
            "up",
            "gauge",
            "1 when the watcher reads the store's version (status ok or catching up).",
            up,
        ),
        (
            "version",
            "gauge",
            "The store's data version the watcher last read.",
            watch.get("version", 0),
        ),
        (
            "last_read_timestamp_seconds",
            "gauge",
            "When the watcher last read the store's version (seconds since the epoch).",
            watch.get("last_read", 0),
        ),
        ("failures", "gauge", "The watcher's reads failed in a row.", watch.get("failures", 0)),
        (
            "failures_total",
            "counter",
            "The watcher's failed reads.",
            watch.get("failures_total", 0),
        ),
        (
            "restarts_total",
            "counter",
            "Times the watcher was started again after it ended.",
            watch.get("restarts", 0),
        ),
    ]
    lines = []
    for name, kind, help_text, value in rows:
        lines += [
            f"# HELP lamcoop_remote_watch_{name} {help_text}",
            f"# TYPE lamcoop_remote_watch_{name} {kind}",
            f"lamcoop_remote_watch_{name} {value}",
        ]
    return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
