"""The two servers ``bench/http.py`` compares, and the store they serve.

* the store: the synthetic N-Triples file loaded by ``lamcoop load`` into an on-disk store
  under the work directory, then copied whole for the native server; both are kept (with a
  stamp naming the file they hold) so the next run starts at once;
* ``lamcoop serve`` as a real subprocess with its production settings (uWSGI, one worker
  process per core, each running its queries itself), the store given by ``LAMCOOP_STORE``;
* ``oxigraph serve-read-only`` (the native server of the PyPI package ``oxigraph``) on the
  copy, with the union of the graphs as default graph, as lamcoop queries it, and no time
  limit (see :func:`start_native`).

Both listen on 127.0.0.1 on a free port; each runs in its own process group, which
:meth:`Server.stop` ends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

BIN = Path(sys.executable).parent
GRAPH = "https://w3id.org/lamcoop/graph/synthetic"


@dataclass(frozen=True)
class Stores:
    """The store ``lamcoop serve`` reads and its copy for the native server."""

    lamcoop: Path
    native: Path
    triples: int


def prepare_stores(data: Path, work: Path) -> Stores:
    """Load ``data`` with ``lamcoop load`` and copy the store, unless a previous run did."""
    stamp_path = work / "stores.json"
    wanted = {"data": data.name, "bytes": data.stat().st_size, "graph": GRAPH}
    lamcoop, native = work / "store-lamcoop", work / "store-native"
    if stamp_path.exists() and lamcoop.is_dir() and native.is_dir():
        stamp = json.loads(stamp_path.read_text())
        if {k: stamp.get(k) for k in wanted} == wanted:
            return Stores(lamcoop, native, stamp["triples"])
    stamp_path.unlink(missing_ok=True)
    for path in (lamcoop, native):
        shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    env = {**os.environ, "LAMCOOP_STORE": str(lamcoop)}
    command = [str(BIN / "lamcoop"), "load", "--quiet", "--graph", GRAPH, str(data)]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    shutil.copytree(lamcoop, native)
    triples = _triples(lamcoop)
    print(f"loaded {data.name} ({triples} triples) in {time.perf_counter() - started:.1f} s")
    stamp_path.write_text(json.dumps({**wanted, "triples": triples}, indent=2))
    return Stores(lamcoop, native, triples)


def _triples(store: Path) -> int:
    import pyoxigraph as ox

    handle = ox.Store.read_only(str(store))
    try:
        query = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
        return int(next(iter(handle.query(query)))["n"].value)
    finally:
        del handle


def free_port() -> int:
    """A port nothing listens on at the moment, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process and where it answers SPARQL queries."""

    name: str
    url: str
    process: subprocess.Popen
    log: Path
    tree: list[psutil.Process] = field(default_factory=list)

    def wait_ready(self, timeout: float = 120) -> None:
        """Return once ``ASK {}`` answers 200; fail if the process ends or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            try:
                if requests.get(self.url, params={"query": "ASK {}"}, timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer within {timeout:g} s; see {self.log}")

    def cpu_seconds(self) -> float:
        """User and system CPU time of the server and all its descendants so far."""
        try:
            root = psutil.Process(self.process.pid)
            known = {p.pid: p for p in self.tree}
            for child in [root, *root.children(recursive=True)]:
                known.setdefault(child.pid, child)
            self.tree = list(known.values())
        except psutil.NoSuchProcess:
            pass
        total = 0.0
        for proc in self.tree:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system + times.children_user + times.children_system
        return total

    def stop(self) -> None:
        """End the server's process group: SIGTERM, then SIGKILL after 15 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def _spawn(name: str, command: list[str], env: dict[str, str], log: Path, url: str) -> Server:
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(name, url, process, log)


def start_lamcoop(store: Path, work: Path) -> Server:
    """``lamcoop serve`` on ``store`` with its default settings, on a free local port."""
    port = free_port()
    env = {**os.environ, "LAMCOOP_STORE": str(store), "LAMCOOP_HOST": "127.0.0.1"}
    command = [str(BIN / "lamcoop"), "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/sparql"
    return _spawn("lamcoop", command, env, work / "lamcoop-serve.log", url)


def start_native(store: Path, work: Path) -> Server:
    """``oxigraph serve-read-only`` on ``store``, default graph the union, on a free port.

    Without ``--timeout-s``: with it, oxigraph 0.5.13 starts a thread per query that lives
    for the whole limit, and under this load runs out of threads within a minute.
    """
    binary = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("no oxigraph executable: pip install 'oxigraph>=0.5.13,<0.6'")
    port = free_port()
    command = [
        binary,
        "serve-read-only",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
    ]
    url = f"http://127.0.0.1:{port}/query"
    return _spawn("oxigraph", command, dict(os.environ), work / "oxigraph-serve.log", url)


def native_version() -> str:
    """The version the oxigraph executable reports."""
    binary = shutil.which("oxigraph", path=str(BIN)) or "oxigraph"
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().removeprefix("oxigraph ") or "unknown"
