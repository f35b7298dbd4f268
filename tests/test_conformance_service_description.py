"""The W3C SPARQL 1.1 Service Description tests, through Flask's test client on the service.

The manifest names three tests in prose: a GET on the endpoint returns RDF; the
description holds an ``sd:endpoint`` triple naming the endpoint; it conforms to the schema.
The schema is the SD vocabulary (W3C Recommendation, section 3): its terms, and the domain
and range of each property, written out below; a description conforms when it uses only
those terms and every subject and object has the kind and declared type they require.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from werkzeug.test import TestResponse

from graph_loader.store import open_store
from tests.conftest import service_client
from tests.earl import EarlReport
from tests.w3c_http import RDF_MEDIA_TYPES, rdf_graph
from tests.w3c_manifest import SPARQL11, read_tests

MANIFEST = SPARQL11 / "service-description" / "manifest.ttl"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
TESTS = read_tests(MANIFEST) if MANIFEST.is_file() else []
REPORT = EarlReport("sparql11-service-description", "SPARQL 1.1 Service Description", len(TESTS))
pytestmark = pytest.mark.skipif(not TESTS, reason=f"{MANIFEST} is absent (../shared)")

CLASSES = {
    "Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
    "EntailmentProfile", "GraphCollection", "Dataset", "Graph", "NamedGraph",
}  # fmt: skip
INSTANCES = {
    "SPARQL10Query": "Language",
    "SPARQL11Query": "Language",
    "SPARQL11Update": "Language",
    "DereferencesURIs": "Feature",
    "UnionDefaultGraph": "Feature",
    "RequiresDataset": "Feature",
    "EmptyGraphs": "Feature",
    "BasicFederatedQuery": "Feature",
}
#: property -> (domain, range); a range of None is any IRI (a resource, never a literal).
PROPERTIES: dict[str, tuple[str, str | None]] = {
    "endpoint": ("Service", None),
    "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "EntailmentRegime"),
    "defaultSupportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "supportedEntailmentProfile": ("Service", "EntailmentProfile"),
    "entailmentRegime": ("NamedGraph", "EntailmentRegime"),
    "extensionFunction": ("Service", "Function"),
    "extensionAggregate": ("Service", "Aggregate"),
    "languageExtension": ("Service", "Feature"),
    "supportedLanguage": ("Service", "Language"),
    "propertyFeature": ("Service", "Feature"),
    "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "GraphCollection"),
    "resultFormat": ("Service", None),
    "inputFormat": ("Service", None),
    "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("GraphCollection", "NamedGraph"),
    "name": ("NamedGraph", None),
    "graph": ("NamedGraph", "Graph"),
}
SUBCLASSES = {"Dataset": {"GraphCollection"}, "Aggregate": {"Function"}}


def types_of(graph: Graph, node) -> set[str]:
    """The SD classes ``node`` is declared (or, as a named instance, known) to be in."""
    declared = {str(t)[len(SD) :] for t in graph.objects(node, RDF.type) if str(t).startswith(SD)}
    if isinstance(node, URIRef) and str(node).startswith(SD):
        declared |= {INSTANCES.get(str(node)[len(SD) :], "")} - {""}
    for cls in list(declared):
        declared |= SUBCLASSES.get(cls, set())
    return declared


def schema_problems(graph: Graph) -> list[str]:
    """Every way the description departs from the SD vocabulary's terms, domains, ranges."""
    problems = []
    for s, p, o in graph:
        for term in (p, o) if p != RDF.type else (o,):
            local = str(term)[len(SD) :] if str(term).startswith(SD) else None
            if local is not None and local not in CLASSES | set(INSTANCES) | set(PROPERTIES):
                problems.append(f"{term} is not a term of the SD vocabulary")
        if not str(p).startswith(SD):
            continue
        domain, range_ = PROPERTIES.get(str(p)[len(SD) :], ("", None))
        if domain and domain not in types_of(graph, s):
            problems.append(f"the subject of {p} is not declared an sd:{domain}")
        if isinstance(o, Literal):
            problems.append(f"{p} has the literal {o!r}; it takes a resource")
        elif range_ and isinstance(o, BNode) and range_ not in types_of(graph, o):
            problems.append(f"the object of {p} is not declared an sd:{range_}")
        elif range_ and str(o).startswith(SD) and range_ not in types_of(graph, o):
            problems.append(f"{o} is not an sd:{range_}, as {p} requires")
    return problems


#: The endpoint as the test client addresses it.
ENDPOINT = "http://localhost/sparql"


@pytest.fixture(scope="module")
def client():
    store = open_store(None)
    try:
        data = b"<http://example.org/s> <http://example.org/p> 1 ."
        store.load_graph(data, graph="http://example.org/g", format=ox.RdfFormat.TURTLE)
        with service_client(store, update_token="sd-token") as opened:
            yield opened
    finally:
        store.close()
    REPORT.write_if_asked()


def description(client, accept: str | None = None) -> tuple[TestResponse, Graph]:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", headers=headers)
    assert response.status_code == 200, response.text
    media = response.headers["Content-Type"].split(";")[0].strip()
    return response, rdf_graph(response.data, media)


def returns_rdf(client) -> None:
    for accept in (None, "*/*", *RDF_MEDIA_TYPES):
        _, graph = description(client, accept)
        assert (None, RDF.type, SD.Service) in graph, accept


def has_endpoint_triple(client) -> None:
    _, graph = description(client)
    assert (None, SD.endpoint, URIRef(ENDPOINT)) in graph


def conforms_to_schema(client) -> None:
    for accept in RDF_MEDIA_TYPES:
        _, graph = description(client, accept)
        assert schema_problems(graph) == [], accept


CHECKS = {
    "returns-rdf": returns_rdf,
    "has-endpoint-triple": has_endpoint_triple,
    "conforms-to-schema": conforms_to_schema,
}


@pytest.mark.parametrize("test", TESTS, ids=[t.short for t in TESTS])
def test_w3c_service_description(client, test):
    with REPORT.record(test.iri):
        CHECKS[test.short](client)


def test_the_schema_check_finds_departures():
    graph = Graph()
    service, dataset = URIRef("http://x/sparql"), BNode()
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.defaultDataset, dataset))  # dataset not declared an sd:Dataset
    graph.add((service, SD.supportedLanguage, SD.UnionDefaultGraph))  # a Feature
    graph.add((service, SD.endpoint, Literal("http://x/sparql")))
    graph.add((service, SD.madeUp, service))
    assert len(schema_problems(graph)) == 4


def test_the_description_tells_the_truth_about_this_configuration(client):
    _, graph = description(client)
    service = URIRef(ENDPOINT)
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) in graph  # a token is set
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph  # no allow-list
    names = set(graph.objects(None, SD.name))
    assert URIRef("http://example.org/g") in names


def test_every_manifest_entry_has_a_check():
    assert sorted(t.short for t in TESTS) == sorted(CHECKS)
