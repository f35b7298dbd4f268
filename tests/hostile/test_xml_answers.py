"""A literal holding characters XML 1.0 cannot carry (U+0001, U+0007, U+0000, U+FFFE),
served by a real server in every XML form: SPARQL XML results (SPARQLWrapper's default for
SELECT), RDF/XML from CONSTRUCT, the Graph Store and an entity's document.

Before, each was written as it is and the whole answer was XML no parser reads; now each
such character is U+FFFD in the XML answers (:mod:`graph_loader.xml_text`), and the
other formats carry it as it is. Over Oxigraph server and Virtuoso too: the engine's own
XML is passed on through the same cleaning."""

from __future__ import annotations

import xml.dom.minidom
from collections.abc import Iterator

import pytest
import rdflib
import requests
from SPARQLWrapper import XML, SPARQLWrapper

from tests.servers import HTTP_DEADLINE, RunningServer

BASE = "https://w3id.org/lamcoop/"
GRAPH = BASE + "graph/hostile-xml"
ENTITY = BASE + "id/institution/hostile-xml"
LABEL = "bell\u0007 and \u0001 nul\u0000x \ufffe end"
SHOWN = "bell\ufffd and \ufffd nul\ufffdx \ufffd end"
SELECT = f"SELECT ?l WHERE {{ <{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"


@pytest.fixture(params=["http_server", "remote_http_server", "virtuoso_http_server"])
def server(request) -> Iterator[RunningServer]:
    """A session's server (on the embedded store, over Oxigraph server, over Virtuoso) with
    the entity and its label, taken away again after."""
    http_server: RunningServer = request.getfixturevalue(request.param)
    escaped = "bell\\u0007 and \\u0001 nul\\u0000x \\uFFFE end"
    http_server.update(
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{ENTITY}> "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "{escaped}"@en }} }}'
    )
    yield http_server
    http_server.update(f"DROP SILENT GRAPH <{GRAPH}>")


def _get(server: RunningServer, path: str, accept: str, **params: str) -> requests.Response:
    response = requests.get(
        server.url + path, params=params, headers={"Accept": accept}, timeout=HTTP_DEADLINE
    )
    assert response.status_code == 200, response.text
    return response


def test_select_results_in_xml_parse_with_the_characters_replaced(server):
    body = _get(server, "/sparql", "application/sparql-results+xml", query=SELECT).content
    literals = xml.dom.minidom.parseString(body).getElementsByTagName("literal")
    assert [node.firstChild.data for node in literals] == [SHOWN]


def test_sparqlwrapper_reads_the_xml_result(server):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(SELECT)
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == [SHOWN]


def test_json_results_carry_the_characters_as_they_are(server):
    rows = _get(server, "/sparql", "application/sparql-results+json", query=SELECT).json()
    assert [row["l"]["value"] for row in rows["results"]["bindings"]] == [LABEL]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/sparql", {"query": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"}),
        ("/graph-store", {"graph": GRAPH}),
        ("/doc/institution/hostile-xml.rdf", {}),
    ],
)
def test_rdf_xml_answers_parse_with_the_characters_replaced(server, path, params):
    """CONSTRUCT of every statement is large enough to be streamed from its spool: it is
    cleaned as it goes and sent without a length."""
    body = _get(server, path, "application/rdf+xml", **params).content
    graph = rdflib.Graph().parse(data=body, format="xml")
    labels = {str(o) for s, o in graph.subject_objects() if str(s) == ENTITY}
    assert SHOWN in labels


def test_turtle_carries_the_characters_as_they_are(server):
    body = _get(server, "/doc/institution/hostile-xml.ttl", "text/turtle").text
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert LABEL in {str(o) for o in graph.objects(rdflib.URIRef(ENTITY))}
