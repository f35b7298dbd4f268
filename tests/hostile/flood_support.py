"""A flood of deep queries against a real server while ``/-/health`` is polled (what
tests/hostile/test_query_depth.py runs for a few seconds and bench/flood.py for twenty),
and the peak memory of a server's processes during a block (tests/hostile/
test_query_memory.py, bench/query_memory.py)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.hostile.deep_queries import CONSTRUCTS
from tests.servers import RunningServer

#: The deep queries of issue #13 that crashed a worker: 3,000 nested groups, 10,000 nested
#: parentheses in a FILTER, 10,000 UNIONs.
FLOOD_QUERIES = (
    CONSTRUCTS["braces"](3000),
    CONSTRUCTS["parens"](10_000),
    CONSTRUCTS["union"](10_000),
)


@dataclass
class Flood:
    """What a flood saw: the flood's statuses (or errors) and each health poll's."""

    statuses: dict[str, int] = field(default_factory=dict)
    health: list[tuple[float, int | str]] = field(default_factory=list)

    def count(self, outcome: str) -> None:
        self.statuses[outcome] = self.statuses.get(outcome, 0) + 1

    @property
    def slowest_health(self) -> float:
        """The longest a health poll took, in seconds."""
        return max((took for took, _ in self.health), default=0.0)


def flood(
    server: RunningServer, *, seconds: float, clients: int = 4, poll_timeout: float = 60
) -> Flood:
    """``clients`` threads send :data:`FLOOD_QUERIES` by POST for ``seconds`` while one
    thread polls ``/-/health`` (each poll may take up to ``poll_timeout``)."""
    seen = Flood()
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client(offset: int) -> None:
        with requests.Session() as session:
            n = offset
            while time.monotonic() < end:
                text = FLOOD_QUERIES[n % len(FLOOD_QUERIES)]
                n += 1
                try:
                    response = session.post(
                        server.url + "/sparql",
                        data=text.encode(),
                        headers={"Content-Type": "application/sparql-query"},
                        timeout=poll_timeout,
                    )
                    outcome = str(response.status_code)
                except requests.RequestException as exc:
                    outcome = type(exc).__name__
                with lock:
                    seen.count(outcome)

    def poll() -> None:
        while time.monotonic() < end + 1:
            started = time.monotonic()
            try:
                status: int | str = requests.get(
                    server.url + "/-/health", timeout=poll_timeout
                ).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            with lock:
                seen.health.append((time.monotonic() - started, status))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    threads.append(threading.Thread(target=poll))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen


_PAGE = os.sysconf("SC_PAGE_SIZE")


def resident_bytes(pid: int) -> int:
    """The resident memory of process ``pid`` (0 once it has ended)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


@dataclass
class Peak:
    """The largest resident memory one process of the server reached, in bytes."""

    rss: int = 0


@contextlib.contextmanager
def peak_memory(server: RunningServer, period: float = 0.005) -> Iterator[Peak]:
    """Sample the resident memory of every process of ``server`` every ``period`` seconds
    during the block; the :class:`Peak` is final once the block ends."""
    peak = Peak()
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for pid in server.processes():
                peak.rss = max(peak.rss, resident_bytes(pid))
            time.sleep(period)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
