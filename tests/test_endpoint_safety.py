"""Safety of the SPARQL service: the time limit on a real server, and no outbound requests
(Flask's test client: a query runs in the test's own thread, so any connection it made would
be made before its answer)."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import EX, service_client
from tests.servers import HTTP_DEADLINE, RunningServer

#: The time limit of the server that tests it: long enough that no ordinary query on a busy
#: machine reaches it, short enough to wait for.
LIMIT = 5.0
#: Three-way cross join over the store's few hundred triples: hours of work, no output.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ALLOWED = "http://127.0.0.1:1/"


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory, example_built):
    workdir = tmp_path_factory.mktemp("safety")
    store = example_built.copy(workdir / "store")
    with RunningServer(store, workdir, {"query_timeout": LIMIT, "workers": 2}) as running:
        yield running


@pytest.fixture(scope="module")
def client(example_reader):
    with service_client(example_reader, service_allowlist=ALLOWED) as opened:
        yield opened


class Listener:
    """A socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            conn.close()

    def connections(self) -> int:
        """Every connection made so far: those accepted, and those still waiting to be.

        A client's connect returns once the kernel has queued the connection, so one made
        before this call is counted, whether or not the thread has accepted it yet.
        """
        self.running = False
        self.thread.join()
        self.sock.setblocking(False)
        waiting = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return self.accepted + waiting
            waiting += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    opened = Listener()
    yield opened
    opened.close()


def ask(client, query: str, **kwargs):
    return client.get("/sparql", query_string={"query": query}, **kwargs)


def _cpu_seconds(pid: int) -> float:
    """The processor time ``pid`` has used (0 once it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_of(server: RunningServer) -> dict[int, float]:
    return {pid: _cpu_seconds(pid) for pid in server.processes()}


def _wait_until_idle(server: RunningServer) -> dict[int, float]:
    """Wait until the server's processes have done their start-up work (each worker loads
    the app itself), so that the next work seen is a request's; returns their times."""
    deadline = time.monotonic() + HTTP_DEADLINE
    before = _cpu_of(server)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _cpu_of(server)
        if sum(now.values()) - sum(before.values()) < 0.05:
            return now
        before = now
    raise AssertionError("the server never became idle")


def _wait_until_it_runs(server: RunningServer, before: dict[int, float], request) -> None:
    """Return once one of the idle server's processes has worked on the only request in
    flight (its processor time has grown); fail if the request ends first, or never runs."""
    deadline = time.monotonic() + HTTP_DEADLINE
    while request.is_alive() and time.monotonic() < deadline:
        if any(_cpu_seconds(pid) - before.get(pid, 0.0) > 0.2 for pid in server.processes()):
            return
        time.sleep(0.01)
    raise AssertionError("the runaway query was never seen running")


@pytest.mark.slow
def test_runaway_query_is_stopped_at_the_limit_and_others_keep_running(limited_server):
    server = limited_server

    def get(query: str) -> requests.Response:
        return requests.get(server.url + "/sparql", params={"query": query}, timeout=HTTP_DEADLINE)

    outcome: dict[str, requests.Response] = {}
    runaway = threading.Thread(target=lambda: outcome.setdefault("response", get(RUNAWAY)))
    before = _wait_until_idle(server)
    runaway.start()
    _wait_until_it_runs(server, before, runaway)
    # The runaway query holds one worker until the limit ends it; the other answers
    # meanwhile: questions asked while it runs are answered before it ends.
    answered_during = 0
    while runaway.is_alive():
        during = get("ASK { ?s ?p ?o }")
        assert during.status_code == 200 and during.json()["boolean"] is True
        answered_during += runaway.is_alive()
    runaway.join()
    assert answered_during > 0
    response = outcome["response"]
    assert response.status_code == 503
    assert f"{LIMIT:g} s time limit" in response.text
    after = get(f"ASK {{ <{EX}thing/1> ?p ?o }}")
    assert after.status_code == 200 and after.json()["boolean"] is True
    metrics = requests.get(server.url + "/-/metrics", timeout=HTTP_DEADLINE).text
    assert "lamcoop_query_timeouts_total 1" in metrics


def test_service_is_refused_and_nothing_connects(client, listener):
    target = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <http://127.0.0.1:{listener.port}/> "
        "SELECT * { sErViCe r:sparql { ?s ?p ?o } }",
        f"SELECT * WHERE {{ SERVICE ?where {{ ?s ?p ?o }} VALUES ?where {{ <{target}> }} }}",
    ]
    for query in queries:
        response = ask(client, query)
        assert response.status_code == 400, query
        assert "SERVICE" in response.text and "not allowed" in response.text
    # Oxigraph applies \u escapes in IRIs and strings only: an escaped keyword is no keyword.
    escaped = ask(client, f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}")
    assert escaped.status_code == 400 and "syntax error" in escaped.text
    assert listener.connections() == 0


def test_the_listener_does_see_a_direct_federated_query(listener):
    """The control: pyoxigraph itself does connect, so the refusal above is what stops it."""
    import pyoxigraph as ox

    target = f"http://127.0.0.1:{listener.port}/sparql"
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"))
    assert listener.connections() >= 1


def test_keywords_in_strings_comments_and_iris_are_not_refused(client):
    query = (
        'SELECT ?x WHERE { BIND ("SERVICE <http://evil.example/>" AS ?x) } '
        "# LOAD <http://evil.example/data>\n"
    )
    assert ask(client, query).status_code == 200
    assert ask(client, f"ASK {{ <{EX}SERVICE> ?p ?o }}").status_code == 200


def test_from_naming_a_graph_not_in_the_store_is_refused(client):
    outside = "SELECT * FROM <http://elsewhere.example/data.ttl> WHERE { ?s ?p ?o }"
    response = ask(client, outside)
    assert response.status_code == 400 and "not in the store" in response.text
    named = "SELECT * FROM NAMED <http://elsewhere.example/x> WHERE { ?s ?p ?o }"
    assert ask(client, named).status_code == 400
    inside = f"SELECT (COUNT(*) AS ?n) FROM <{EX}g2> WHERE {{ ?s ?p ?o }}"
    assert ask(client, inside).get_json()["results"]["bindings"][0]["n"]["value"] == "2"
    params = {"query": "ASK {}", "default-graph-uri": "http://elsewhere.example/y"}
    protocol = client.get("/sparql", query_string=params)
    assert protocol.status_code == 400


def test_allow_listed_service_is_let_through(client):
    """An allow-listed target passes the check (and fails only because nothing listens)."""
    response = ask(client, f"SELECT * WHERE {{ SERVICE SILENT <{ALLOWED}x> {{ ?s ?p ?o }} }}")
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] in ([], [{}])


def test_load_in_an_update_is_refused_before_the_token_matters(client, listener):
    update = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    response = client.post("/sparql", data={"update": update})
    assert response.status_code in (400, 403)
    assert listener.connections() == 0
