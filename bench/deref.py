"""Dereferencing speed: lamcoop's ``/doc`` documents against native Oxigraph's DESCRIBE and
against Trifid over the same native server.

    python bench/deref.py [--size 1m] [--entities 200] [--levels 1 16] [--seconds 10]

On the synthetic store (bench/synthetic.py, loaded once by ``lamcoop load`` and copied for
the native server, as bench/http.py does), ``--entities`` random institution and agreement
IRIs (seeded) are asked of, in one run:

* **lamcoop** ``lamcoop serve`` with its production settings: ``GET /doc/{path}.ttl`` and
  ``.html``;
* **native** ``oxigraph serve-read-only --union-default-graph`` (PyPI ``oxigraph``, the
  version of pyoxigraph): ``GET /query?query=DESCRIBE <iri>`` with ``Accept: text/turtle``;
* **trifid** Trifid 5.3 (npm ``trifid``, installed under ``--work``) with its entity
  renderer over that native server: ``GET /id/{path}`` with ``Accept: text/turtle`` and
  ``text/html``.

Two passes, each at every concurrency level, every connection kept alive (wrk, see
bench/deref_tools.py): **repeated**, the entities asked over and over for ``--seconds``
after one warm-up round through them (what a cache can serve); **first**, entities never
asked before of that server (a fresh sample for each measurement, ``--first`` of them),
each asked once. Printed: versions, machine and load average; per measurement requests per
second, p50 and p99 latency, server CPU per request (the server and its processes; Trifid's
includes the native server's); then the ratios, taken within the run. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# bench/http.py is named like the standard library's ``http``: keep this directory out of
# the way of ``import http.client`` (which requests needs), and reachable after the library.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from importlib.metadata import version  # noqa: E402
from urllib.parse import quote  # noqa: E402

import psutil  # noqa: E402
import pyoxigraph as ox  # noqa: E402
import requests  # noqa: E402
from deref_tools import (  # noqa: E402
    BASE,
    curl_version,
    first_requests,
    install_trifid,
    run_wrk,
    start_trifid,
    trifid_version,
    wrk_version,
)
from http_servers import Server, native_version, prepare_stores, start_lamcoop, start_native  # noqa: E402
from synthetic import SIZES, generate  # noqa: E402

TURTLE, HTML = "text/turtle", "text/html"
KINDS = ("id/institution/inst-", "id/agreement/agreement-")
LIST_QUERY = (
    "SELECT DISTINCT ?s WHERE { ?s a ?t "
    + " FILTER(" + " || ".join(f'STRSTARTS(STR(?s), "{BASE}{k}")' for k in KINDS) + ") }"
)  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What one measurement asks: a server, its way of asking, and the format."""

    name: str
    server: Server
    fmt: str
    #: The server it asks in turn (Trifid's native server), whose CPU is counted with it.
    backend: Server | None = None

    def cpu_seconds(self) -> float:
        own = self.server.cpu_seconds()
        return own + (self.backend.cpu_seconds() if self.backend is not None else 0.0)

    def request(self, iri: str) -> tuple[str, str]:
        """The path (on the server's root) and Accept header that ask for ``iri``."""
        rest = iri.removeprefix(BASE + "id/")
        if self.server.name == "oxigraph":
            return "/query?query=" + quote(f"DESCRIBE <{iri}>", safe=""), TURTLE
        if self.server.name == "trifid":
            return "/id/" + quote(rest), self.fmt
        extension = "ttl" if self.fmt == TURTLE else "html"
        return f"/doc/{quote(rest)}.{extension}", "*/*"


@dataclass
class Row:
    """One measurement."""

    target: str
    passed: str
    concurrency: int
    throughput: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float
    requests: int
    errors: int
    load_average: float


def root_of(server: Server) -> str:
    """``http://host:port`` of the server."""
    return "/".join(server.url.split("/")[:3])


def entity_iris(native: Server) -> list[str]:
    """Every institution and agreement IRI of the store (from the native server)."""
    answer = requests.get(
        native.url,
        params={"query": LIST_QUERY},
        headers={"Accept": "application/sparql-results+json"},
        timeout=600,
    )
    answer.raise_for_status()
    return sorted(b["s"]["value"] for b in answer.json()["results"]["bindings"])


def check(targets: list[Target], iris: list[str]) -> None:
    """Each target answers 200 with a body; lamcoop's Turtle holds every statement of
    native DESCRIBE about the entity (native DESCRIBE is one level of blank nodes)."""
    for iri in iris:
        for target in targets:
            path, accept = target.request(iri)
            url = root_of(target.server) + path
            answer = requests.get(url, headers={"Accept": accept}, timeout=60)
            if answer.status_code != 200 or not answer.content:
                raise RuntimeError(f"{target.name} answered {answer.status_code} for {iri}")
        ours = _subject_triples(targets, "lamcoop ttl", iri)
        native = _subject_triples(targets, "native", iri)
        if not native <= ours:
            raise RuntimeError(f"lamcoop's document of {iri} lacks {sorted(native - ours)[:3]}")


def _subject_triples(targets: list[Target], name: str, iri: str) -> set[str]:
    target = next(t for t in targets if t.name == name)
    path, accept = target.request(iri)
    body = requests.get(root_of(target.server) + path, headers={"Accept": accept}, timeout=60)
    parsed = ox.parse(body.content, format=ox.RdfFormat.TURTLE)
    return {
        f"{t.predicate} {t.object}"
        for t in parsed
        if t.subject == ox.NamedNode(iri) and not isinstance(t.object, ox.BlankNode)
    }


def measure(
    target: Target, iris: list[str], *, level: int, seconds: float, first: bool, work: Path
) -> Row:
    """One wrk run of ``target`` over ``iris`` at ``level`` connections."""
    requests_ = [target.request(iri) for iri in iris]
    paths, accept = [p for p, _ in requests_], requests_[0][1]
    before = target.cpu_seconds()
    root = root_of(target.server)
    if first:
        load = first_requests(root, paths, accept, connections=level, work=work)
    else:
        load = run_wrk(root, paths, accept, connections=level, seconds=seconds, work=work)
    cpu = target.cpu_seconds() - before
    return Row(
        target=target.name,
        passed="first" if first else "repeated",
        concurrency=level,
        throughput=load.throughput,
        p50_ms=load.p50_ms,
        p99_ms=load.p99_ms,
        server_cpu_ms=cpu / max(1, load.requests) * 1000,
        requests=load.requests,
        errors=load.errors,
        load_average=os.getloadavg()[0],
    )


def run(targets: list[Target], iris: list[str], fresh: list[str], args) -> list[Row]:
    """The repeated pass, then the first-request pass, at every level."""
    rows: list[Row] = []
    work = args.work
    for level in args.levels:
        for target in targets:
            measure(target, iris, level=level, seconds=args.warmup, first=False, work=work)
            row = measure(target, iris, level=level, seconds=args.seconds, first=False, work=work)
            rows.append(row)
            print(_line(rows[-1]), flush=True)
    for level in args.levels:
        for target in targets:
            sample, fresh[:] = fresh[: args.first], fresh[args.first :]
            if len(sample) < args.first:
                raise RuntimeError("not enough entities left for a first-request pass")
            row = measure(target, sample, level=level, seconds=args.seconds, first=True, work=work)
            rows.append(row)
            print(_line(rows[-1]), flush=True)
    return rows


def _line(row: Row) -> str:
    return (
        f"{row.passed:<8} c={row.concurrency:<3} {row.target:<12} {row.throughput:9.1f} req/s  "
        f"p50 {row.p50_ms:7.2f} ms  p99 {row.p99_ms:7.2f} ms  server cpu "
        f"{row.server_cpu_ms:6.3f} ms/req  n {row.requests:>7}  errors {row.errors}  "
        f"load {row.load_average:.2f}"
    )


def ratios(rows: list[Row]) -> list[str]:
    """The comparisons the targets are stated in (issue 14), per pass and level."""
    found = {(r.passed, r.concurrency, r.target): r for r in rows}
    lines = []
    for passed, level in sorted({(r.passed, r.concurrency) for r in rows}):
        here = {name: row for (p, c, name), row in found.items() if (p, c) == (passed, level)}
        native, ttl, html = here.get("native"), here.get("lamcoop ttl"), here.get("lamcoop html")
        trifid_ttl, trifid_html = here.get("trifid ttl"), here.get("trifid html")
        parts = []
        if native and ttl:
            parts.append(f"ttl/native {ttl.throughput / native.throughput:.2f}x req/s, "
                         f"p99 {ttl.p99_ms / native.p99_ms:.2f}x")  # fmt: skip
        if ttl and html:
            parts.append(f"html/ttl {html.throughput / ttl.throughput:.2f}x req/s")
        if ttl and trifid_ttl:
            parts.append(f"ttl/trifid {ttl.throughput / trifid_ttl.throughput:.2f}x")
        if html and trifid_html:
            parts.append(f"html/trifid {html.throughput / trifid_html.throughput:.2f}x")
        lines.append(f"{passed:<8} c={level:<3} " + "; ".join(parts))
    return lines


def versions(trifid: Path | None) -> dict[str, str]:
    info = {
        "pyoxigraph": version("pyoxigraph"),
        "oxigraph": native_version(),
        "python": platform.python_version(),
        "uwsgi (pyuwsgi)": version("pyuwsgi"),
        "flask": version("flask"),
        "wrk": wrk_version(),
        "curl": curl_version(),
    }
    if trifid is not None:
        info["trifid"] = trifid_version(trifid)
    return info


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1m", choices=sorted(SIZES))
    parser.add_argument("--entities", type=int, default=200, help="entities of the repeated pass")
    parser.add_argument("--first", type=int, default=200, help="entities per first-request run")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per one (whole)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before each one (whole)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-trifid", action="store_true", help="leave Trifid out")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data = args.work / f"synthetic-{args.size}.nt"
    work = args.work / f"deref-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        print(f"generated {data.name}: {generate(data, args.size).triples} triples")
    stores = prepare_stores(data, work)
    trifid_dir = None if args.no_trifid else install_trifid(args.work)
    info = versions(trifid_dir)
    print(
        ", ".join(f"{k} {v}" for k, v in info.items())
        + f"; {len(os.sched_getaffinity(0))} CPUs, {psutil.virtual_memory().total / 2**30:.0f} "
        f"GiB, load average {os.getloadavg()[0]:.2f}; {time.strftime('%Y-%m-%d %H:%M')}",
        flush=True,
    )
    native = start_native(stores.native, work)
    servers = [native, start_lamcoop(stores.lamcoop, work)]
    try:
        for server in servers:
            server.wait_ready()
        if trifid_dir is not None:
            trifid = start_trifid(trifid_dir, native.url)
            servers.append(trifid)
            _wait_trifid(trifid)
        lamcoop = servers[1]
        targets = [Target("native", native, TURTLE), Target("lamcoop ttl", lamcoop, TURTLE),
                   Target("lamcoop html", lamcoop, HTML)]  # fmt: skip
        if trifid_dir is not None:
            targets += [Target("trifid ttl", servers[2], TURTLE, native),
                        Target("trifid html", servers[2], HTML, native)]  # fmt: skip
        every = entity_iris(native)
        random.Random(args.seed).shuffle(every)
        iris, fresh = every[: args.entities], every[args.entities :]
        print(f"{stores.triples} triples; {len(every)} institutions and agreements, "
              f"{len(iris)} in the repeated pass, {args.first} fresh ones per first-request run",
              flush=True)  # fmt: skip
        check(targets, iris[:3])
        rows = run(targets, iris, fresh, args)
    finally:
        for server in reversed(servers):
            server.stop()
    print("\n".join(ratios(rows)))
    if args.json:
        payload = {"versions": info, "triples": stores.triples, "rows": [asdict(r) for r in rows]}
        args.json.write_text(json.dumps(payload, indent=2))
    return 0


def _wait_trifid(trifid: Server, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if trifid.process.poll() is not None:
            raise RuntimeError(f"trifid exited; see {trifid.log}")
        try:  # listening is enough (its root is an entity lookup of its own)
            socket.create_connection(
                ("127.0.0.1", int(trifid.url.split(":")[2].strip("/"))), 5
            ).close()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"trifid did not answer within {timeout:g} s; see {trifid.log}")


if __name__ == "__main__":
    sys.exit(main())
