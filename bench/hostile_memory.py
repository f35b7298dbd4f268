"""Peak memory of hostile RDF/XML (billion laughs, quadratic blowup) after bounded parsing:
``lamcoop load`` as a real process, and a Graph Store PUT to a real ``lamcoop serve``.

    .venv/bin/python bench/hostile_memory.py            # prints one JSON object

Before bounded parsing the 953-byte billion laughs ran 130 s and peaked at 8.95 GB on the
command line, and an 875-byte variant took a server from 267 MB to 1 GB. Here each command
runs in a child of a small Python process that reports its children's peak resident size
(``getrusage(RUSAGE_CHILDREN)``); for the server, each process of its tree reports its own
peak (``VmHWM``) before and after the PUTs. A tiny good load is measured alongside, as the
baseline of starting ``lamcoop`` at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import psutil  # noqa: E402
import requests  # noqa: E402

from bench.http_servers import BIN, start_lamcoop  # noqa: E402
from graph_loader.bounded import ENTITY_LIMIT  # noqa: E402

TOKEN = "bench-hostile-token"
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.monotonic(); "
    "done = subprocess.run(sys.argv[1:], capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.monotonic() - t, "
    "done.returncode); print((done.stdout + done.stderr).decode().strip().splitlines()[-1])"
)


def laughs() -> bytes:
    """The classic billion laughs: ten levels of ten references (about 950 bytes)."""
    lines = ['<!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = f"&lol{level - 1 if level > 1 else ''};"
        lines.append(f'<!ENTITY lol{level} "{previous * 10}">')
    return _document(lines, "&lol9;")


def quadratic() -> bytes:
    """One entity just under the limit, referenced 400 times."""
    return _document([f'<!ENTITY big "{"x" * (ENTITY_LIMIT - 1000)}">'], "&big;" * 400)


def _document(declarations: list[str], body: str) -> bytes:
    subset = "\n".join(declarations)
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{subset}\n]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:t="urn:t:">'
        f'<rdf:Description rdf:about="urn:t:s"><t:p>{body}</t:p></rdf:Description></rdf:RDF>\n'
    ).encode()


def command_line(work: Path, files: dict[str, Path]) -> dict[str, dict]:
    """Peak resident size, seconds and outcome of ``lamcoop load`` on each file."""
    results = {}
    for name, path in files.items():
        env = {**os.environ, "LAMCOOP_STORE": str(work / "cli-store")}
        command = [sys.executable, "-c", _MEASURE, str(BIN / "lamcoop"), "load", str(path)]
        out = subprocess.run(command, capture_output=True, env=env, text=True, check=True)
        figures, message = out.stdout.strip().splitlines()
        peak, seconds, code = figures.split()
        results[name] = {
            "bytes": path.stat().st_size,
            "peak_rss_mb": round(int(peak) / 1024, 1),
            "seconds": round(float(seconds), 2),
            "exit": int(code),
            "message": message,
        }
    return results


def server(work: Path, files: dict[str, Path], rounds: int = 5) -> dict:
    """Each process of a real server: peak resident size before and after PUTs of each file."""
    store = work / "server-store"
    subprocess.run(
        [str(BIN / "lamcoop"), "load", "--graph", "urn:t:g", str(files["good"])],
        env={**os.environ, "LAMCOOP_STORE": str(store)},
        check=True,
        capture_output=True,
    )
    os.environ["LAMCOOP_UPDATE_TOKEN"] = TOKEN
    running = start_lamcoop(store, work)
    try:
        running.wait_ready()
        before = _peaks(running.process.pid)
        answers = {}
        for name in ("laughs", "quadratic"):
            started = time.monotonic()
            for _ in range(rounds):
                response = requests.put(
                    running.url.replace("/sparql", "/graph-store"),
                    params={"graph": "urn:t:hostile"},
                    data=files[name].read_bytes(),
                    headers={
                        "Content-Type": "application/rdf+xml",
                        "Authorization": f"Bearer {TOKEN}",
                    },
                    timeout=600,
                )
            answers[name] = {
                "status": response.status_code,
                "seconds_per_put": round((time.monotonic() - started) / rounds, 3),
                "message": response.text.strip(),
            }
        after = _peaks(running.process.pid)
    finally:
        running.stop()
    return {"puts": answers, "peak_rss_mb_before": before, "peak_rss_mb_after": after}


def _peaks(pid: int) -> dict[int, float]:
    """The peak resident size (VmHWM, MB) of a process and each of its descendants."""
    peaks = {}
    root = psutil.Process(pid)
    for proc in [root, *root.children(recursive=True)]:
        try:
            with open(f"/proc/{proc.pid}/status", encoding="ascii") as status:
                found = next(line for line in status if line.startswith("VmHWM:"))
            peaks[proc.pid] = round(int(found.split()[1]) / 1024, 1)
        except (OSError, StopIteration):
            continue
    return peaks


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="lamcoop-hostile-") as tmp:
        work = Path(tmp)
        files = {
            "good": work / "good.nt",
            "laughs": work / "laughs.rdf",
            "quadratic": work / "quadratic.rdf",
        }
        files["good"].write_text("<urn:t:a> <urn:t:b> <urn:t:c> .\n")
        files["laughs"].write_bytes(laughs())
        files["quadratic"].write_bytes(quadratic())
        report = {"command_line": command_line(work, files), "server": server(work, files)}
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
