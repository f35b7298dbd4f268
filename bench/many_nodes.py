"""How long a write through one web node takes to show on another (docs/remote-store.md,
Many web nodes): two ``lamcoop serve`` nodes, each with its own ``state_dir``, over one
Oxigraph server. Each round updates one entity's label through node A (a SPARQL update, or
a Graph Store PUT every other round) and, once node A answered, polls node B's ``/doc``
every 10 ms until the new label is there; the report gives the write's time and the time
from its answer to node B showing it (median, fastest, slowest) beside the
``remote_version_check_ms`` setting.

    PYTHONPATH=. python bench/many_nodes.py [--rounds 10] [--check-ms 250]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/http.py must not shadow the standard library's http: the repository's root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import requests  # noqa: E402

from tests.remote_support import OxigraphServer  # noqa: E402
from tests.servers import RunningServer  # noqa: E402

TOKEN = "bench-many-nodes"
GRAPH = "urn:x-lamcoop-test:bench-nodes"
ENTITY = "https://w3id.org/lamcoop/id/institution/x-bench-nodes"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _triples(label: str) -> str:
    return f'<{ENTITY}> <{LABEL}> "{label}"@en . <{ENTITY}> <{TYPE}> <urn:x-lamcoop-test:T> .'


def _write(node: RunningServer, label: str, put: bool) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    if put:
        answer = requests.put(
            node.url + "/graph-store",
            params={"graph": GRAPH},
            data=_triples(label).encode(),
            headers={**auth, "Content-Type": "text/turtle"},
            timeout=600,
        )
    else:
        text = (
            f"DELETE {{ GRAPH <{GRAPH}> {{ <{ENTITY}> <{LABEL}> ?l }} }} "
            f'INSERT {{ GRAPH <{GRAPH}> {{ <{ENTITY}> <{LABEL}> "{label}"@en }} }} '
            f"WHERE {{ GRAPH <{GRAPH}> {{ <{ENTITY}> <{LABEL}> ?l }} }}"
        )
        answer = requests.post(
            node.url + "/sparql",
            data=text.encode(),
            headers={**auth, "Content-Type": "application/sparql-update"},
            timeout=600,
        )
    answer.raise_for_status()


def _shows(node: RunningServer, label: str, deadline: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < deadline:
        page = requests.get(
            node.url + "/doc/institution/x-bench-nodes",
            headers={"Accept": "text/turtle"},
            timeout=60,
        )
        if label in page.text:
            return time.monotonic() - started
        time.sleep(0.01)
    raise SystemExit(f"not seen within {deadline} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--check-ms", type=int, default=250)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        engine = OxigraphServer(work / "oxigraph")
        try:
            common = {
                "store_retries": 1,
                "update_token": TOKEN,
                "workers": 1,
                "remote_version_check_ms": args.check_ms,
            }
            with (
                RunningServer(engine.query_url, work, {**common, "state_dir": work / "a"}) as a,
                RunningServer(engine.query_url, work, {**common, "state_dir": work / "b"}) as b,
            ):
                _write(a, "round 0", put=True)
                _shows(b, "round 0", 120)
                times, writes = [], []
                for i in range(1, args.rounds + 1):
                    label = f"round {i}"
                    _shows(b, f"round {i - 1}", 120)  # node B has the old label cached
                    started = time.monotonic()
                    _write(a, label, put=i % 2 == 0)
                    writes.append(time.monotonic() - started)
                    times.append(_shows(b, label, 120))
        finally:
            engine.stop()
    report = {
        "remote_version_check_ms": args.check_ms,
        "rounds": args.rounds,
        "seconds_write_answered_median": round(statistics.median(writes), 3),
        "seconds_answered_to_seen_on_b_median": round(statistics.median(times), 3),
        "seconds_answered_to_seen_on_b_slowest": round(max(times), 3),
        "seconds_answered_to_seen_on_b_fastest": round(min(times), 3),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
