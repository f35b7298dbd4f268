"""Query speed over HTTP: ``lamcoop serve`` against native ``oxigraph serve-read-only``.

    python bench/http.py [--size 1m] [--levels 4 16] [--seconds 20] [--rounds 3]

The synthetic data (bench/synthetic.py) is loaded once by ``lamcoop load`` into a store
under ``--work`` and copied for the native server (both kept for the next run); both servers
run as subprocesses on 127.0.0.1 (see bench/http_servers.py). Each query kind of the mix
(bench/http_mix.py) is first run on both and must give the same solutions. Then, in rounds,
each concurrency level runs on each server in turn (order alternating between rounds): a
short warm-up, then wrk (C; bench/deref_tools.py) sends the mix over that many keep-alive
connections for ``--seconds``, asking for SPARQL JSON results, each connection its next
query when its answer is in, the ``--requests`` distinct queries cycled. (Until 2026-12-07
Python client threads sent it; on two cores they used more CPU per query than the native
server, which they held to a fraction of its rate: docs/benchmarks.md.)

Printed per server and level: throughput, p50 and p99 latency, server CPU per request, and
lamcoop's ratios to the native server (medians over the rounds; each ratio is taken within
a round). Nothing here is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This file is named like the standard library's ``http``: keep its directory out of the
# way of ``import http.client`` (which requests needs), and reachable after the library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from importlib.metadata import version  # noqa: E402
from urllib.parse import urlencode, urlsplit  # noqa: E402

import psutil  # noqa: E402
import requests  # noqa: E402
from deref_tools import run_wrk  # noqa: E402
from http_mix import COUNT_QUERY, TEMPLATES, Query, Sizes, mix, solutions  # noqa: E402
from http_servers import (  # noqa: E402
    Server,
    native_version,
    prepare_stores,
    start_lamcoop,
    start_native,
)
from synthetic import SIZES, generate  # noqa: E402

ACCEPT = {"Accept": "application/sparql-results+json"}


@dataclass
class Measurement:
    """One server at one concurrency level in one round."""

    server: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float
    client_cpu_ms: float
    others_cores: float
    load_average: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def fetch(server: Server, text: str) -> dict:
    """One query's SPARQL JSON result; fails on any status but 200 or a cut result."""
    response = requests.get(server.url, params={"query": text}, headers=ACCEPT, timeout=60)
    response.raise_for_status()
    if response.headers.get("X-Lamcoop-Truncated"):
        raise RuntimeError(f"{server.name} cut the result of: {text}")
    return response.json()


def verify(servers: list[Server], queries: list[Query]) -> dict[str, int]:
    """Run each query on every server; the solutions must agree. Rows per kind."""
    rows: dict[str, int] = dict.fromkeys(TEMPLATES, 0)
    for query in queries:
        answers = [solutions(fetch(server, query.text)) for server in servers]
        if any(answer != answers[0] for answer in answers[1:]):
            raise RuntimeError(f"the servers disagree on this {query.kind} query:\n{query.text}")
        rows[query.kind] += len(answers[0][1])
    return rows


def _paths(server: Server, queries: list[Query]) -> tuple[str, list[str]]:
    """The server's root and the request path (with its query string) of each query."""
    parts = urlsplit(server.url)
    joint = "&" if parts.query else "?"  # a URL may carry parameters (bench/remote.py)
    base = parts.path + (f"?{parts.query}" if parts.query else "")
    paths = [f"{base}{joint}{urlencode({'query': q.text})}" for q in queries]
    return f"{parts.scheme}://{parts.netloc}", paths


def run_level(
    server: Server, queries: list[Query], concurrency: int, seconds: float, *, work: Path
) -> Measurement:
    """``queries`` sent by wrk (C) from ``concurrency`` keep-alive connections for
    ``seconds``, each connection its next query when its answer is in, the list cycled."""
    root, paths = _paths(server, queries)
    cpu_before, server_before = psutil.cpu_times(), server.cpu_seconds()
    client_before = _children_cpu()
    load = run_wrk(
        root, paths, ACCEPT["Accept"], connections=concurrency, seconds=seconds, work=work
    )
    server_cpu = server.cpu_seconds() - server_before
    client_cpu = _children_cpu() - client_before
    busy = _busy(psutil.cpu_times()) - _busy(cpu_before)
    done = max(1, load.requests)
    return Measurement(
        server=server.name,
        concurrency=concurrency,
        requests=load.requests,
        errors=load.errors,
        seconds=load.seconds,
        p50_ms=load.p50_ms,
        p99_ms=load.p99_ms,
        server_cpu_ms=server_cpu / done * 1000,
        client_cpu_ms=client_cpu / done * 1000,
        others_cores=max(0.0, busy - server_cpu - client_cpu) / max(load.seconds, 1e-9),
        load_average=os.getloadavg()[0],
    )


def _children_cpu() -> float:
    """CPU seconds of this process's ended children (wrk, once it has run)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _busy(times) -> float:
    return times.user + times.nice + times.system + times.irq + times.softirq + times.steal


def sizes_of(server: Server) -> Sizes:
    """How many consortia and institutions the served data holds."""
    row = fetch(server, COUNT_QUERY)["results"]["bindings"][0]
    return Sizes(int(row["consortia"]["value"]), int(row["institutions"]["value"]))


# -- reporting -------------------------------------------------------------------------------
def summarise(rounds: list[list[Measurement]], levels: list[int]) -> list[dict]:
    """Per level and server, the medians over the rounds, and lamcoop's paired ratios."""
    table = []
    for level in levels:
        paired = [
            {m.server: m for m in measurements if m.concurrency == level} for measurements in rounds
        ]
        row: dict = {"concurrency": level}
        for name in ("oxigraph", "lamcoop"):
            runs = [pair[name] for pair in paired]
            row[name] = {
                "throughput": statistics.median(m.throughput for m in runs),
                "p50_ms": statistics.median(m.p50_ms for m in runs),
                "p99_ms": statistics.median(m.p99_ms for m in runs),
                "server_cpu_ms": statistics.median(m.server_cpu_ms for m in runs),
                "requests": sum(m.requests for m in runs),
                "errors": sum(m.errors for m in runs),
                "rounds": [round(m.throughput, 1) for m in runs],
            }
        for key, attribute in (("throughput", "throughput"), ("p99", "p99_ms"), ("p50", "p50_ms")):
            row[f"{key}_ratio"] = statistics.median(
                _ratio(getattr(p["lamcoop"], attribute), getattr(p["oxigraph"], attribute))
                for p in paired
            )
        table.append(row)
    return table


def _ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else math.nan


def report(table: list[dict]) -> str:
    """The summary as text: one line per server and level, then the ratios."""
    lines = [
        f"{'conc':>4} {'server':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'cpu ms/req':>10} {'errors':>6}  rounds (req/s)"
    ]
    for row in table:
        for name in ("oxigraph", "lamcoop"):
            m = row[name]
            lines.append(
                f"{row['concurrency']:>4} {name:<9} {m['throughput']:>8.1f} {m['p50_ms']:>8.2f} "
                f"{m['p99_ms']:>8.2f} {m['server_cpu_ms']:>10.2f} {m['errors']:>6}  {m['rounds']}"
            )
        lines.append(
            f"{row['concurrency']:>4} lamcoop/oxigraph: throughput {row['throughput_ratio']:.2f}x "
            f"(target >= 0.8), p99 {row['p99_ratio']:.2f}x (target <= 1.5), "
            f"p50 {row['p50_ratio']:.2f}x"
        )
    return "\n".join(lines)


def _line(m: Measurement) -> str:
    return (
        f"  c={m.concurrency:<3} {m.server:<9} {m.throughput:8.1f} req/s  p50 {m.p50_ms:7.2f} ms  "
        f"p99 {m.p99_ms:7.2f} ms  server cpu {m.server_cpu_ms:5.2f} ms/req  client (wrk) cpu "
        f"{m.client_cpu_ms:4.2f} ms/req  others {m.others_cores:.2f} cores  load "
        f"{m.load_average:.2f}  errors {m.errors}"
    )


def versions() -> dict[str, str]:
    """The versions the figures depend on."""
    return {
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph": native_version(),
        "python": platform.python_version(),
        "uwsgi (pyuwsgi)": version("pyuwsgi"),
        "flask": version("flask"),
        "requests": version("requests"),
    }


# -- the run ---------------------------------------------------------------------------------
def measure(servers: list[Server], queries: list[Query], args) -> list[list[Measurement]]:
    """The rounds: each level on each server, order alternating, after a warm-up."""
    rounds = []
    for number in range(args.rounds):
        order = servers if number % 2 == 0 else servers[::-1]
        measurements = []
        print(f"round {number + 1} of {args.rounds}", flush=True)
        for level in args.levels:
            for server in order:
                run_level(server, queries, level, args.warmup, work=args.work)
                measurements.append(run_level(server, queries, level, args.seconds, work=args.work))
                print(_line(measurements[-1]), flush=True)
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.name} stopped; see {server.log}")
        rounds.append(measurements)
    return rounds


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1m", choices=sorted(SIZES))
    parser.add_argument("--levels", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--seconds", type=float, default=20.0, help="most time per measurement")
    parser.add_argument("--requests", type=int, default=20_000, help="distinct queries, cycled")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each one")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = args.work / f"synthetic-{args.size}.nt"
    work = args.work / f"http-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        made = generate(data, args.size)
        print(f"generated {data.name}: {made.triples} triples", file=sys.stderr)
    stores = prepare_stores(data, work)
    info = versions()
    cpus = len(os.sched_getaffinity(0))
    print(
        ", ".join(f"{k} {v}" for k, v in info.items())
        + f"; {cpus} CPUs, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
        f"load average {os.getloadavg()[0]:.2f}; {time.strftime('%Y-%m-%d %H:%M')}"
    )
    servers = [start_native(stores.native, work), start_lamcoop(stores.lamcoop, work)]
    try:
        for server in servers:
            server.wait_ready()
        sizes = sizes_of(servers[0])
        queries = mix(sizes, args.requests)
        rows = verify(servers, queries[: 3 * len(TEMPLATES)])
        print(
            f"{stores.triples} triples, {sizes.consortia} consortia, {sizes.institutions} "
            f"institutions; same solutions on both servers (rows of 3 queries per kind: {rows})"
        )
        rounds = measure(servers, queries, args)
    finally:
        for server in servers:
            server.stop()
    table = summarise(rounds, args.levels)
    print(report(table))
    if args.json:
        payload = {"versions": info, "cpus": cpus, "triples": stores.triples, "summary": table}
        payload["rounds"] = [[asdict(m) for m in measurements] for measurements in rounds]
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
