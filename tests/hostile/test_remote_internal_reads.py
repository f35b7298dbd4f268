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


#: More published graphs than Virtuoso's answer can echo in headers that Python reads: it
#: answers each graph of the protocol's dataset with a header of its own.
MANY = 60


def test_a_store_of_many_graphs_answers_every_query(engine_and_server):
    """Found in a whole run, where earlier tests had left about 50 graphs in the session's
    Virtuoso: every query through lamcoop answered 500 ("got more than 100 headers"), since
    the published graphs went to Virtuoso as protocol parameters, each echoed as a header.
    On Virtuoso the dataset is now named in the text by its pragmas."""
    server = engine_and_server
    graphs = [f"{GRAPH}-many-{n:02d}" for n in range(MANY)]
    blocks = " ".join(f"GRAPH <{g}> {{ <{g}> <{GRAPH}> {n} }}" for n, g in enumerate(graphs))
    server.update(f"INSERT DATA {{ {blocks} }}")
    try:
        for query, accept in (
            ("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv"),
            (f"SELECT ?o WHERE {{ ?s <{GRAPH}> ?o }} ORDER BY ?o", "text/csv"),
            (
                f"ASK {{ GRAPH <{graphs[-1]}> {{ ?s ?p {MANY - 1} }} }}",
                "application/sparql-results+json",
            ),
        ):
            answer = requests.post(
                server.url + "/sparql", data={"query": query}, headers={"Accept": accept},
                timeout=HTTP_DEADLINE,
            )  # fmt: skip
            assert answer.status_code == 200, answer.text
            assert "urn:lamcoop:" not in answer.text
        counted = requests.post(
            server.url + "/sparql", data={"query": QUERIES["every graph"]},
            headers={"Accept": "text/csv"}, timeout=HTTP_DEADLINE,
        ).text  # fmt: skip
        assert all(g in counted for g in graphs) and STAGED not in counted
    finally:
        server.update(" ; ".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
