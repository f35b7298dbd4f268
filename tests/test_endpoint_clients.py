"""Real SPARQL clients against the session's real server: SPARQLWrapper in every format,
rdflib's store."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper
from SPARQLWrapper import N3 as TURTLE

from tests.conftest import EX, put_example_data
from tests.servers import HTTP_DEADLINE

SELECT = f"SELECT ?s ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY ?n LIMIT 5"
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}n> ?n }} WHERE {{ ?s <{EX}n> ?n FILTER (?n < 4) }}"


@pytest.fixture(scope="module")
def server(http_server):
    put_example_data(http_server, things=30)
    return http_server


def wrapper(server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setTimeout(HTTP_DEADLINE)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json(server, method):
    result = wrapper(server, SELECT, JSON, method).query().convert()
    assert [int(b["n"]["value"]) for b in result["results"]["bindings"]] == [0, 1, 2, 3, 4]


def test_sparqlwrapper_xml(server):
    document = wrapper(server, SELECT, XML).query().convert()
    values = [int(node.firstChild.data) for node in document.getElementsByTagName("literal")]
    assert values == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_sparqlwrapper_csv_and_tsv(server, fmt):
    text = wrapper(server, SELECT, fmt).query().convert().decode()
    rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == CSV else "\t"))
    assert rows[0] == (["s", "n"] if fmt == CSV else ["?s", "?n"])
    assert [row[1] for row in rows[1:]] == ["0", "1", "2", "3", "4"]


def test_sparqlwrapper_construct_as_turtle_and_rdfxml(server):
    turtle = wrapper(server, CONSTRUCT, TURTLE).query().convert()
    graph = Graph().parse(data=turtle, format="turtle")
    assert len(graph) == 4
    result = wrapper(server, CONSTRUCT, XML).query()
    assert result.info()["content-type"].startswith("application/rdf+xml")
    rdfxml = Graph().parse(data=result.response.read(), format="xml")
    assert len(rdfxml) == 4


def test_sparqlwrapper_ask(server):
    assert wrapper(server, f"ASK {{ <{EX}thing/2> ?p ?o }}", JSON).query().convert()["boolean"]


def test_rdflib_sparqlstore(server):
    graph = Graph(store=SPARQLStore(server.url + "/sparql", timeout=HTTP_DEADLINE))
    rows = list(graph.query(SELECT))
    assert [int(row.n) for row in rows] == [0, 1, 2, 3, 4]
    assert (URIRef(EX + "thing/7"), URIRef(EX + "n"), Literal(7)) in graph
    assert graph.query(f"ASK {{ <{EX}thing/7> ?p ?o }}").askAnswer is True
    constructed = graph.query(CONSTRUCT).graph
    assert len(constructed) == 4
