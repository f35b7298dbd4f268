"""Reading the W3C SPARQL 1.1 test manifests (in ``../shared/conformance/rdf-tests``) with rdflib.

Manifests are parsed with their published base (``https://w3c.github.io/rdf-tests/...``), so
test, query and data IRIs are the ones every other implementation reports; :func:`local_path`
maps such an IRI back to the file in the checkout of the suite.

Protocol and Graph Store tests describe HTTP exchanges (``ht:Request`` with the expected
``ht:Response``); query-evaluation tests name a query, its data and the expected result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

SHARED_SUITE = (
    Path(__file__).resolve().parent.parent.parent / "shared/conformance/rdf-tests"
).resolve()
SPARQL11 = SHARED_SUITE / "sparql/sparql11"
PUBLISHED = "https://w3c.github.io/rdf-tests/"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")

#: ``hts:`` status terms the manifests use: a status class ("2") or one exact code.
STATUS_TERMS = {
    "StatusCode2xx": "2",
    "StatusCode3xx": "3",
    "StatusCode4xx": "4",
    "StatusCode5xx": "5",
    "OK": "200",
    "Created": "201",
    "NoContent": "204",
    "NotFound": "404",
}


def published_iri(path: Path) -> str:
    """The published IRI of a file of the suite."""
    return PUBLISHED + path.resolve().relative_to(SHARED_SUITE).as_posix()


def local_path(iri: str) -> Path:
    """The file of the suite a published IRI names."""
    if not iri.startswith(PUBLISHED):
        raise ValueError(f"{iri} is not a file of the W3C suite")
    return SHARED_SUITE / unquote(iri[len(PUBLISHED) :])


@dataclass(frozen=True)
class Expected:
    """What one response must be: status, and optionally boolean, format, headers, body."""

    statuses: tuple[str, ...]
    boolean: bool | None = None
    result_format: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    location_variable: str | None = None

    def status_ok(self, code: int) -> bool:
        """Whether ``code`` is one the manifest allows."""
        return any(str(code).startswith(s) for s in self.statuses)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request of a protocol test and the response it expects."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expected


@dataclass(frozen=True)
class ManifestTest:
    """One entry of a manifest."""

    iri: str
    name: str
    kind: str
    manifest: str
    approval: str | None = None
    requires: tuple[str, ...] = ()
    query: str | None = None
    data: tuple[str, ...] = ()
    graph_data: tuple[str, ...] = ()
    #: (graph IRI, label) pairs of ``ut:graphData`` (protocol tests).
    labelled_graphs: tuple[tuple[str, str], ...] = ()
    result: str | None = None
    exchanges: tuple[Exchange, ...] = field(default=())

    @property
    def short(self) -> str:
        """The test's local name (after ``#``), for test ids."""
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def load_manifest(path: Path) -> Graph:
    """The manifest at ``path`` parsed with its published IRI as base."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=published_iri(path))
    return graph


def read_tests(path: Path) -> list[ManifestTest]:
    """Every test of the manifest at ``path`` and of the manifests it includes, in order."""
    graph = load_manifest(path)
    manifest = URIRef(published_iri(path))
    tests: list[ManifestTest] = []
    for included in _list(graph, manifest, MF.include):
        tests += read_tests(local_path(str(included)))
    for entry in _list(graph, manifest, MF.entries):
        tests.append(_test(graph, entry, str(manifest)))
    return tests


def _list(graph: Graph, subject: Node, predicate: URIRef) -> list[Node]:
    head = graph.value(subject, predicate)
    return list(Collection(graph, head)) if head is not None else []


def _test(graph: Graph, entry: Node, manifest: str) -> ManifestTest:
    kind = graph.value(entry, RDF.type)
    action = graph.value(entry, MF.action)
    approval = graph.value(entry, DAWGT.approval)
    requires = tuple(sorted(str(r) for r in graph.objects(entry, MF.requires)))
    fields: dict = {
        "iri": str(entry),
        "name": str(graph.value(entry, MF.name) or entry),
        "kind": str(kind).rsplit("#", 1)[-1] if kind else "",
        "manifest": manifest,
        "approval": str(approval).rsplit("#", 1)[-1] if approval else None,
        "requires": tuple(r.rsplit("#", 1)[-1] for r in requires),
        "labelled_graphs": _labelled_graphs(graph, entry),
    }
    result = graph.value(entry, MF.result)
    fields["result"] = str(result) if result is not None else None
    if action is not None and (action, RDF.type, HT.Connection) in graph:
        fields["exchanges"] = tuple(_exchanges(graph, action))
    elif action is not None and graph.value(action, QT.query) is not None:
        fields["query"] = str(graph.value(action, QT.query))
        fields["data"] = tuple(sorted(str(d) for d in graph.objects(action, QT.data)))
        fields["graph_data"] = tuple(sorted(str(d) for d in graph.objects(action, QT.graphData)))
    elif action is not None:  # syntax tests: the action is the query file
        fields["query"] = str(action)
    return ManifestTest(**fields)


def _labelled_graphs(graph: Graph, entry: Node) -> tuple[tuple[str, str], ...]:
    pairs = []
    for node in graph.objects(entry, UT.graphData):
        pairs.append((str(graph.value(node, UT.graph)), str(graph.value(node, RDFS.label))))
    return tuple(sorted(pairs))


def _exchanges(graph: Graph, connection: Node) -> Iterator[Exchange]:
    for request in _list(graph, connection, HT.requests):
        yield Exchange(
            method=str(graph.value(request, HT.methodName)),
            path=str(graph.value(request, HT.absolutePath)),
            headers=_headers(graph, request),
            body=_body(graph, request),
            expected=_expected(graph, graph.value(request, HT.resp)),
        )


def _headers(graph: Graph, node: Node) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(graph.value(h, HT.fieldName)).lower(), str(graph.value(h, HT.fieldValue)))
        for h in _list(graph, node, HT.headers)
    )


def _body(graph: Graph, node: Node) -> bytes | None:
    body = graph.value(node, HT.body)
    if body is None:
        return None
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return str(graph.value(body, CNT.chars)).encode(encoding)


def _expected(graph: Graph, response: Node) -> Expected:
    statuses = tuple(
        sorted(
            STATUS_TERMS[str(s).rsplit("#", 1)[-1]]
            for s in graph.objects(response, MF.expectedStatus)
        )
    )
    boolean = graph.value(response, MF.expectedBoolean)
    result_format = graph.value(response, MF.expectedFormat)
    body = graph.value(response, HT.body)
    location = graph.value(response, MF.expectedLocation)
    return Expected(
        statuses=statuses,
        boolean=None if boolean is None else boolean.toPython(),
        result_format=None if result_format is None else str(result_format),
        headers=_headers(graph, response),
        body=None if body is None else str(graph.value(body, CNT.chars)),
        location_variable=None if location is None else str(location),
    )
