"""Real ``lamcoop serve`` processes for the tests that need a real HTTP server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import requests

VENV_BIN = Path(sys.executable).parent

#: Seconds a test's HTTP request to a real server may take: a deadline for a server that
#: hangs, generous so that a busy machine never reaches it.
HTTP_DEADLINE = 120


class RunningServer:
    """A real ``lamcoop serve`` process on 127.0.0.1 and a free port; ``with`` stops it at the
    end of the block. ``settings`` are the server's (``LAMCOOP_*``); :attr:`token` is its
    update token, :attr:`workers` its number of worker processes."""

    #: Seconds one readiness probe of ``/-/health`` may take (the first answer waits for a
    #: worker to start); a probe that times out is tried again until the deadline.
    probe_timeout: float = 30

    def __init__(
        self,
        store: Path | str,
        workdir: Path,
        settings: Mapping[str, object] | None = None,
        *,
        ready_timeout: float = 300,
        port: int | None = None,
    ):
        self.store = store
        self.settings = dict(settings or {})
        self.token = str(self.settings.get("update_token", ""))
        self.workers = int(self.settings.get("workers", 0)) or len(os.sched_getaffinity(0))
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"serve-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
        env.update({f"LAMCOOP_{k.upper()}": str(v) for k, v in self.settings.items()})
        env.update({"LAMCOOP_STORE": str(store), "LAMCOOP_PORT": str(self.port)})
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "lamcoop"), "serve"],
                cwd=workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(ready_timeout)

    def wait_ready(self, timeout: float = 300) -> None:
        """Return once ``/-/health`` answers 200; fail if the server exits or never does."""
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lamcoop serve exited:\n{self.output()}")
            try:
                health = requests.get(self.url + "/-/health", timeout=self.probe_timeout)
                if health.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"lamcoop serve did not become ready in {timeout:g} s:\n{self.output()}")

    def update(self, sparql: str) -> None:
        """Run a SPARQL update with the server's token; it must succeed."""
        response = self.send_update(sparql)
        assert response.status_code == 204, response.text

    def send_update(self, sparql: str) -> requests.Response:
        """Send a SPARQL update with the server's token, as a user sends one: its answer."""
        import requests

        return requests.post(
            self.url + "/sparql",
            data=sparql.encode(),
            headers={
                "Content-Type": "application/sparql-update",
                "Authorization": f"Bearer {self.token}",
            },
            timeout=HTTP_DEADLINE,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def processes(self) -> list[int]:
        """The server's process and every process under it (router, workers), from /proc."""
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            parents[int(stat.parent.name)] = int(fields[1])
        found = [self.process.pid]
        for candidate in found:
            found += [child for child, parent in parents.items() if parent == candidate]
        return found

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uWSGI: stop at once
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(60)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def end_process(process: subprocess.Popen | None, *, grace: float, kill: bool = False) -> None:
    """Stop ``process`` if it runs: SIGKILL at once with ``kill`` (as a crash would), else
    SIGTERM and SIGKILL after ``grace`` seconds."""
    if process is None or process.poll() is not None:
        return
    if not kill:
        process.terminate()
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            pass
    process.send_signal(signal.SIGKILL)
    process.wait(HTTP_DEADLINE)


#: The stores the parametrised suites run over (docs/remote-store.md).
STORES = ["embedded", "remote", "virtuoso"]


def served(request: pytest.FixtureRequest, store: str) -> RunningServer:
    """The session's real server (tests/conftest.py) over ``store``: ``embedded``,
    ``remote`` (an Oxigraph server) or ``virtuoso``; for the suites parametrised over the
    three."""
    name = {"embedded": "http_server", "remote": "remote_http_server"}
    return request.getfixturevalue(name.get(store, "virtuoso_http_server"))
