"""The web node's watcher kept alive: a real ``lamcoop serve`` node over a real Oxigraph
server, its watcher killed (SIGKILL), stopped (SIGSTOP: it hangs) and the engine stopped for
a while then started again. The keeper starts the watcher again (ending the hung one
first), ``/-/health`` and ``/-/metrics`` say what happened meanwhile, and a write by the
command line (its own ``state_dir``, as on another machine) shows on the node
afterwards."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.remote_support import OxigraphServer, remote_env
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer

ID = "https://w3id.org/lamcoop/id/institution/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#: Seconds a state may take to show (the watcher reads every 200 ms here, and is started
#: again within half a second of its first end; generous for a busy machine).
DEADLINE = 120.0
#: The node's remote_watch_hang_seconds: short, for the test of a hung watcher, yet far
#: above a tick of a busy machine (a watcher records a read at least once a second).
HANG_SECONDS = 8.0


class Node:
    def __init__(self, engine: OxigraphServer, server: RunningServer, root: Path):
        self.engine, self.server, self.root = engine, server, root

    def load(self, name: str, label: str) -> str:
        """``lamcoop load`` of one entity with ``label`` by the command line; its IRI."""
        entity = ID + f"x-watch-{name}"
        data = self.root / f"{name}.nt"
        data.write_text(
            f'<{entity}> <{LABEL}> "{label}"@en .\n<{entity}> <{TYPE}> <urn:x-lamcoop-test:T> .\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
        env.update(remote_env(self.engine, self.root / "cli-state"))
        loaded = subprocess.run(
            [str(VENV_BIN / "lamcoop"), "load", "--graph", f"urn:x-lamcoop-test:{name}", str(data)],
            cwd=self.root,
            env=env,
            capture_output=True,
            timeout=600,
        )
        assert loaded.returncode == 0, loaded.stderr
        return entity

    def health(self) -> tuple[int, dict[str, Any]]:
        answer = requests.get(self.server.url + "/-/health", timeout=HTTP_DEADLINE)
        return answer.status_code, answer.json()

    def watch(self) -> dict[str, Any]:
        return self.health()[1]["remote_watch"]

    def found(self, word: str) -> list[str]:
        answer = requests.get(
            self.server.url + "/search", params={"q": word, "format": "json"}, timeout=HTTP_DEADLINE
        )
        if answer.status_code != 200:
            return []
        return sorted(r["iri"] for r in answer.json()["results"])


def _until(check: Callable[[], bool], what: str) -> None:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {DEADLINE} s: {what}")


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[Node]:
    root = tmp_path_factory.mktemp("remote-watch")
    engine = OxigraphServer(root / "oxigraph")
    server = None
    try:
        made = Node(engine, None, root)  # type: ignore[arg-type]
        made.load("first", "Lkjhgfdsa Library")
        settings = {
            "state_dir": root / "node",
            "store_retries": 1,
            "workers": 1,
            "remote_version_check_ms": 200,
            "remote_watch_hang_seconds": HANG_SECONDS,
        }
        server = RunningServer(engine.query_url, root, settings)
        made.server = server
        _until(lambda: made.watch()["status"] == "ok", "the watcher reads the version")
        yield made
    finally:
        if server is not None:
            server.stop()
        engine.stop()


def test_health_and_metrics_report_the_watcher(node):
    watch = node.watch()
    assert watch["status"] == "ok" and watch["failures"] == 0
    assert watch["version"] > 0 and watch["seconds_since_read"] < 60
    assert watch["pid"] in node.server.processes()  # the node's own watcher
    assert watch["keeper"] in node.server.processes() and watch["keeper"] != watch["pid"]
    metrics = requests.get(node.server.url + "/-/metrics", timeout=HTTP_DEADLINE).text
    assert "lamcoop_remote_watch_up 1" in metrics
    values = dict(line.split() for line in metrics.splitlines() if not line.startswith("#"))
    assert float(values["lamcoop_remote_watch_version"]) >= watch["version"]
    assert values["lamcoop_remote_watch_restarts_total"] == "0"


def test_a_killed_watcher_is_started_again(node):
    before = node.watch()
    os.kill(before["pid"], signal.SIGKILL)
    _until(
        lambda: (
            (w := node.watch())["restarts"] == before["restarts"] + 1
            and w["status"] == "ok"
            and w["pid"] not in (0, before["pid"])
        ),
        "the watcher started again",
    )
    watch = node.watch()
    assert watch["last_exit"] == "killed by SIGKILL"
    assert watch["pid"] in node.server.processes()
    assert "the watcher (pid" in node.server.output()  # the keeper logged the end
    entity = node.load("after-kill", "Mnbvcxzlk Archive")
    _until(lambda: node.found("mnbvcxzlk") == [entity], "a load after the restart is seen")


def test_a_hung_watcher_is_ended_and_started_again(node):
    """A watcher stopped (SIGSTOP) holds its process but reads nothing: health reports it
    stale, then its keeper ends it and starts another, which catches a write."""
    before = node.watch()
    os.kill(before["pid"], signal.SIGSTOP)
    try:
        _until(
            lambda: (
                (w := node.watch())["restarts"] == before["restarts"] + 1
                and w["status"] == "ok"
                and w["pid"] not in (0, before["pid"])
            ),
            "the hung watcher replaced",
        )
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(before["pid"], signal.SIGCONT)  # it is ended already when the test passes
    watch = node.watch()
    assert watch["last_exit"].startswith("hung (no check of the store for "), watch
    assert not Path(f"/proc/{before['pid']}").exists()  # ended, and reaped by its keeper
    assert watch["pid"] in node.server.processes()
    assert f"the watcher (pid {before['pid']}) is hung" in node.server.output()
    entity = node.load("after-hang", "Hjklzxcvb Gallery")
    _until(lambda: node.found("hjklzxcvb") == [entity], "a load after the restart is seen")


def test_the_watcher_outlives_a_stopped_engine(node):
    before = node.watch()
    node.engine.stop()
    try:
        _until(lambda: node.watch()["status"] == "failing", "health reports the failure")
        code, body = node.health()
        assert code == 503 and body["status"] == "unavailable"  # the store is down too
        watch = body["remote_watch"]
        assert watch["failures"] >= 1 and watch["last_error"]
        assert watch["failures_total"] > before["failures_total"]
        metrics = requests.get(node.server.url + "/-/metrics", timeout=HTTP_DEADLINE).text
        assert "lamcoop_remote_watch_up 0" in metrics
    finally:
        node.engine.start()
    _until(lambda: node.watch()["status"] == "ok", "the watcher reads again")
    watch = node.watch()
    assert watch["failures"] == 0 and watch["failures_total"] >= 1
    assert watch["pid"] == before["pid"]  # the same process lived through it
    entity = node.load("after-engine", "Poiuyqwer Museum")
    _until(lambda: node.found("poiuyqwer") == [entity], "a load after the engine came back")
    assert node.health()[0] == 200
