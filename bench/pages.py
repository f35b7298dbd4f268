"""Single-request latency of the pages as the data grows, through a real ``lamcoop serve``;
and entity pages in process.

    python -P bench/pages.py [--work DIR] [--rounds 60] [--data FILE]
    python -P bench/pages.py STORE [ROUNDS]

The second form (a built store's directory first) times ``/doc/institution/calis.ttl`` and
``.html`` through Flask's test client, in-thread over a store handed to the app and served
(the worker's executor: cross-process locks, the watchdog): the median and the fastest of
``ROUNDS`` requests per page, in milliseconds.

The first form:
(``-P``: bench/http.py would hide the standard library's ``http``.) Three stages, each on
the same store under ``--work`` (made afresh): (i) ``lamcoop build``; (ii) plus the
Wikidata/ISIL and IMLS registries of ``../shared/data`` (``lamcoop load --as ...``); (iii)
plus the synthetic N-Triples file (bench/synthetic.py; default
``bench/work/synthetic-1m.nt``). After each stage ``lamcoop serve`` runs on the store
(uWSGI, default workers, 127.0.0.1) and every page is requested ``--rounds`` times, one at a
time on one keep-alive connection, after two warm-up requests. Printed: p50 and p99 per page
and stage (milliseconds), the (iii)/(i) ratio of the p50s, the time each stage's loading
took, and the machine's load average before each stage's timing. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import quote  # noqa: E402

import requests  # noqa: E402
from http_servers import BIN, start_lamcoop  # noqa: E402

REPO = HERE.parent
SHARED = REPO.parent / "shared" / "data"
#: A batch of reconciliation queries as OpenRefine sends one (a name, a name and type, an
#: ISIL).
RECONCILE = {
    "q0": {"query": "Biblioteca Nacional de España"},
    "q1": {"query": "Central Library", "type": "https://w3id.org/lamcoop/ontology#Library"},
    "q2": {"query": "", "properties": [{"pid": "isil", "v": "CN-100871"}]},
}
#: (label, path, Accept) of each page timed.
PAGES = (
    ("home", "/", "text/html"),
    ("home fa", "/?lang=fa", "text/html"),
    ("search latin", "/search?q=library", "text/html"),
    ("search persian", "/search?q=کتابخانه", "text/html"),
    ("search chinese", "/search?q=图书馆", "text/html"),
    ("list page", "/list/institutions", "text/html"),
    ("complete", "/search/complete?q=bibl", "application/json"),
    ("audit", "/audit", "text/html"),
    ("ontology", "/ontology", "text/html"),
    ("entity", "/doc/institution/calis.html", "text/html"),
    ("void", "/.well-known/void", "text/turtle"),
    ("health", "/-/health", "application/json"),
    ("reconcile", "/reconcile?queries=" + quote(json.dumps(RECONCILE)), "application/json"),
    ("reconcile suggest", "/reconcile/suggest/entity?prefix=bibl", "application/json"),
)


def lamcoop(store: Path, *args: str) -> float:
    """Run a ``lamcoop`` data command on ``store``; its wall time in seconds."""
    env = {**os.environ, "LAMCOOP_STORE": str(store)}
    started = time.perf_counter()
    subprocess.run([str(BIN / "lamcoop"), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def time_pages(store: Path, work: Path, rounds: int) -> dict[str, tuple[float, float, float]]:
    """(p50, p99, first request) in milliseconds of each page, served from ``store`` by a
    server started for the purpose (the first request of a page is the first of its kind
    the server answers)."""
    server = start_lamcoop(store, work)
    try:
        server.wait_ready(timeout=300)
        root = server.url.removesuffix("/sparql")
        found = {}
        with requests.Session() as session:
            for label, path, accept in PAGES:
                ms = []
                for i in range(rounds + 2):
                    started = time.perf_counter()
                    r = session.get(root + path, headers={"Accept": accept}, timeout=120)
                    elapsed = (time.perf_counter() - started) * 1000
                    if r.status_code != 200:
                        raise RuntimeError(f"{path}: {r.status_code} {r.text[:200]}")
                    if i >= 2:
                        ms.append(elapsed)
                    if i == 0:
                        first = elapsed
                cuts = statistics.quantiles(ms, n=100, method="inclusive")
                found[label] = (statistics.median(ms), cuts[98], first)
        return found
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=HERE / "work" / "pages")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--data", type=Path, default=HERE / "work" / "synthetic-1m.nt")
    parser.add_argument(
        "--time-only",
        type=Path,
        nargs="+",
        metavar="STORE",
        help="time the pages on these stores as they are (no stages), one after the other",
    )
    args = parser.parse_args()
    if args.time_only:
        args.work.mkdir(parents=True, exist_ok=True)
        for store in args.time_only:
            print(f"{store}: load average {os.getloadavg()[0]:.2f}", flush=True)
            for label, times in time_pages(store, args.work, args.rounds).items():
                print(_line(label, times), flush=True)
        return
    if not args.data.is_file():
        parser.error(f"{args.data} is absent: make it with bench/synthetic.py 1000000 {args.data}")
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    store = args.work / "store"
    stages = [
        ("(i) built", [("build",)]),
        (
            "(ii) + registries",
            [
                (
                    "load",
                    "--as",
                    "wikidata-isil",
                    "--skip-invalid",
                    str(SHARED / "wikidata-isil/institutions.tsv"),
                ),
                (
                    "load",
                    "--as",
                    "imls-museums",
                    "--skip-invalid",
                    str(SHARED / "imls-museums/mudf14q3pub.csv"),
                ),
            ],
        ),
        ("(iii) + synthetic", [("load", str(args.data))]),
    ]
    results: dict[str, dict[str, tuple[float, float, float]]] = {}
    for name, commands in stages:
        took = sum(lamcoop(store, *command) for command in commands)
        load = os.getloadavg()
        print(f"{name}: loaded in {took:.1f} s; load average {load[0]:.2f} {load[1]:.2f}",
              flush=True)  # fmt: skip
        results[name] = time_pages(store, args.work, args.rounds)
        for label, times in results[name].items():
            print(_line(label, times), flush=True)
    names = [name for name, _ in stages]
    heads = " | ".join(f"{n} p50 / p99" for n in names)
    print(f"\n| page | {heads} | (iii)/(i) p50 | (iii) first request |")
    print("| --- |" + " --- |" * (len(names) + 2))
    for label, path, _ in PAGES:
        cells = [f"{results[n][label][0]:.1f} / {results[n][label][1]:.1f}" for n in names]
        last = results[names[-1]][label]
        ratio = last[0] / results[names[0]][label][0]
        print(f"| `{path[:60]}` | " + " | ".join(cells) + f" | {ratio:.2f} | {last[2]:.1f} |")


def _line(label: str, times: tuple[float, float, float]) -> str:
    p50, p99, first = times
    return f"  {label:18} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  first {first:8.1f} ms"


#: The entity pages the in-process form times.
ENTITY_PAGES = ("/doc/institution/calis.ttl", "/doc/institution/calis.html")


def in_process(store_path: Path, rounds: int) -> None:
    """The in-process form: entity pages in-thread and served, through Flask's test client."""
    from graph_loader.settings import resolve_settings
    from graph_loader.store import open_store
    from sparql_endpoint.app import close_app, create_app

    def report(mode: str, app) -> None:
        try:
            client = app.test_client()
            for path in ENTITY_PAGES:
                assert client.get(path).status_code == 200, path
                ms = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    assert client.get(path).status_code == 200
                    ms.append((time.perf_counter() - started) * 1000)
                print(
                    f"{mode:9} {path:32} median {statistics.median(ms):7.2f} ms  min {min(ms):7.2f}"
                )
        finally:
            close_app(app)

    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(store_path)})
    store = open_store(store_path, read_only=True)
    try:
        report("in-thread", create_app(settings, store=store))
    finally:
        store.close()
    report("served", create_app(settings))


if __name__ == "__main__":
    if len(sys.argv) > 1 and Path(sys.argv[1]).is_dir():
        in_process(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 50)
    else:
        main()
