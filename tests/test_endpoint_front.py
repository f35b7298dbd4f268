"""The front (sparql_endpoint/front.py) in a real server: a query that runs longer than
the keep-alive time still gets its answer on its connection (the front keeps no timer of
its own once a request has gone to the router), and the server keeps serving."""

from __future__ import annotations

import time

import pytest
import requests

from sparql_endpoint.serve import KEEPALIVE_SECONDS
from tests.servers import HTTP_DEADLINE, RunningServer

pytestmark = pytest.mark.slow

#: Runs far longer than any limit: the watchdog answers it 503 at the limit.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIMIT = KEEPALIVE_SECONDS + 5


@pytest.fixture(scope="module")
def server(tmp_path_factory, example_built):
    workdir = tmp_path_factory.mktemp("front")
    store = example_built.copy(workdir / "store")
    with RunningServer(store, workdir, {"workers": 2, "query_timeout": LIMIT}) as running:
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
