"""The row cap (issue 13, item 14): none by default, so every client gets every row; where an
operator sets one, the cut is stated in the header and, in SPARQL JSON and XML, in the body,
which real clients (rdflib's result parsers, SPARQLWrapper) still read without error."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
import requests
from rdflib import Graph
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.xmlresults import XMLResultParser
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from tests.conftest import EX, put_example_data
from tests.servers import HTTP_DEADLINE, RunningServer

THINGS = 4000  # three triples each: 12,000 rows, past the old default cap of 10,000
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
#: Every triple of the example's graph g1: 3 per thing.
G1 = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{EX}g1> {{ ?s ?p ?o }} }}"
XML_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def full_server(http_server):
    """The session's server (default settings: no row cap) with 12,002 triples."""
    counts = put_example_data(http_server, things=THINGS)
    assert sum(counts.values()) == 3 * THINGS + 2
    return http_server


@pytest.fixture(scope="module")
def capped_server(tmp_path_factory, example_built):
    """A real server over a copy of the example store (362 triples), cut at 5 rows."""
    workdir = tmp_path_factory.mktemp("capped")
    store = example_built.copy(workdir / "store")
    with RunningServer(store, workdir, {"workers": 1, "max_rows": 5}) as running:
        yield running


def get(server, query: str, fmt: str) -> requests.Response:
    response = requests.get(
        server.url + "/sparql", params={"query": query, "format": fmt}, timeout=HTTP_DEADLINE
    )
    assert response.status_code == 200, response.text
    return response


def test_default_settings_return_every_row_in_every_format(full_server):
    expected = 3 * THINGS
    responses = {fmt: get(full_server, G1, fmt) for fmt in ("json", "xml", "csv", "tsv")}
    for response in responses.values():
        assert "X-Lamcoop-Truncated" not in response.headers
    assert len(responses["json"].json()["results"]["bindings"]) == expected
    assert "lamcoop" not in responses["json"].json()["head"]
    results = ET.fromstring(responses["xml"].content).find(f"{XML_NS}results")
    assert results is not None and len(results) == expected
    assert "truncated" not in responses["xml"].text
    assert len(list(csv.reader(io.StringIO(responses["csv"].text)))) == expected + 1
    assert len(responses["tsv"].text.rstrip("\n").split("\n")) == expected + 1


def test_rdflib_sparqlstore_sees_every_triple(full_server):
    """The issue's case: the store's size (a COUNT) and its iteration (a SELECT) agree."""
    graph = Graph(store=SPARQLStore(full_server.url + "/sparql", timeout=HTTP_DEADLINE))
    size = len(graph)
    assert size >= 3 * THINGS + 2
    assert sum(1 for _ in graph) == size


def test_a_cut_is_stated_in_the_json_head_and_header(capped_server):
    response = get(capped_server, ALL, "json")
    assert response.headers["X-Lamcoop-Truncated"] == "true"
    assert response.headers["X-Lamcoop-Row-Limit"] == "5"
    body = response.json()
    assert body["head"]["lamcoop"] == {
        "truncated": True,
        "rowLimit": 5,
        "message": "cut to 5 rows by the row cap (max_rows)",
    }
    assert body["head"]["vars"] == ["s", "p", "o"]
    assert len(body["results"]["bindings"]) == 5
    parsed = JSONResultParser().parse(io.BytesIO(response.content))
    assert len(parsed) == 5 and [str(v) for v in parsed.vars] == ["s", "p", "o"]


def test_a_cut_is_stated_in_the_xml_head_and_header(capped_server):
    response = get(capped_server, ALL, "xml")
    assert response.headers["X-Lamcoop-Truncated"] == "true"
    head = response.text.split("</head>")[0]
    assert "<!-- lamcoop: truncated: cut to 5 rows by the row cap (max_rows) -->" in head
    parsed = XMLResultParser().parse(io.BytesIO(response.content))
    assert len(parsed) == 5 and [str(v) for v in parsed.vars] == ["s", "p", "o"]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_reads_a_cut_result(capped_server, fmt):
    client = SPARQLWrapper(capped_server.url + "/sparql")
    client.setTimeout(HTTP_DEADLINE)
    client.setQuery(ALL)
    client.setReturnFormat(fmt)
    result = client.query()
    assert result.info()["x-lamcoop-truncated"] == "true"
    converted = result.convert()
    if fmt == JSON:
        assert len(converted["results"]["bindings"]) == 5
        assert converted["head"]["lamcoop"]["rowLimit"] == 5
    else:
        assert len(converted.getElementsByTagName("result")) == 5


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_state_a_cut_in_the_header_only(capped_server, fmt):
    response = get(capped_server, ALL, fmt)
    assert response.headers["X-Lamcoop-Truncated"] == "true"
    assert len(response.text.rstrip("\n").split("\n")) == 1 + 5
    assert "truncated" not in response.text


def test_graph_results_are_never_cut(capped_server):
    response = requests.get(
        capped_server.url + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "nt"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 200
    assert "X-Lamcoop-Truncated" not in response.headers
    assert len(response.text.strip().split("\n")) == 3 * 120 + 2
    assert f"<{EX}thing/119>" in response.text
