"""lamcoop over a remote Oxigraph server against the same server used directly.

    python bench/remote.py [--size 100k] [--levels 4 16] [--seconds 15] [--rounds 2] [--quick]

One run, three parts, each on a real ``oxigraph serve`` (PyPI ``oxigraph``, the version of
pyoxigraph) on 127.0.0.1:

* **load**: the synthetic N-Triples file (bench/synthetic.py) by ``lamcoop load`` into a
  fresh, empty Oxigraph server (a new graph: one atomic bulk request, see
  docs/remote-store.md), against ``oxigraph load --location DIR --file F`` into a fresh
  directory; then (not with ``--quick``) ``lamcoop load`` of the same file again, which
  replaces the graph (the staged path: upload, publishing update, drop of the copy).
  Wall-clock seconds of the whole command, ``--load-rounds`` times, medians.
* **query mix**: the mix of bench/http_mix.py (the one of bench/http.py, checked to give
  the same solutions on both), sent through ``lamcoop serve`` over that server and to the
  server's own ``/query`` (with ``union-default-graph``, as lamcoop asks), same queries,
  same concurrency, sent by wrk as bench/http.py sends it (``run_level``): req/s, p50, p99.
* **dereferencing**: ``/doc/{path}.ttl`` through lamcoop against ``DESCRIBE <iri>`` asked
  of the server directly (``text/turtle``), repeated (wrk) and first request (each entity
  once), by bench/deref.py's ``run``.

Printed: versions, CPUs, the load average before and after each part, every measurement,
then the ratios lamcoop/direct (targets: query mix >= 0.8x throughput, load >= 0.8x
``oxigraph load``'s speed). Nothing is asserted. ``--quick`` (100k triples, one short
round, no replace) runs in under three minutes.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# bench/http.py is named like the standard library's ``http``: keep this directory out of
# the way of ``import http.client`` (which requests needs), and reachable after the library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from types import ModuleType  # noqa: E402

import psutil  # noqa: E402
from deref import TURTLE, Target, check, entity_iris, ratios  # noqa: E402
from deref import run as deref_run  # noqa: E402
from deref_tools import curl_version, wrk_version  # noqa: E402
from http_mix import TEMPLATES, mix  # noqa: E402
from http_servers import BIN, Server, _spawn, free_port, native_version  # noqa: E402
from synthetic import SIZES, generate  # noqa: E402

GRAPH = "https://w3id.org/lamcoop/graph/synthetic"
#: What the direct client adds to every query: the union of the graphs, as lamcoop asks.
UNION = "union-default-graph=true"


def bench_http() -> ModuleType:
    """bench/http.py (its name is the standard library's, so it is loaded by its path)."""
    spec = importlib.util.spec_from_file_location("bench_http", HERE / "http.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class Direct(Target):
    """The Oxigraph server asked directly: DESCRIBE over the union of its graphs."""

    def request(self, iri: str) -> tuple[str, str]:
        path, accept = super().request(iri)
        return f"{path}&{UNION}", accept


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("no oxigraph executable: pip install 'oxigraph>=0.5.13,<0.6'")
    return found


def start_engine(location: Path, log: Path) -> Server:
    """``oxigraph serve`` (read-write) on ``location``; its ``/query`` with the union."""
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(location)]
    command += ["--bind", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/query?{UNION}"
    server = _spawn("oxigraph", command, dict(os.environ), log, url)
    server.wait_ready()
    return server


def lamcoop_env(engine: Server, state: Path) -> dict[str, str]:
    """Settings that point lamcoop at ``engine``, its local state in ``state``."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")},
        "LAMCOOP_STORE": engine.url.split("?")[0],
        "LAMCOOP_STORE_ENGINE": "oxigraph",
        "LAMCOOP_STATE_DIR": str(state),
        "LAMCOOP_HOST": "127.0.0.1",
    }


def start_lamcoop(env: dict[str, str], log: Path) -> Server:
    """``lamcoop serve`` over the remote store, production settings, on a free port."""
    port = free_port()
    command = [str(BIN / "lamcoop"), "serve", "--port", str(port)]
    server = _spawn("lamcoop", command, env, log, f"http://127.0.0.1:{port}/sparql")
    server.wait_ready(timeout=300)
    return server


def timed(command: list[str], env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds of ``command`` run to its end (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.decode()[-2000:]}")
    return took


def load_average() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} (5 min {five:.2f})"


@dataclass
class Loads:
    """Seconds of each way of loading, one value per round."""

    native: list[float]
    lamcoop: list[float]
    replace: list[float]


def load_part(data: Path, work: Path, args) -> tuple[Loads, Server, dict[str, str]]:
    """The load rounds; returns the figures and the last round's server, left running
    with the data in it, and lamcoop's settings for it."""
    loads = Loads([], [], [])
    lamcoop = [str(BIN / "lamcoop"), "load", "--quiet", "--graph", GRAPH, str(data)]
    engine: Server | None = None
    for number in range(args.load_rounds):
        fresh = work / "oxigraph-load"
        shutil.rmtree(fresh, ignore_errors=True)
        loads.native.append(
            timed([oxigraph_binary(), "load", "--location", str(fresh), "--file", str(data)])
        )
        if engine is not None:
            engine.stop()
        for old in ("engine", "state"):
            shutil.rmtree(work / old, ignore_errors=True)
        engine = start_engine(work / "engine", work / "oxigraph-serve.log")
        env = lamcoop_env(engine, work / "state")
        loads.lamcoop.append(timed(lamcoop, env))
        if not args.quick:
            loads.replace.append(timed(lamcoop, env))
        again = f", replaced in {loads.replace[-1]:.2f} s" if loads.replace else ""
        print(
            f"  round {number + 1}: oxigraph load {loads.native[-1]:.2f} s, lamcoop load "
            f"(new graph) {loads.lamcoop[-1]:.2f} s{again}; {load_average()}",
            flush=True,
        )
    shutil.rmtree(work / "oxigraph-load", ignore_errors=True)
    assert engine is not None
    return loads, engine, env


def mix_part(http, servers: list[Server], args) -> list[list]:
    """bench/http.py's rounds over the direct server and lamcoop, order alternating."""
    sizes = http.sizes_of(servers[0])
    queries = mix(sizes, args.requests)
    rows = http.verify(servers, queries[: 3 * len(TEMPLATES)])
    print(
        f"  {sizes.consortia} consortia, {sizes.institutions} institutions; the same "
        f"solutions both ways (rows of 3 queries per kind: {rows})",
        flush=True,
    )
    return http.measure(servers, queries, args)


def deref_part(direct: Server, lamcoop: Server, args) -> list:
    targets = [Direct("native", direct, TURTLE), Target("lamcoop ttl", lamcoop, TURTLE)]
    every = entity_iris(direct)
    random.Random(args.seed).shuffle(every)
    iris, fresh = every[: args.entities], every[args.entities :]
    check(targets, iris[:3])
    print(
        f"  {len(every)} institutions and agreements, {len(iris)} in the repeated pass, "
        f"{args.first} fresh ones per first-request run",
        flush=True,
    )
    return deref_run(targets, iris, fresh, args)


def versions(http) -> str:
    info = http.versions()
    info["oxigraph"] = native_version()
    info["wrk"] = wrk_version()
    info["curl"] = curl_version()
    return ", ".join(f"{k} {v}" for k, v in info.items())


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k", choices=sorted(SIZES))
    parser.add_argument("--levels", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--seconds", type=float, default=15.0, help="most time per measurement")
    parser.add_argument("--requests", type=int, default=20_000, help="distinct queries, cycled")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the query mix")
    parser.add_argument("--load-rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each one")
    parser.add_argument("--entities", type=int, default=200, help="entities, repeated pass")
    parser.add_argument("--first", type=int, default=200, help="entities per first-request run")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--quick", action="store_true", help="100k, one short round, no replace")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args(argv)
    if args.quick:
        args.size, args.levels, args.seconds, args.rounds = "100k", [4], 5.0, 1
        args.load_rounds, args.warmup, args.entities, args.first = 1, 1.0, 100, 100
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    http = bench_http()
    data = args.work / f"synthetic-{args.size}.nt"
    work = args.work / f"remote-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        print(f"generated {data.name}: {generate(data, args.size).triples} triples")
    print(
        f"{versions(http)}; {len(os.sched_getaffinity(0))} CPUs, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB; {time.strftime('%Y-%m-%d %H:%M')}"
    )
    print(f"load: {data.name}; {load_average()}", flush=True)
    loads, engine, env = load_part(data, work, args)
    servers = [engine]
    try:
        servers.append(start_lamcoop(env, work / "lamcoop-serve.log"))
        print(f"query mix: levels {args.levels}; {load_average()}", flush=True)
        rounds = mix_part(http, servers, args)
        print(f"dereferencing: {load_average()}", flush=True)
        args.work = work  # wrk's script and paths go beside this run's other files
        rows = deref_part(engine, servers[1], args)
        print(f"done: {load_average()}")
    finally:
        for server in reversed(servers):
            server.stop()
    print(http.report(http.summarise(rounds, args.levels)).replace("oxigraph", "direct"))
    print("\n".join(ratios(rows)).replace("native", "direct"))
    native, ours = statistics.median(loads.native), statistics.median(loads.lamcoop)
    print(
        f"load: oxigraph load {native:.2f} s, lamcoop load {ours:.2f} s: lamcoop at "
        f"{native / ours:.2f}x oxigraph load's speed (target >= 0.8)"
    )
    if loads.replace:
        replaced = statistics.median(loads.replace)
        print(f"load replacing the graph: {replaced:.2f} s ({native / replaced:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
