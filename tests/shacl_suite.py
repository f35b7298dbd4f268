"""The W3C SHACL core test suite (``../shared/conformance/shacl``): its entries, running
one through :func:`graph_loader.shacl.validate`, and comparing reports as the suite says.

Comparison: the expected and the actual report graphs must be isomorphic, after keeping
of each result only the standard properties (type, focus node, path with its structure,
value, source shape, component, severity) and ``sh:resultMessage`` only when the expected
report states messages (the suite's ``message-001`` asks the harness to keep those).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, SH, Namespace

from graph_loader.shacl import ValidationReport, validate
from graph_loader.shacl.paths import path_triples
from graph_loader.shacl.terms import oxigraph_triples, rdflib_graph
from graph_loader.store import open_store

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
SUITE_DIR = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "shacl" / "tests"
CORE_MANIFEST = SUITE_DIR / "core" / "manifest.ttl"
_KEPT = (
    RDF.type,
    SH.focusNode,
    SH.value,
    SH.sourceShape,
    SH.sourceConstraintComponent,
    SH.resultSeverity,
)


@dataclass(frozen=True)
class Entry:
    """One ``sht:Validate`` test: its id (path relative to the suite), files and expectation."""

    id: str
    label: str
    data_file: Path
    shapes_file: Path
    manifest: Graph
    expected: URIRef | BNode


def entries(manifest: Path = CORE_MANIFEST) -> Iterator[Entry]:
    """Every validation test the manifest reaches through ``mf:include``."""
    graph = _read(manifest)
    doc = URIRef(manifest.as_uri())
    for included in graph.objects(doc, MF.include):
        yield from entries(_file(included))
    for head in graph.objects(doc, MF.entries):
        for entry in Collection(graph, head):
            if (entry, RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            yield Entry(
                id=str(_file(entry).relative_to(SUITE_DIR / "core").parent / _name(entry)),
                label=str(graph.value(entry, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))),
                data_file=_file(graph.value(action, SHT.dataGraph)),
                shapes_file=_file(graph.value(action, SHT.shapesGraph)),
                manifest=graph,
                expected=graph.value(entry, MF.result),
            )


def _read(path: Path) -> Graph:
    """A Turtle file as rdflib terms with their lexical forms untouched (rdflib's own parser
    would rewrite some, e.g. "1"^^xsd:boolean to "true")."""
    return rdflib_graph(
        ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    )


def as_stored(graph: Graph) -> Graph:
    """The graph after a round trip through the store, which rewrites some literals
    ("4.0"^^xsd:decimal is stored as "4"^^xsd:decimal, "300"^^xsd:byte as "300"^^xsd:integer).
    """
    store = ox.Store()
    store.extend(ox.Quad(*t) for t in oxigraph_triples(graph))
    return rdflib_graph(store)


def _file(iri) -> Path:
    return Path(unquote(urlparse(str(iri)).path))


def _name(entry) -> str:
    return str(entry).rsplit("/", 1)[-1]


def run(entry: Entry, engine: str = "auto") -> ValidationReport:
    """Load the entry's data graph into a fresh store and validate it against its shapes."""
    store = open_store(None)
    store.load_graph(
        entry.data_file.read_bytes(),
        graph="urn:x-lamcoop-test:data",
        format=ox.RdfFormat.TURTLE,
        base_iri=entry.data_file.as_uri(),
    )
    return validate(store, entry.shapes_file, engine=engine)


def comparable(graph: Graph, report: URIRef | BNode, *, messages: bool) -> Graph:
    """The parts of a report graph the suite compares."""
    out = Graph()
    out.add((report, RDF.type, SH.ValidationReport))
    for conforms in graph.objects(report, SH.conforms):
        out.add((report, SH.conforms, conforms))
    for result in graph.objects(report, SH.result):
        out.add((report, SH.result, result))
        for predicate in (*_KEPT, *((SH.resultMessage,) if messages else ())):
            for value in graph.objects(result, predicate):
                out.add((result, predicate, value))
        for path in graph.objects(result, SH.resultPath):
            out.add((result, SH.resultPath, path))
            for triple in path_triples(graph, path):
                out.add(triple)
    return out


def compare(entry: Entry, report: ValidationReport) -> tuple[str, bool]:
    """('', exact) when the report is the expected one, else (what differs, False).

    ``exact`` is False when the reports match only once the expected one is passed through
    the store as the data was (the store rewrites some literals of the data graph itself:
    "300"^^xsd:byte is kept as "300"^^xsd:integer)."""
    messages = (None, SH.resultMessage, None) in _closure(entry.manifest, entry.expected)
    expected = comparable(entry.manifest, entry.expected, messages=messages)
    actual_graph = report.graph()
    actual_report = next(actual_graph.subjects(RDF.type, SH.ValidationReport))
    actual = comparable(actual_graph, actual_report, messages=messages)
    if isomorphic(expected, actual):
        return "", True
    if isomorphic(as_stored(expected), as_stored(actual)):
        return "", False
    _both, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    return (
        "only in the expected report:\n"
        + only_expected.serialize(format="nt")
        + "only in the actual report:\n"
        + only_actual.serialize(format="nt")
    ), False


def _closure(graph: Graph, node) -> Graph:
    out = Graph()
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in graph.predicate_objects(current):
            out.add((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


def path_taken(report: ValidationReport) -> str:
    """'fast' when every shape ran compiled, 'pyshacl' when all fell back, else 'mixed'."""
    taken = set(report.shape_engines.values())
    if taken <= {"fast"}:
        return "fast"
    return "pyshacl" if taken == {"pyshacl"} else "mixed"


def summary() -> str:
    """A Markdown table: every core test, the path it took, and how its report matched."""
    rows = ["| test | path | report |", "| --- | --- | --- |"]
    counts: dict[str, int] = {}
    passed = 0
    for entry in entries():
        report = run(entry)
        difference, exact = compare(entry, report)
        taken = path_taken(report)
        counts[taken] = counts.get(taken, 0) + 1
        passed += not difference
        match = "differs" if difference else ("exact" if exact else "as stored (see note)")
        rows.append(f"| {entry.id} | {taken} | {match} |")
    total = sum(counts.values())
    head = (
        f"{passed} of {total} core tests pass. Paths: "
        + ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))
        + "."
    )
    return head + "\n\n" + "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(summary(), end="")
