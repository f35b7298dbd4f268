"""Counters of one server process, rendered in the Prometheus text format.

A :class:`Metrics` registry is created by the application factory and kept on the app;
nothing here is module state.

>>> m = Metrics()
>>> m.count_request("/sparql", 200)
>>> m.observe_query(0.02)
>>> text = m.render()
>>> 'lamcoop_http_requests_total{route="/sparql",status="200"} 1' in text
True
>>> 'lamcoop_query_duration_seconds_bucket{le="0.025"} 1' in text
True
"""

from __future__ import annotations

import threading
from collections import Counter

BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Requests by route and status, query durations, timeouts and refusals."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: Counter[tuple[str, int]] = Counter()
        self._buckets = [0] * len(BUCKETS)
        self._duration_sum = 0.0
        self._duration_count = 0
        self._timeouts = 0
        self._refused = 0

    def count_request(self, route: str, status: int) -> None:
        with self._lock:
            self._requests[(route, status)] += 1

    def observe_query(self, seconds: float) -> None:
        with self._lock:
            self._duration_sum += seconds
            self._duration_count += 1
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    self._buckets[i] += 1

    def count_timeout(self) -> None:
        with self._lock:
            self._timeouts += 1

    def count_refusal(self) -> None:
        with self._lock:
            self._refused += 1

    def render(self) -> str:
        """The registry in the Prometheus text exposition format (version 0.0.4)."""
        with self._lock:
            lines = [
                "# HELP lamcoop_http_requests_total HTTP requests by route and status.",
                "# TYPE lamcoop_http_requests_total counter",
            ]
            for (route, status), n in sorted(self._requests.items()):
                lines.append(
                    f'lamcoop_http_requests_total{{route="{_label(route)}",status="{status}"}} {n}'
                )
            lines += [
                "# HELP lamcoop_query_duration_seconds Time to the first byte of a query result.",
                "# TYPE lamcoop_query_duration_seconds histogram",
            ]
            for bound, n in zip(BUCKETS, self._buckets, strict=True):
                lines.append(f'lamcoop_query_duration_seconds_bucket{{le="{bound:g}"}} {n}')
            lines += [
                f'lamcoop_query_duration_seconds_bucket{{le="+Inf"}} {self._duration_count}',
                f"lamcoop_query_duration_seconds_sum {self._duration_sum:.6f}",
                f"lamcoop_query_duration_seconds_count {self._duration_count}",
                "# HELP lamcoop_query_timeouts_total Queries stopped at the time limit.",
                "# TYPE lamcoop_query_timeouts_total counter",
                f"lamcoop_query_timeouts_total {self._timeouts}",
                "# HELP lamcoop_query_refusals_total Requests refused for naming outside IRIs.",
                "# TYPE lamcoop_query_refusals_total counter",
                f"lamcoop_query_refusals_total {self._refused}",
            ]
        return "\n".join(lines) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
