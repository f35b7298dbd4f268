"""Hostile reads of a remote store's internal graphs through lamcoop: its data version (always
in the engine) and what a running load would have there (a marker, a staging graph) are
never read by a query over every graph (``GRAPH ?g``, the union default graph) nor by a
``GRAPH`` naming them, on Oxigraph server and Virtuoso; the engine's graphs are unchanged.

Before the fix, a query with no dataset of its own was sent to the engine as it was, and
the engine's union holds everything: ``SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }``
listed ``urn:lamcoop:data-version``, and a load's staged data showed before it was
published.
"""

from __future__ import annotations

import pytest
import requests

from tests.hostile.conftest import served_state
from tests.servers import HTTP_DEADLINE

GRAPH = "urn:x-lamcoop-test:internal-reads"
#: A graph where a running load stages its data (``graph_loader.store.layout``).
STAGED = "urn:lamcoop:staging:x-lamcoop-test"
QUERIES = {
    "every graph": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    "the union": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "a named internal graph": f"SELECT * WHERE {{ GRAPH <{STAGED}> {{ ?s ?p ?o }} }}",
    "the version graph": "SELECT * WHERE { GRAPH <urn:lamcoop:data-version> { ?s ?p ?o } }",
    "a graph result": "CONSTRUCT WHERE { ?s ?p ?o }",
}


@pytest.fixture(params=["oxigraph", "virtuoso"])
def engine_and_server(request):
    """(a function writing to the engine directly, lamcoop serving it), with a published
    graph and a staging graph as a running load leaves it."""
    if request.param == "oxigraph":
        server = request.getfixturevalue("remote_http_server")
        update_url = server.store.removesuffix("/query") + "/update"

        def direct(text: str) -> None:
            answer = requests.post(update_url, data={"update": text}, timeout=HTTP_DEADLINE)
            assert answer.status_code in (200, 204), answer.text
    else:
        server = request.getfixturevalue("virtuoso_http_server")
        direct = request.getfixturevalue("virtuoso_server").update
    server.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{GRAPH}> <{GRAPH}> 'published' }} }}")
    direct(f"INSERT DATA {{ GRAPH <{STAGED}> {{ <{STAGED}> <{STAGED}> 'staged' }} }}")
    try:
        yield server
    finally:
        direct(f"DROP SILENT GRAPH <{STAGED}>")


@pytest.mark.parametrize("name", sorted(QUERIES))
@pytest.mark.parametrize("accept", ["text/csv", "application/sparql-results+json"])
def test_no_query_reads_an_internal_graph(engine_and_server, name, accept):
    server = engine_and_server
    before = served_state(server)
    query = QUERIES[name]
    if query.startswith("CONSTRUCT"):
        accept = "application/n-triples"
    answer = requests.post(
        server.url + "/sparql",
        data={"query": query},
        headers={"Accept": accept},
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code == 200, answer.text
    assert "urn:lamcoop:" not in answer.text and "staged" not in answer.text
    if name in ("every graph", "the union", "a graph result"):
        assert GRAPH in answer.text  # the published data is read
    assert served_state(server) == before
