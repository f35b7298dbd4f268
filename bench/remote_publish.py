"""How a remote store's publishing step costs: the staged copy published by ``INSERT …
WHERE`` then the staging graph dropped (what ``lamcoop load`` does today), against one
``MOVE`` of the staging graph onto a new target, on a real Oxigraph server.

    python bench/remote_publish.py 100k

Each way starts from a fresh server directory with the data uploaded to a staging graph
through the Graph Store protocol (timed too); the figures are wall-clock seconds of one run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# bench/ after the standard library: bench/http.py must not shadow http (requests uses it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

import requests  # noqa: E402
from synthetic import main as synthesise  # noqa: E402

STAGING = "urn:x-lamcoop-bench:staging"
TARGET = "urn:x-lamcoop-bench:target"


def _serve(location: Path, port: int) -> subprocess.Popen[bytes]:
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    process = subprocess.Popen(
        [oxigraph, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            requests.post(f"http://127.0.0.1:{port}/query", data={"query": "ASK {}"}, timeout=5)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("oxigraph serve did not start")


def _timed(what: str, call) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    answer = call()
    answer.raise_for_status()
    took = time.perf_counter() - start
    print(f"  {what:<40} {took:6.2f} s")
    return took


def run(data: Path, way: str, root: Path, port: int) -> float:
    """Upload ``data`` to staging, then publish it ``way``; the publishing seconds."""
    process = _serve(root / way, port)
    url = f"http://127.0.0.1:{port}"
    try:
        print(way)
        with data.open("rb") as body:
            _timed(
                "upload to staging (Graph Store, no_transaction)",
                lambda: requests.post(
                    f"{url}/store?graph={STAGING}&no_transaction",
                    data=body,
                    headers={"Content-Type": "application/n-triples"},
                    timeout=3600,
                ),
            )

        def update(text: str) -> requests.Response:
            return requests.post(f"{url}/update", data={"update": text}, timeout=3600)

        if way == "insert-drop":
            published = _timed(
                "INSERT … WHERE into the target",
                lambda: update(
                    f"CREATE SILENT GRAPH <{TARGET}> ; INSERT {{ GRAPH <{TARGET}> {{ ?s ?p ?o }} }}"
                    f" WHERE {{ GRAPH <{STAGING}> {{ ?s ?p ?o }} }}"
                ),
            )
            published += _timed("DROP the staging graph", lambda: update(f"DROP GRAPH <{STAGING}>"))
        else:
            published = _timed(
                "MOVE staging TO target", lambda: update(f"MOVE <{STAGING}> TO <{TARGET}>")
            )
        count = requests.post(
            f"{url}/query",
            data={"query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{TARGET}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": "text/csv"},
            timeout=600,
        ).text.split()[-1]
        print(f"  target holds {count} triples; publishing took {published:.2f} s")
        return published
    finally:
        process.terminate()
        process.wait(60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="number of triples, or 100k, 1m")
    parser.add_argument("--port", type=int, default=7891)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "data.nt"
        synthesise([args.size, str(data)])
        for way in ("insert-drop", "move"):
            run(data, way, root, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
