"""The front (sparql_endpoint/front.py) in a real server: a query that runs longer than
the keep-alive time still gets its answer on its connection (the front keeps no timer of
its own once a request has gone to the router), and the server keeps serving."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from graph_loader.settings import Settings
from tests.servers import HTTP_DEADLINE, RunningServer

pytestmark = pytest.mark.slow

#: The server's keep-alive time (setting keepalive_seconds, 15 s by default): short, since
#: the query below runs past it, taking a CPU all that time.
KEEPALIVE_SECONDS = 2
#: Runs far longer than any limit: the watchdog answers it 503 at the limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIMIT = KEEPALIVE_SECONDS + 5


@pytest.fixture(scope="module")
def server(tmp_path_factory, example_built):
    workdir = tmp_path_factory.mktemp("front")
    store = example_built.copy(workdir / "store")
    with RunningServer(
        store,
        workdir,
        {"workers": 2, "query_timeout": LIMIT, "keepalive_seconds": KEEPALIVE_SECONDS},
    ) as running:
        yield running


def test_an_answer_later_than_the_keep_alive_time_reaches_the_client(server):
    session = requests.Session()
    assert session.get(server.url + "/-/health", timeout=HTTP_DEADLINE).status_code == 200
    started = time.monotonic()
    response = session.get(  # the same kept-alive connection
        server.url + "/sparql",
        params={"query": RUNAWAY},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    assert time.monotonic() - started > KEEPALIVE_SECONDS
    assert response.status_code == 503 and f"{LIMIT:g}" in response.text
    assert requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).status_code == 200


def test_an_idle_connection_is_closed_at_the_keep_alive_time(server):
    """The server's keep-alive time is the setting's (so the answer above came after it), not
    the default: an idle connection is closed once it has passed."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE) as conn:
        conn.sendall(b"GET /-/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = conn.recv(65536)
        started = time.monotonic()
        while conn.recv(65536):  # the rest of the answer, then the end of the connection
            pass
        idle = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 200")
    assert KEEPALIVE_SECONDS - 0.5 < idle < Settings().keepalive_seconds
