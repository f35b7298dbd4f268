"""How soon a replacing ``lamcoop load`` stops after SIGINT or SIGTERM, on a busy machine.

    .venv/bin/python bench/interrupts.py FILE STORE [--graph IRI] [--busy 2] [--at 3 10 publishing]

``STORE`` is a store whose graph ``--graph`` already holds data (FILE replaces it); it is
copied for every trial. Each trial starts ``lamcoop load --graph IRI FILE`` with SIGINT
ignored (as a shell script's ``&`` starts it), waits until the moment named (seconds after
the start, or ``publishing``: the load's marker says it is applying its differences), sends
the signal, and measures the seconds until the process has ended; then it times the next
read-write open (which undoes the load) and checks that the store's graphs are as before.
``--busy N`` runs N busy loops meanwhile. One line of JSON per trial.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from graph_loader.store import PENDING_GRAPH, open_store

VENV_BIN = Path(sys.executable).parent


def _state(path: Path) -> dict[str, int]:
    store = open_store(path)
    try:
        return {g.iri: g.triples for g in store.graphs()} | store.internal_graphs()
    finally:
        store.close()


def _publishing(path: Path) -> bool:
    try:
        raw = ox.Store.read_only(str(path))
    except (OSError, RuntimeError):
        return False
    try:
        return any(
            q.object.value == "publishing"
            for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(PENDING_GRAPH))
        )
    finally:
        del raw


def trial(source: Path, base: Path, graph: str, at: str, signum: int, work: Path) -> dict:
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(base, store)
    before = _state(store)
    started = time.monotonic()
    command = [str(VENV_BIN / "lamcoop"), "--store", str(store), "load", "--quiet"]
    process = subprocess.Popen(
        [*command, "--graph", graph, str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    while process.poll() is None:
        if at == "publishing" and _publishing(store):
            break
        if at != "publishing" and time.monotonic() - started >= float(at):
            break
        time.sleep(0.01)
    ended_before = process.poll() is not None
    sent = time.monotonic()
    if not ended_before:
        process.send_signal(signum)
    _, err = process.communicate()
    stopped = time.monotonic() - sent
    opened = time.monotonic()
    after = _state(store)
    return {
        "at": at,
        "signal": signal.Signals(signum).name,
        "signalled_after_s": round(sent - started, 2),
        "ended_before_signal": ended_before,
        "stop_s": round(stopped, 3),
        "exit": process.returncode,
        "undo_on_next_open_s": round(time.monotonic() - opened, 2),
        "unchanged": after == before,
        "stderr": err.decode(errors="replace").strip()[-200:],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("store", type=Path)
    parser.add_argument("--graph", default="http://example.org/big")
    parser.add_argument("--busy", type=int, default=2)
    parser.add_argument("--at", nargs="+", default=["3", "10", "publishing"])
    parser.add_argument("--signal", choices=["INT", "TERM"], default="INT")
    args = parser.parse_args()
    signum = signal.SIGINT if args.signal == "INT" else signal.SIGTERM
    loops = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as work:
            for at in args.at:
                result = trial(args.file, args.store, args.graph, at, signum, Path(work))
                print(json.dumps(result), flush=True)
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


if __name__ == "__main__":
    main()
