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

    python bench/load.py --replace 100k 1m [1.5m] [--repeat 1]

measures replacing a graph instead (issue #15: replace within 1.5x of a fresh load). Each
case runs in its own fresh process and store: the synthetic file is loaded fresh into a
named graph with the code of ``lamcoop load`` (timed: *fresh*), then the graph is replaced,
as ``lamcoop load`` replaces it (timed: *replace*), by

* ``same``: the same file again, unchanged (its blank nodes are new, so the fifth of its
  triples that have one still differ);
* ``1pct``: the file with the IRI subjects of one line in a hundred moved (``…/id/`` to
  ``…/id-b/``): a register re-imported with a month's edits;
* ``different``: the file with every IRI subject moved (``…/id/`` to ``…/id-b/``), so that
  every triple differs: the worst case;
* ``half``: the first half of the file as it is, the second half moved.

It prints both times, the ratio replace/fresh of the same process, the same for the CPU
time of the process (all its threads: steadier than wall time on a shared machine), and the
process's peak resident memory. ``--profile DIR`` also writes a cProfile of each replace there.
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

REPLACE_CHILD = r"""
import cProfile, json, resource, shutil, sys, time
from graph_loader.loading import load_file
from graph_loader.store import open_store
first, second, store_dir, profile = sys.argv[1:5]
shutil.rmtree(store_dir, ignore_errors=True)
graph = "https://w3id.org/lamcoop/graph/bench"
base = "https://w3id.org/lamcoop/"
store = open_store(store_dir)
started, cpu = time.perf_counter(), time.process_time()
load_file(store, first, base_iri=base, graph=graph)
store.flush()
fresh, fresh_cpu = time.perf_counter() - started, time.process_time() - cpu
profiler = cProfile.Profile() if profile else None
started, cpu = time.perf_counter(), time.process_time()
if profiler:
    profiler.enable()
result = load_file(store, second, base_iri=base, graph=graph, replace=True)
store.flush()
if profiler:
    profiler.disable()
    profiler.dump_stats(profile)
replaced, replaced_cpu = time.perf_counter() - started, time.process_time() - cpu
triples = store.triple_count(graph)
store.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
shutil.rmtree(store_dir, ignore_errors=True)
print(json.dumps({"fresh": fresh, "replace": replaced, "triples": triples,
                  "fresh_cpu": fresh_cpu, "replace_cpu": replaced_cpu,
                  "reported": result.graphs[graph], "peak_bytes": peak}))
"""

#: The replace cases: which lines of the file are moved to other subjects.
CASES = ("same", "1pct", "half", "different")

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


def moved_copy(data: Path, case: str) -> Path:
    """``data`` with the IRI subjects of the lines ``case`` names moved (see the module):
    the same number of triples, a chosen share of them different."""
    if case == "same":
        return data
    out = data.with_name(f"{data.stem}-{case}.nt")
    if out.exists() and out.stat().st_mtime >= data.stat().st_mtime:
        return out
    lines = data.read_bytes().splitlines(keepends=True)
    start = 0 if case == "different" else len(lines) // 2
    every = 100 if case == "1pct" else 1
    old, new = b"<https://w3id.org/lamcoop/id/", b"<https://w3id.org/lamcoop/id-b/"
    with out.open("wb") as handle:
        if case == "1pct":
            handle.writelines(
                line.replace(old, new) if n % every == 0 else line for n, line in enumerate(lines)
            )
        else:
            handle.writelines(lines[:start])
            handle.writelines(line.replace(old, new) for line in lines[start:])
    return out


def replace_size(
    size: str, work: Path, repeat: int, profile: Path | None, cases: tuple[str, ...] = CASES
) -> dict:
    """Each case ``repeat`` times, each in a fresh process and store."""
    data = work / f"synthetic-{size}.nt"
    if not data.exists():
        made = generate(data, size)
        print(f"generated {data.name}: {made.triples} triples", file=sys.stderr)
    runs = {}
    for case in cases:
        second = moved_copy(data, case)
        rounds = []
        for n in range(repeat):
            stats = str(profile / f"replace-{size}-{case}-{n}.prof") if profile else ""
            store = str(work / "store-replace")
            done = subprocess.run(
                [sys.executable, "-c", REPLACE_CHILD, str(data), str(second), store, stats],
                capture_output=True,
                text=True,
                check=True,
            )
            rounds.append(json.loads(done.stdout))
        runs[case] = sorted(rounds, key=lambda r: r["replace"] / r["fresh"])[len(rounds) // 2]
    return {"size": size, "repeat": repeat, "runs": runs}


def replace_report(result: dict) -> str:
    lines = [f"## replace, {result['size']} (median ratio of {result['repeat']} rounds)"]
    for case, run in result["runs"].items():
        ratio = run["replace"] / run["fresh"]
        cpu = run["replace_cpu"] / run["fresh_cpu"]
        lines.append(
            f"{case:<10} {run['triples']:>9,} triples  fresh {run['fresh']:7.2f} s  "
            f"replace {run['replace']:7.2f} s  replace/fresh {ratio:5.2f}x  "
            f"(CPU {run['fresh_cpu']:.2f} s, {run['replace_cpu']:.2f} s: {cpu:.2f}x)  "
            f"peak {run['peak_bytes'] / 2**20:5.0f} MiB"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", default=["100k", "1m"], choices=sorted(SIZES))
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median is shown")
    parser.add_argument("--replace", action="store_true", help="measure replacing a graph")
    parser.add_argument("--profile", type=Path, help="with --replace: cProfile files here")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=CASES, help="with --replace")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(
        f"pyoxigraph {pyoxigraph.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()} {platform.system()}, {time.strftime('%Y-%m-%d %H:%M')}"
    )
    results = []
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        if args.replace:
            cases = tuple(args.cases)
            results.append(replace_size(size, args.work, args.repeat, args.profile, cases))
            print(replace_report(results[-1]), flush=True)
        else:
            results.append(bench_size(size, args.work, args.repeat))
            print(report(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
