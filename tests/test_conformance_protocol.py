"""The W3C SPARQL 1.1 Protocol tests, run as real HTTP exchanges against the session's real
``lamcoop serve``.

Every test starts from the protocol tests' dataset: ``data1.rdf``..``data3.rdf`` (the
``ut:graphData`` files, under the IRIs their labels give) and ``data0.rdf`` as an empty graph.
``data0.rdf`` is named by six tests through ``default-graph-uri`` and none of their answers
depends on its content; lamcoop never fetches graphs from the web and refuses a protocol
dataset naming a graph absent from the store (see the last tests), so the runner creates it.
Requests carry the update token: the test operator is the one allowed to update.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.earl import EarlReport
from tests.servers import HTTP_DEADLINE, STORES, RunningServer, served
from tests.virtuoso_support import drops_through
from tests.w3c_http import boolean_of, check, perform
from tests.w3c_manifest import SPARQL11, local_path, read_tests

MANIFEST = SPARQL11 / "protocol" / "manifest.ttl"
KASEI = "http://kasei.us/2009/09/sparql/data/"
EMPTY_GRAPH = KASEI + "data0.rdf"

TESTS = read_tests(MANIFEST) if MANIFEST.is_file() else []
REPORT = EarlReport("sparql11-protocol", "SPARQL 1.1 Protocol", len(TESTS))
pytestmark = pytest.mark.skipif(not TESTS, reason=f"{MANIFEST} is absent (../shared)")


def _dataset() -> dict[str, str]:
    """Graph IRI -> N-Triples of every ``ut:graphData`` of the manifest."""
    graphs: dict[str, str] = {}
    for test in TESTS:
        for path, label in test.labelled_graphs:
            graphs[label] = local_path(path).read_text(encoding="utf-8")
    return graphs


@pytest.fixture(scope="module", params=STORES)
def server(request):
    """The session's server over the embedded store, a remote Oxigraph server, Virtuoso."""
    yield served(request, request.param)
    if request.param == "embedded":  # the EARL report is the embedded store's
        REPORT.write_if_asked()


def reset(server: RunningServer) -> None:
    """Put the store back to the protocol tests' dataset (updates change it)."""
    dataset, drops = _dataset(), "DROP ALL"
    if server.settings.get("store_engine") == "virtuoso":
        # Virtuoso keeps no empty graph (docs/remote-store.md): one triple stands for it.
        dataset[EMPTY_GRAPH] = f"<{EMPTY_GRAPH}> <{EMPTY_GRAPH}> <{EMPTY_GRAPH}> ."
        drops = drops_through(server) or drops  # its DROP ALL drops nothing
    inserts = " ".join(f"GRAPH <{iri}> {{ {nt} }}" for iri, nt in dataset.items())
    server.update(f"{drops} ; CREATE GRAPH <{EMPTY_GRAPH}> ; INSERT DATA {{ {inserts} }}")


@pytest.mark.parametrize("test", TESTS, ids=[t.short for t in TESTS])
def test_w3c_protocol(server, test):
    with REPORT.record(test.iri):
        reset(server)
        variables: dict[str, str] = {}
        for exchange in test.exchanges:
            response = perform(server.url, exchange, variables, server.token)
            check(response, exchange.expected, variables)


def test_updates_without_the_token_are_refused_and_change_nothing(server):
    reset(server)
    url = server.url + "/sparql"
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        response = requests.post(
            url,
            data=b"CLEAR ALL",
            headers={"Content-Type": "application/sparql-update", **headers},
            timeout=HTTP_DEADLINE,
        )
        assert response.status_code in (401, 403)
    ask = f"ASK {{ GRAPH <{KASEI}data1.rdf> {{ ?s ?p ?o }} }}"
    assert boolean_of(requests.get(url, params={"query": ask}, timeout=HTTP_DEADLINE)) is True


def test_a_protocol_dataset_naming_a_graph_outside_the_store_is_refused(server):
    reset(server)
    outside = KASEI + "not-in-the-store.rdf"
    response = requests.get(
        server.url + "/sparql",
        params={"query": "ASK {}", "default-graph-uri": outside},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400
    assert outside in response.text


def test_every_manifest_entry_is_run():
    assert len(TESTS) == 34
    assert all(test.exchanges for test in TESTS)
    assert Path(MANIFEST).is_file()
