"""Time entity pages through Flask's test client, in both executor modes.

``python -P bench/pages.py STORE [ROUNDS]`` (``-P``: bench/http.py would hide the
standard library's ``http``) serves ``/doc/institution/calis.ttl`` and
``.html`` from a built store (``lamcoop build``): in-thread over a store handed to the app,
and served (the worker's executor: cross-process locks, the watchdog). Prints the median
and the fastest of ``ROUNDS`` requests per page, in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from graph_loader.settings import resolve_settings
from graph_loader.store import open_store
from sparql_endpoint.app import close_app, create_app

PAGES = ("/doc/institution/calis.ttl", "/doc/institution/calis.html")


def timings(app, path: str, rounds: int) -> list[float]:
    """Milliseconds of each of ``rounds`` GETs of ``path`` (after one warm-up)."""
    client = app.test_client()
    assert client.get(path).status_code == 200, path
    found = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(path)
        found.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return found


def report(mode: str, app, rounds: int) -> None:
    try:
        for path in PAGES:
            ms = timings(app, path, rounds)
            print(f"{mode:9} {path:32} median {statistics.median(ms):7.2f} ms  min {min(ms):7.2f}")
    finally:
        close_app(app)


def main(store_path: Path, rounds: int) -> None:
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(store_path)})
    store = open_store(store_path, read_only=True)
    try:
        report("in-thread", create_app(settings, store=store), rounds)
    finally:
        store.close()
    report("served", create_app(settings), rounds)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 50)
