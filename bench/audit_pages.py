"""Latency of the audit's pages and exports on an audited store, through a real
``lamcoop serve`` (default workers, 127.0.0.1).

    python -P bench/audit_pages.py STORE [--rounds 12] [--work DIR]

(``-P``: bench/http.py would hide the standard library's ``http``.) The store must have
been audited (``lamcoop build``, or ``lamcoop audit``). Timed, one request at a time on one
keep-alive connection: ``/audit`` (English, Persian, a later page of the table sorted by
label), filtered by the first consortium and the first institution of the audit's tables,
one agreement's page, and the CSV, XLSX, Turtle and JSON exports. Printed per path: the
first request (the data version's first: the audit read or the body made, in one of the
workers), then the median and the maximum of the others, in milliseconds, and the size of
the answer. Nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import requests  # noqa: E402
from http_servers import start_lamcoop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="audit-pages-"))
    server = start_lamcoop(args.store, work)
    try:
        server.wait_ready()
        base = server.url.removesuffix("/sparql")
        session = requests.Session()
        data = session.get(base + "/audit?format=json", timeout=600).json()
        print(
            f"agreements {len(data['agreements'])}, institutions {len(data['institutions'])}, "
            f"consortia {len(data['consortia'])}; load average {os.getloadavg()[0]:.1f}"
        )
        for path in _paths(data):
            _time(session, base + path, path, args.rounds)
    finally:
        server.stop()


def _paths(data: dict) -> list[str]:
    paths = ["/audit", "/audit?lang=fa", "/audit?lang=zh-Hans", "/audit?sort=label&page=3"]
    for key, name in (("consortia", "consortium"), ("institutions", "institution")):
        if data[key]:
            paths.append("/audit?" + urlencode({name: data[key][0]["iri"]}))
    prefix = "https://w3id.org/lamcoop/id/agreement/"
    slugs = [
        a["iri"].removeprefix(prefix) for a in data["agreements"] if a["iri"].startswith(prefix)
    ]
    paths += [f"/audit/{slug}" for slug in slugs[:1]]
    return paths + [f"/audit?format={fmt}" for fmt in ("csv", "xlsx", "ttl", "json")]


def _time(session: requests.Session, url: str, path: str, rounds: int) -> None:
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        reply = session.get(url, timeout=600)
        times.append((time.perf_counter() - start) * 1000)
        size = len(reply.content)
        if reply.status_code != 200:
            raise SystemExit(f"{path}: {reply.status_code} {reply.text[:200]}")
    rest = times[1:] or times
    print(
        f"{path[:60]:60s} first {times[0]:8.1f}  p50 {statistics.median(rest):8.1f}  "
        f"max {max(rest):8.1f} ms  {size} bytes"
    )


if __name__ == "__main__":
    main()
