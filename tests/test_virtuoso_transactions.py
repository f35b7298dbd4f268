"""What one SPARQL update request is on Virtuoso open source 7.2, asked of the engine
directly (docs/remote-store.md, "Atomicity on Virtuoso").

Virtuoso's ``/sparql`` handler runs a request in one transaction (``log_enable`` 1: manual
commit, logged) and commits it when the request ends:

* a crash (SIGKILL) while the request runs leaves none of it: the transaction was never
  committed, and the restart replays only committed ones. So lamcoop's publishing update
  (its data, provenance and markers in one request) shows whole or not at all after a
  crash;
* but an operation that fails is answered with the error and **not** rolled back
  (``sparql_io.sql``: ``DB.DBA.SPARQL_PROTOCOL_ERROR_REPORT``, then ``return``): the
  request's earlier operations are committed. lamcoop's own updates are written not to
  fail on the data it writes; a user's update of several operations through ``/sparql``
  that fails in a later one keeps its first ones on Virtuoso (tested through lamcoop);
* ``DROP ALL``, ``CLEAR ALL``, ``DROP NAMED`` and ``CLEAR NAMED`` answer success and
  drop nothing.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests
from requests.auth import HTTPDigestAuth

from tests.servers import HTTP_DEADLINE
from tests.virtuoso_support import PASSWORD, USER

X = "urn:x-lamcoop-test:tx-"


def _answer(server, text: str) -> requests.Response:
    return requests.post(
        server.update_url,
        data={"update": text},
        auth=HTTPDigestAuth(USER, PASSWORD),
        timeout=HTTP_DEADLINE,
    )


def _mine(server) -> dict[str, int]:
    return {g: n for g, n in server.counts().items() if g.startswith(X)}


def test_a_failing_operation_keeps_the_operations_before_it(virtuoso_server):
    virtuoso_server.reset()
    virtuoso_server.update(f"INSERT DATA {{ GRAPH <{X}a> {{ <{X}s> <{X}p> 1 }} }}")
    failing = (
        f"INSERT DATA {{ GRAPH <{X}b> {{ <{X}s> <{X}p> 2 }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{X}a> {{ ?s ?p ?o }} }} ;\n"
        f"INSERT {{ GRAPH <{X}b> {{ <{X}s> <{X}p> ?z }} }} WHERE {{ BIND(1/0 AS ?z) }}"
    )
    answer = _answer(virtuoso_server, failing)
    assert answer.status_code == 500 and "Division by 0" in answer.text
    # Not rolled back: <a> emptied, <b> written (Oxigraph server would leave <a> alone).
    assert _mine(virtuoso_server) == {f"{X}b": 1}


def test_drop_all_answers_success_and_drops_nothing(virtuoso_server):
    virtuoso_server.reset()
    virtuoso_server.update(f"INSERT DATA {{ GRAPH <{X}kept> {{ <{X}s> <{X}p> 1 }} }}")
    for operation in ("DROP ALL", "CLEAR ALL", "DROP NAMED", "CLEAR NAMED"):
        assert _answer(virtuoso_server, operation).status_code == 200
        assert _mine(virtuoso_server) == {f"{X}kept": 1}, operation


def test_a_crash_during_an_update_leaves_none_of_it(virtuoso_server, medium_nt):
    """An update replacing a graph with 100k staged triples, the engine killed while it
    runs: after the restart the graph is as it was, and nothing of the update is there."""
    virtuoso_server.reset()
    upload = requests.post(
        virtuoso_server.url + "/sparql-graph-crud-auth",
        params={"graph": f"{X}staging"},
        data=medium_nt.read_bytes(),
        headers={"Content-Type": "application/n-triples"},
        auth=HTTPDigestAuth(USER, PASSWORD),
        timeout=HTTP_DEADLINE,
    )
    assert upload.status_code in (200, 201), upload.text
    virtuoso_server.update(f"INSERT DATA {{ GRAPH <{X}target> {{ <{X}old> <{X}p> 1, 2, 3 }} }}")
    before = _mine(virtuoso_server)
    assert before[f"{X}target"] == 3 and before[f"{X}staging"] > 90_000
    publish = (
        f"DELETE WHERE {{ GRAPH <{X}target> {{ ?s ?p ?o }} }} ;\n"
        f"INSERT {{ GRAPH <{X}target> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{X}staging> {{ ?s ?p ?o }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{X}done> {{ <{X}s> <{X}p> <{X}o> }} }}"
    )
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(_answer(virtuoso_server, publish).status_code)
        except requests.RequestException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.5)
    if outcome:  # answered within half a second: nothing was cut short
        worker.join()
        pytest.fail(f"the update was answered before the kill ({outcome}): use more data")
    virtuoso_server.kill()
    worker.join()
    virtuoso_server.start()
    assert isinstance(outcome[0], requests.RequestException)
    assert _mine(virtuoso_server) == before
