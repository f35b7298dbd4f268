"""SSRF on a real server: nothing a caller sends makes ``lamcoop serve`` connect anywhere
unless the allow-list says so, and no answer tells an open port from a closed one.

The whole corpus (``ssrf_corpus.py``) goes to real servers over HTTP: queries by GET, by POST
(``application/sparql-query``) and by form, updates (with the token) directly and by form,
each aimed once at a real listener on 127.0.0.1 and once at a port where nothing listens.
The listener must accept no connection, every text that would make Oxigraph call out must get
a 4xx, the two answers must be the same but for the port, and the store must be as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.hostile.conftest import store_state_at
from tests.hostile.outbound_support import Recorder, Slammer, closed_base
from tests.hostile.ssrf_corpus import CORPUS, Case
from tests.servers import HTTP_DEADLINE, RunningServer

TOKEN = "ssrf-test-token"
RESULTS_JSON = "application/sparql-results+json"


def _send(server: RunningServer, case: Case, text: str) -> list[tuple[str, int, str]]:
    """Every way ``text`` can be sent: (way, status, body) of each answer."""
    url = server.url + "/sparql"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    if case.kind == "query":
        sent = [
            ("GET", requests.get(url, params={"query": text}, timeout=HTTP_DEADLINE)),
            (
                "POST query",
                requests.post(
                    url,
                    data=text.encode(),
                    headers={"Content-Type": "application/sparql-query"},
                    timeout=HTTP_DEADLINE,
                ),
            ),
            ("POST form", requests.post(url, data={"query": text}, timeout=HTTP_DEADLINE)),
        ]
    else:
        sent = [
            (
                "POST update",
                requests.post(
                    url,
                    data=text.encode(),
                    headers={"Content-Type": "application/sparql-update", **auth},
                    timeout=HTTP_DEADLINE,
                ),
            ),
            (
                "POST form",
                requests.post(url, data={"update": text}, headers=auth, timeout=HTTP_DEADLINE),
            ),
        ]
    return [(way, response.status_code, response.text) for way, response in sent]


def _same_but_port(a: str, a_base: str, b: str, b_base: str) -> bool:
    return a.replace(a_base, "{U}") == b.replace(b_base, "{U}")


def run_corpus(server: RunningServer) -> list[str]:
    """Send the corpus, aimed at a live listener and at a closed port; what went wrong."""
    problems: list[str] = []
    with Recorder() as listener:
        closed = closed_base()
        for case in CORPUS:
            if case.kind == "update" and not case.calls:
                continue  # it would run, and change the store
            at_open = _send(server, case, case.at(listener.base))
            at_closed = _send(server, case, case.at(closed))
            for (way, status, body), (_, closed_status, closed_body) in zip(
                at_open, at_closed, strict=True
            ):
                where = f"{way} {case.text[:60]!r}"
                if case.calls and not 400 <= status < 500:
                    problems.append(f"{where}: {status} {body[:120]}")
                if status >= 500:
                    problems.append(f"{where}: server error {status}")
                if status != closed_status or not _same_but_port(
                    body, listener.base, closed_body, closed
                ):
                    problems.append(f"{where}: open {body[:80]!r} closed {closed_body[:80]!r}")
        if listener.accepted:
            problems.append(f"the listener accepted {listener.accepted}: {listener.requests}")
    return problems


@pytest.fixture
def served_copy(tmp_path: Path, example_built) -> Iterator[tuple[Path, Path]]:
    """A copy of the example store and a working directory for one server."""
    store = example_built.copy(tmp_path / "store")
    yield store, tmp_path


def _worker_pids(server: RunningServer) -> list[int]:
    """The server's worker processes, as uWSGI's log names them when it starts them."""
    spawned = re.findall(r"spawned uWSGI worker \d+ \(pid: (\d+)", server.output())
    return [int(pid) for pid in spawned]


def _ip_sockets(pid: int) -> list[str]:
    """The IP sockets (TCP or UDP, v4 or v6) process ``pid`` holds: an IP socket it held
    from before the sandbox could still be used."""
    ip_inodes = set()
    for table in ("tcp", "tcp6", "udp", "udp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            ip_inodes.add(line.split()[9])
    held = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:[") and target[8:-1] in ip_inodes:
            held.append(target)
    return held


def _seccomp_mode(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Seccomp:"):
            return int(line.split()[1])
    return 0


def test_a_sandboxed_server_reaches_nothing_and_says_nothing_of_ports(served_copy):
    store, workdir = served_copy
    before = store_state_at(store)
    settings = {"workers": 2, "update_token": TOKEN}
    with RunningServer(store, workdir, settings) as server:
        health = requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).json()
        assert health["network_sandbox"] == "active"
        metrics = requests.get(server.url + "/-/metrics", timeout=HTTP_DEADLINE).text
        assert "lamcoop_network_sandbox_active 1" in metrics
        workers = _worker_pids(server)
        assert workers and all(_seccomp_mode(pid) == 2 for pid in workers)
        assert [_ip_sockets(pid) for pid in workers] == [[] for _ in workers]
        assert "network sandbox active" in server.output()
        problems = run_corpus(server)
    assert problems == []
    assert store_state_at(store) == before


def test_with_an_allow_list_elsewhere_nothing_is_reached_either(served_copy):
    store, workdir = served_copy
    before = store_state_at(store)
    settings = {"workers": 2, "update_token": TOKEN, "service_allowlist": "http://127.0.0.1:1/"}
    with RunningServer(store, workdir, settings) as server:
        health = requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).json()
        assert health["network_sandbox"] == "off: service_allowlist is set"
        problems = run_corpus(server)
    assert problems == []
    assert store_state_at(store) == before


def test_an_allowed_service_is_called_and_failures_all_read_the_same(served_copy):
    store, workdir = served_copy
    with Recorder() as recorder, Slammer() as slammer:
        closed = closed_base()
        allowlist = ",".join([recorder.base, slammer.base, closed])
        settings = {"workers": 2, "update_token": TOKEN, "service_allowlist": allowlist}
        with RunningServer(store, workdir, settings) as server:

            def ask(query: str) -> requests.Response:
                return requests.get(
                    server.url + "/sparql",
                    params={"query": query},
                    headers={"Accept": RESULTS_JSON},
                    timeout=HTTP_DEADLINE,
                )

            def load(source: str) -> requests.Response:
                return requests.post(
                    server.url + "/sparql",
                    data=f"LOAD <{source}> INTO GRAPH <urn:x-lamcoop-test:loaded>".encode(),
                    headers={
                        "Content-Type": "application/sparql-update",
                        "Authorization": f"Bearer {TOKEN}",
                    },
                    timeout=HTTP_DEADLINE,
                )

            served = ask(f"SELECT * {{ SERVICE <{recorder.base}sparql> {{ }} }}")
            assert served.status_code == 200, served.text
            assert served.json()["results"]["bindings"] == [{}]
            assert recorder.requests == ["/sparql"]
            before = store_state_at_server(server)
            bases = (slammer.base, closed)
            failures = [ask(f"SELECT * {{ SERVICE <{base}sparql> {{ }} }}") for base in bases]
            assert [f.status_code for f in failures] == [400, 400]
            assert failures[0].text == failures[1].text
            assert "Connection" not in failures[0].text and "refused" not in failures[0].text
            loads = [load(f"{base}data.ttl") for base in bases]
            assert [f.status_code for f in loads] == [400, 400]
            assert loads[0].text == loads[1].text
            assert store_state_at_server(server) == before
            assert slammer.accepted == 2


def store_state_at_server(server: RunningServer) -> dict[str, int]:
    """Graph -> quad count of a running server, over HTTP (its store is held open)."""
    from tests.hostile.request_support import served_state

    return served_state(server)
