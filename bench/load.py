"""Load speed: ``lamcoop load`` against raw ``pyoxigraph.Store.bulk_load`` of the same file.

    python bench/load.py 100k 1m [5m] [--work bench/work]

For each size the synthetic file (bench/synthetic.py) is made once, then rounds of three
loads run (``--repeat``, default 3; the median is reported), each in its own fresh process
and fresh on-disk store, timed from inside the process
(the store's open to its flush) with the process's peak resident memory:

* ``lamcoop``: :func:`graph_loader.loading.load_file`, the code path of ``lamcoop load``
  (staging marker, named graph, checksum, triple count, provenance, publish);
* ``raw (named graph)``: ``bulk_load(path=…, to_graph=…)`` into the same named graph;
* ``raw (default graph)``: ``bulk_load(path=…)`` into the default graph, which oxigraph
  indexes three ways instead of six.

Ratios are lamcoop against each raw load of the same run. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE))  # after the standard library: bench/http.py must not shadow http

from synthetic import SIZES, generate  # noqa: E402

CHILD = r"""
import json, resource, shutil, sys, time
from pathlib import Path
import pyoxigraph as ox
kind, data, store_dir = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(store_dir, ignore_errors=True)
graph = "https://w3id.org/lamcoop/graph/bench"
if kind == "lamcoop":
    from graph_loader.loading import load_file
    from graph_loader.store import open_store
started = time.perf_counter()
if kind == "lamcoop":
    store = open_store(store_dir)
    result = load_file(store, data, base_iri="https://w3id.org/lamcoop/", graph=graph)
    triples = result.graphs[graph]
    store.close()
else:
    store = ox.Store(store_dir)
    target = {"to_graph": ox.NamedNode(graph)} if kind == "raw-named" else {}
    store.bulk_load(path=data, format=ox.RdfFormat.N_TRIPLES, **target)
    store.flush()
    triples = len(store)
    del store
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
shutil.rmtree(store_dir, ignore_errors=True)
print(json.dumps({"seconds": seconds, "triples": triples, "peak_bytes": peak}))
"""

KINDS = {
    "lamcoop": "lamcoop load",
    "raw-named": "raw (named graph)",
    "raw-default": "raw (default graph)",
}


def run_one(kind: str, data: Path, work: Path) -> dict:
    """One load in a fresh process; its own timing and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(data), str(work / f"store-{kind}")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def bench_size(size: str, work: Path, repeat: int) -> dict:
    data = work / f"synthetic-{size}.nt"
    if not data.exists():
        made = generate(data, size)
        print(f"generated {data.name}: {made.triples} triples", file=sys.stderr)
    rounds = [{kind: run_one(kind, data, work) for kind in KINDS} for _ in range(repeat)]
    runs = {kind: _median_run([r[kind] for r in rounds]) for kind in KINDS}
    return {"size": size, "bytes": data.stat().st_size, "runs": runs, "rounds": rounds}


def _median_run(runs: list[dict]) -> dict:
    """The run of median time (the machine is shared: one slow round should not decide)."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


def report(result: dict) -> str:
    runs = result["runs"]
    ours = runs["lamcoop"]
    rounds = len(result["rounds"])
    lines = [f"## {result['size']} ({ours['triples']} triples, median of {rounds} rounds)"]
    for kind, label in KINDS.items():
        run = runs[kind]
        rate = run["triples"] / run["seconds"]
        peak = run["peak_bytes"] / 2**20
        line = f"{label:<20} {run['seconds']:7.2f} s {rate:>10,.0f} triples/s  peak {peak:5.0f} MiB"
        if kind != "lamcoop":
            speed = (ours["triples"] / ours["seconds"]) / rate
            memory = ours["peak_bytes"] / run["peak_bytes"]
            line += f"  lamcoop/this: rate {speed:.2f}x, memory {memory:.2f}x"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", default=["100k", "1m"], choices=sorted(SIZES))
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median is shown")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(
        f"pyoxigraph {pyoxigraph.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()} {platform.system()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    results = []
    for size in args.sizes:
        results.append(bench_size(size, args.work, args.repeat))
        print(report(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
