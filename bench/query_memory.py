"""The peak memory of ``lamcoop serve``'s processes while the sort of issue #13 runs.

``SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f`` over ``--things`` x 3
triples (3,000 things: 9,000 triples, 81 million pairs), with ``query_memory_mb`` set to
``--limit-mb`` (0: none; then the time limit ``--timeout`` stops it). Every process of the
server is sampled (``/proc/PID/statm``) every 5 ms; the report gives the answer's status, its time,
and the largest resident memory any one process reached.

    PYTHONPATH=. python bench/query_memory.py [--limit-mb 300] [--things 3000]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py must not shadow the standard library's http: the repository's root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import requests  # noqa: E402

from tests.conftest import example_store  # noqa: E402
from tests.hostile.flood_support import peak_memory, resident_bytes  # noqa: E402
from tests.servers import RunningServer  # noqa: E402

SORT = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-mb", type=int, default=300)
    parser.add_argument("--things", type=int, default=3000)
    parser.add_argument("--timeout", type=float, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        example_store(work / "store", things=args.things)
        settings = {
            "workers": 2,
            "query_timeout": args.timeout,
            "query_memory_mb": args.limit_mb,
            "max_rows": 0,
        }
        with RunningServer(work / "store", work, settings) as server:
            idle = max(resident_bytes(pid) for pid in server.processes())
            started = time.monotonic()
            with peak_memory(server) as peak:
                response = requests.post(
                    server.url + "/sparql",
                    data=SORT,
                    headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
                    timeout=args.timeout + 120,
                )
            took = time.monotonic() - started
    print(
        json.dumps(
            {
                "limit_mb": args.limit_mb,
                "triples": args.things * 3,
                "status": response.status_code,
                "answer": response.text[:120].strip(),
                "seconds": round(took, 2),
                "idle_process_mb": round(idle / 2**20, 1),
                "peak_process_mb": round(peak.rss / 2**20, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
