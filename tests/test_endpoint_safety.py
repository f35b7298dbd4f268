"""Safety of the SPARQL service on a real server: the time limit, and no outbound requests."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from tests.conftest import EX, RunningServer, example_store

LIMIT = 3.0
#: Three-way cross join over the store's few hundred triples: hours of work, no output.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("safety")
    example_store(workdir / "store", things=200)
    with RunningServer(
        workdir / "store",
        workdir,
        {"query_timeout": LIMIT, "workers": 2, "service_allowlist": "http://127.0.0.1:1/"},
    ) as running:
        yield running


class Listener:
    """A socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    opened = Listener()
    yield opened
    opened.close()


def ask(server, query: str, **kwargs) -> requests.Response:
    return requests.get(server.url + "/sparql", params={"query": query}, timeout=60, **kwargs)


@pytest.mark.slow
def test_runaway_query_is_stopped_within_the_limit_and_others_keep_running(server):
    outcome: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["response"] = ask(server, RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    during = ask(server, "ASK { ?s ?p ?o }")
    assert during.status_code == 200 and during.json()["boolean"] is True
    thread.join(60)
    response = outcome["response"]
    assert response.status_code == 503
    assert f"{LIMIT:g} s time limit" in response.text
    assert outcome["seconds"] <= LIMIT * 1.2
    after = ask(server, f"ASK {{ <{EX}thing/1> ?p ?o }}")
    assert after.status_code == 200 and after.json()["boolean"] is True
    metrics = requests.get(server.url + "/-/metrics", timeout=10).text
    assert "lamcoop_query_timeouts_total 1" in metrics


def test_service_is_refused_and_nothing_connects(server, listener):
    target = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <http://127.0.0.1:{listener.port}/> "
        "SELECT * { sErViCe r:sparql { ?s ?p ?o } }",
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE ?where {{ ?s ?p ?o }} VALUES ?where {{ <{target}> }} }}",
    ]
    for query in queries:
        response = ask(server, query)
        assert response.status_code == 400, query
        assert "SERVICE" in response.text and "not allowed" in response.text
    time.sleep(0.5)
    assert listener.connections == 0


def test_the_listener_does_see_a_direct_federated_query(listener):
    """The control: pyoxigraph itself does connect, so the refusal above is what stops it."""
    import pyoxigraph as ox

    target = f"http://127.0.0.1:{listener.port}/sparql"
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"))
    time.sleep(0.3)
    assert listener.connections >= 1


def test_keywords_in_strings_comments_and_iris_are_not_refused(server):
    query = (
        'SELECT ?x WHERE { BIND ("SERVICE <http://evil.example/>" AS ?x) } '
        "# LOAD <http://evil.example/data>\n"
    )
    assert ask(server, query).status_code == 200
    assert ask(server, f"ASK {{ <{EX}SERVICE> ?p ?o }}").status_code == 200


def test_from_naming_a_graph_not_in_the_store_is_refused(server):
    outside = "SELECT * FROM <http://elsewhere.example/data.ttl> WHERE { ?s ?p ?o }"
    response = ask(server, outside)
    assert response.status_code == 400 and "not in the store" in response.text
    named = "SELECT * FROM NAMED <http://elsewhere.example/x> WHERE { ?s ?p ?o }"
    assert ask(server, named).status_code == 400
    inside = f"SELECT (COUNT(*) AS ?n) FROM <{EX}g2> WHERE {{ ?s ?p ?o }}"
    assert ask(server, inside).json()["results"]["bindings"][0]["n"]["value"] == "2"
    params = {"query": "ASK {}", "default-graph-uri": "http://elsewhere.example/y"}
    protocol = requests.get(server.url + "/sparql", params=params, timeout=30)
    assert protocol.status_code == 400


def test_allow_listed_service_is_let_through(server):
    """An allow-listed target passes the check (and fails only because nothing listens)."""
    response = ask(server, "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:1/x> { ?s ?p ?o } }")
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] in ([], [{}])


def test_load_in_an_update_is_refused_before_the_token_matters(server, listener):
    update = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    response = requests.post(server.url + "/sparql", data={"update": update}, timeout=30)
    assert response.status_code in (400, 403)
    time.sleep(0.3)
    assert listener.connections == 0
