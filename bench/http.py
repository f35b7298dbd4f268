"""Query speed over HTTP: ``lamcoop serve`` against native ``oxigraph serve-read-only``.

    python bench/http.py [--size 1m] [--levels 4 16] [--seconds 20] [--rounds 3]

The synthetic data (bench/synthetic.py) is loaded once by ``lamcoop load`` into a store
under ``--work`` and copied for the native server (both kept for the next run); both servers
run as subprocesses on 127.0.0.1 (see bench/http_servers.py). Each query kind of the mix
(bench/http_mix.py) is first run on both and must give the same solutions. Then, in rounds,
each concurrency level runs on each server in turn (order alternating between rounds): a
short warm-up, then client threads (one ``requests.Session`` each) send the mix for
``--seconds`` or ``--requests``, whichever ends first, asking for SPARQL JSON results.

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
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from importlib.metadata import version  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import psutil  # noqa: E402
import requests  # noqa: E402
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
REQUEST_TIMEOUT = 60.0


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
    by_kind_p50_ms: dict[str, float] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (``q`` in 0..1)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


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


def _urls(server: Server, queries: list[Query]) -> list[tuple[str, str]]:
    joint = "&" if "?" in server.url else "?"  # a URL may carry parameters (bench/remote.py)
    return [(q.kind, f"{server.url}{joint}{urlencode({'query': q.text})}") for q in queries]


class _Tally:
    """The shared request counter and the results of a measurement's client threads."""

    def __init__(self, urls: list[tuple[str, str]]):
        self.urls = urls
        self.lock = threading.Lock()
        self.next = 0
        self.errors = 0
        self.last = 0.0
        self.latencies: list[tuple[str, float]] = []

    def take(self) -> tuple[str, str] | None:
        """The next request to send, or None when the list is used up."""
        with self.lock:
            if self.next >= len(self.urls):
                return None
            self.next += 1
            return self.urls[self.next - 1]

    def record(self, kind: str, elapsed: float, ok: bool) -> None:
        with self.lock:
            self.last = time.perf_counter()
            if ok:
                self.latencies.append((kind, elapsed))
            else:
                self.errors += 1

    def p50_by_kind(self) -> dict[str, float]:
        """Median latency of each query kind, in ms."""
        by_kind: dict[str, list[float]] = {}
        for kind, seconds in self.latencies:
            by_kind.setdefault(kind, []).append(seconds)
        return {kind: percentile(values, 0.5) * 1000 for kind, values in by_kind.items()}


def _client(tally: _Tally, deadline: float) -> None:
    """One client thread: its own session, requests until the list or the time runs out."""
    with requests.Session() as session:
        session.headers.update(ACCEPT)
        while time.monotonic() < deadline and (item := tally.take()) is not None:
            kind, url = item
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=REQUEST_TIMEOUT)
                ok = response.status_code == 200 and bool(response.content)
            except requests.RequestException:
                ok = False
            tally.record(kind, time.perf_counter() - started, ok)


def run_level(
    server: Server, queries: list[Query], concurrency: int, seconds: float
) -> Measurement:
    """Send ``queries`` (at most) for ``seconds`` (at most) from ``concurrency`` threads."""
    tally = _Tally(_urls(server, queries))
    me, cpu_before, server_before = psutil.Process(), psutil.cpu_times(), server.cpu_seconds()
    client_before = sum(me.cpu_times()[:2])
    started = time.perf_counter()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=_client, args=(tally, deadline)) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = max(tally.last - started, 1e-9)
    server_cpu = server.cpu_seconds() - server_before
    client_cpu = sum(me.cpu_times()[:2]) - client_before
    busy = _busy(psutil.cpu_times()) - _busy(cpu_before)
    done = max(1, len(tally.latencies))
    all_seconds = [s for _, s in tally.latencies] or [0.0]
    return Measurement(
        server=server.name,
        concurrency=concurrency,
        requests=len(tally.latencies),
        errors=tally.errors,
        seconds=elapsed,
        p50_ms=percentile(all_seconds, 0.5) * 1000,
        p99_ms=percentile(all_seconds, 0.99) * 1000,
        server_cpu_ms=server_cpu / done * 1000,
        client_cpu_ms=client_cpu / done * 1000,
        others_cores=max(0.0, busy - server_cpu - client_cpu) / elapsed,
        load_average=os.getloadavg()[0],
        by_kind_p50_ms=tally.p50_by_kind(),
    )


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
    kinds = " ".join(f"{k} {v:.1f}" for k, v in m.by_kind_p50_ms.items())
    return (
        f"  c={m.concurrency:<3} {m.server:<9} {m.throughput:8.1f} req/s  p50 {m.p50_ms:7.2f} ms  "
        f"p99 {m.p99_ms:7.2f} ms  server cpu {m.server_cpu_ms:5.2f} ms/req  client cpu "
        f"{m.client_cpu_ms:4.2f} ms/req  others {m.others_cores:.2f} cores  load "
        f"{m.load_average:.2f}  errors {m.errors}  p50 by kind (ms): {kinds}"
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
                run_level(server, queries[: 20 * level], level, args.warmup)
                measurements.append(run_level(server, queries, level, args.seconds))
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
    parser.add_argument("--requests", type=int, default=20_000, help="most requests per one")
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
