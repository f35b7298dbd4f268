"""A flood of deep queries against ``lamcoop serve`` while ``/-/health`` is timed.

Four clients (``--clients``) send the deep queries of issue #13 (3,000 nested groups,
10,000 nested parentheses in a FILTER, 10,000 UNIONs) by POST for ``--seconds`` (20); one
more thread polls ``/-/health`` every 50 ms meanwhile and for a second after. The report
gives the flood's statuses, the health polls' statuses and their slowest and 99th
percentile times, and whether any worker died of a signal.

    PYTHONPATH=. python bench/flood.py [--seconds 20] [--clients 4] [--workers 0]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py must not shadow the standard library's http: the repository's root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from tests.conftest import example_store  # noqa: E402
from tests.hostile.flood_support import flood  # noqa: E402
from tests.servers import RunningServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=0, help="0: one per CPU")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        example_store(work / "store", things=1000)
        settings = {"workers": args.workers, "query_timeout": 10}
        with RunningServer(work / "store", work, settings) as server:
            seen = flood(server, seconds=args.seconds, clients=args.clients, poll_timeout=60)
            died = server.output().count("killed by signal")
    times = sorted(took for took, _ in seen.health)
    statuses: dict[str, int] = {}
    for _, status in seen.health:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    report = {
        "seconds": args.seconds,
        "clients": args.clients,
        "flood_statuses": seen.statuses,
        "health_polls": len(times),
        "health_statuses": statuses,
        "health_slowest_s": round(times[-1], 3) if times else None,
        "health_p99_s": round(times[int(0.99 * (len(times) - 1))], 3) if times else None,
        "workers_killed_by_a_signal": died,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
