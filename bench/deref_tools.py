"""What ``bench/deref.py`` drives: the load generator (wrk) and Trifid.

* **wrk** (Debian's ``wrk``, C, epoll) sends the repeated requests: keep-alive HTTP/1.1
  connections, each sending its next request when its answer is in. A Lua script
  (:data:`LUA`) gives each thread its share of a list of paths, one ``Accept`` header for
  all, cycling through the list; its ``done`` prints the counts and latency percentiles as
  one JSON line. (Python clients top out below the rates being measured.)
* **first requests** (each path once, :func:`first_requests`) go from curl (C): one
  process asks for every path of a list once, over ``--parallel`` keep-alive connections,
  and writes each answer's status, size and time. wrk cannot stop after a list, and a
  Python client cannot keep up with the native server: threads with one ``http.client``
  connection each, used here until 2026-12-07, measured native Oxigraph's first requests
  at 4,028 req/s where curl measures 7,155 (16 connections, same entities), since the
  client's own CPU per request, on the same two cores, was more than the server's.
* **Trifid 5.3** (npm ``trifid``, installed into the work directory by ``npm install``) with
  its entity renderer over the native Oxigraph server's SPARQL endpoint, the dataset's base
  IRI mapped onto its own address, as Trifid is deployed in front of a triple store.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from http_servers import Server, _spawn, free_port

TRIFID_VERSION = "5.3.0"
BASE = "https://w3id.org/lamcoop/"

#: The wrk script: ``wrk -s deref.lua URL -- PATHS ACCEPT THREADS``.
LUA = r"""
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end
function init(args)
  paths, accept = {}, args[2]
  local n, i = 0, 0
  for line in io.lines(args[1]) do
    n = n + 1
    if (n - 1) % tonumber(args[3]) == id - 1 then i = i + 1; paths[i] = line end
  end
  index = 0
end
function request()
  index = index + 1
  if index > #paths then index = 1 end
  return wrk.format("GET", paths[index], {["Accept"] = accept})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"mean_us": %f, "errors": %d, "status_errors": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.mean, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class Load:
    """What wrk measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("no wrk: apt-get install wrk (scripts/system-deps.sh)")
    return found


def run_wrk(
    root: str,
    paths: list[str],
    accept: str,
    *,
    connections: int,
    seconds: float,
    work: Path,
) -> Load:
    """Send ``paths`` to ``root``, over and over, from ``connections`` keep-alive connections
    for ``seconds``."""
    script, listing = work / "deref.lua", work / "paths.txt"
    script.write_text(LUA, encoding="utf-8")
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    threads, whole = min(2, connections), max(1, round(seconds))  # wrk takes whole seconds
    command = [
        wrk_binary(), "-t", str(threads), "-c", str(connections), "-d", f"{whole}s",
        "--timeout", "30s", "-s", str(script), root, "--", str(listing), accept, str(threads),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"requests"')]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    found = json.loads(lines[-1])
    return Load(
        requests=found["requests"],
        seconds=found["duration_us"] / 1e6,
        p50_ms=found["p50_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        errors=found["errors"] + found["status_errors"],
    )


def curl_binary() -> str:
    found = shutil.which("curl")
    if found is None:
        raise RuntimeError("no curl: apt-get install curl (scripts/system-deps.sh)")
    return found


def first_requests(
    root: str, paths: list[str], accept: str, *, connections: int, work: Path
) -> Load:
    """Each of ``paths`` asked once of ``root`` by curl over ``connections`` keep-alive
    connections (``--parallel``), timed from curl's start to its end less what curl takes
    to start and stop (:func:`curl_start_cost`)."""
    listing = work / "first.curl"
    listing.write_text(
        "".join(f'url = "{root}{path}"\noutput = "/dev/null"\n' for path in paths),
        encoding="utf-8",
    )
    command = [curl_binary(), "--silent", "--max-time", "60", "--header", f"Accept: {accept}"]
    command += ["--write-out", "%{http_code} %{size_download} %{time_total}\\n"]
    if connections > 1:
        command += ["--parallel", "--parallel-immediate", "--parallel-max", str(connections)]
    start = curl_start_cost(command)
    started = time.perf_counter()
    done = subprocess.run([*command, "--config", str(listing)], **_CAPTURE)
    elapsed = max(time.perf_counter() - started - start, 1e-9)
    answers = [line.split() for line in done.stdout.splitlines() if line.strip()]
    latencies = sorted(float(a[2]) for a in answers if a[0] == "200" and a[1] != "0")
    ordered = latencies or [0.0]
    return Load(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=ordered[len(ordered) // 2] * 1000,
        p99_ms=ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000,
        errors=len(paths) - len(latencies),
    )


_CAPTURE: dict = {"capture_output": True, "text": True, "check": False, "timeout": 600}


def curl_start_cost(command: list[str]) -> float:
    """Seconds a run of ``command`` takes besides its transfers (starting curl, ending it):
    the median of three runs that read ``file:///dev/null``, which asks no server."""
    costs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([*command, "--output", "/dev/null", "file:///dev/null"], **_CAPTURE)
        costs.append(time.perf_counter() - started)
    return statistics.median(costs)


def curl_version() -> str:
    done = subprocess.run([curl_binary(), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.split()[1] if done.stdout else "unknown"


def wrk_version() -> str:
    done = subprocess.run([wrk_binary(), "-v"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).split(" [")[0].removeprefix("wrk ").strip()


def install_trifid(work: Path) -> Path:
    """Trifid installed by npm under ``work/trifid`` (once); its directory."""
    where = work / "trifid"
    server = where / "node_modules" / "trifid" / "server.js"
    if not server.exists():
        where.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("no npm: Trifid needs Node.js and npm")
        command = [npm, "install", "--no-audit", "--no-fund", f"trifid@{TRIFID_VERSION}"]
        subprocess.run(command, cwd=where, check=True, stdout=subprocess.DEVNULL, timeout=900)
    return where


def trifid_version(where: Path) -> str:
    package = where / "node_modules" / "trifid" / "package.json"
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    return f"{json.loads(package.read_text())['version']} (node {node.stdout.strip()})"


def start_trifid(where: Path, endpoint: str) -> Server:
    """Trifid's entity renderer on a free port over the SPARQL endpoint ``endpoint``."""
    port = free_port()
    config = where / "bench-config.yaml"
    config.write_text(
        "server:\n"
        f"  listener:\n    host: 127.0.0.1\n    port: {port}\n"
        "  logLevel: warn\n"
        "globals:\n"
        f"  datasetBaseUrl: {BASE}\n"
        f"  endpoints:\n    default:\n      url: {endpoint}\n"
        "plugins:\n"
        "  entity-renderer:\n"
        '    module: "@zazuko/trifid-entity-renderer"\n',
        encoding="utf-8",
    )
    command = ["node", str(where / "node_modules" / "trifid" / "server.js"), "-c", str(config)]
    url = f"http://127.0.0.1:{port}/"
    return _spawn("trifid", command, dict(os.environ), where / "trifid.log", url)
