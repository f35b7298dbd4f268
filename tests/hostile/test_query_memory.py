"""A query that needs more memory than its process may have (issue #13, item 6): sorting
the cross product of a store's triples took one worker to 5.6 GB. With ``query_memory_mb``
the watchdog answers 503 naming the limit and ends the process, uWSGI replaces it, a query
on the other worker meanwhile is answered, and the store is unchanged."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests.conftest import example_store
from tests.hostile.flood_support import peak_memory
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE, RunningServer

#: The sort of issue #13: every pair of triples, ordered by both objects.
SORT = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
LIMIT_MB = 300


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    """A real server (two workers, a 300 MiB memory limit, a generous time limit) over
    9,002 triples, whose cross product (81 million rows) is far over the limit to sort."""
    workdir = tmp_path_factory.mktemp("memory-server")
    example_store(workdir / "store", things=3000)
    settings = {
        "workers": 2,
        "query_timeout": 120,
        "query_memory_mb": LIMIT_MB,
        "max_rows": 0,
    }
    with RunningServer(workdir / "store", workdir, settings) as running:
        yield running


def _query(server: RunningServer, text: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        timeout=HTTP_DEADLINE,
    )


def test_a_query_over_the_memory_limit_is_503_naming_it(server):
    before = served_state(server)
    pids = set(server.processes())
    response = _query(server, SORT)
    assert response.status_code == 503
    assert f"the {LIMIT_MB} MiB memory limit" in response.text
    # The process was replaced, and the service answers as before.
    assert _query(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").text.split() == [
        "n",
        "9002",
    ]
    deadline = time.monotonic() + HTTP_DEADLINE
    while set(server.processes()) == pids and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(server.processes()) != pids
    assert "killed by signal" not in server.output()
    metrics = requests.get(server.url + "/-/metrics", timeout=HTTP_DEADLINE).text
    assert "lamcoop_query_timeouts_total 0" not in metrics  # counted with the time limit's
    assert served_state(server) == before


def test_another_query_meanwhile_is_answered(server):
    before = served_state(server)
    outcome: dict[str, requests.Response] = {}
    heavy = threading.Thread(target=lambda: outcome.setdefault("sort", _query(server, SORT)))
    heavy.start()
    small = _query(server, "ASK { ?s ?p ?o }")
    heavy.join()
    assert small.status_code == 200
    assert "true" in small.text.lower()
    assert outcome["sort"].status_code == 503
    assert served_state(server) == before


def test_the_memory_of_a_worker_stays_near_the_limit(server):
    # The watchdog looks every 50 ms: a process ends at most that much growth past the
    # limit. Its peak, sampled from outside, stays well under twice the limit. (The 503
    # says the limit was passed; sampled from outside on a busy machine, the last sample
    # before the end can fall just short of it, so the floor only shows the query grew.)
    with peak_memory(server) as peak:
        assert _query(server, SORT).status_code == 503
    assert LIMIT_MB * 1024 * 1024 // 2 < peak.rss < 2 * LIMIT_MB * 1024 * 1024
