"""The VoID description of the dataset, written into ``{base}graph/void``.

It states the graphs with their triple counts, the classes and properties used (with
counts), the dumps on disk, the SPARQL endpoint and the URI space. ``lamcoop build`` writes
it as its last step and the service rewrites it after every update.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

from graph_loader.graphs import VOID as VOID_GRAPH_NAME
from graph_loader.graphs import Purpose, covered
from graph_loader.publish.dump import dcat_triples
from graph_loader.settings import Settings
from graph_loader.store import GraphInfo, Store
from graph_loader.vocab import DCAT, DCTERMS, LAMC, RDF, VOID, XSD

RDF_TYPE = RDF.type
XSD_INTEGER = XSD.integer


def dataset_iri(settings: Settings) -> str:
    """The IRI of the dataset as a whole."""
    return f"{settings.base_iri}id/dataset/lamcoop"


def void_graph(settings: Settings) -> str:
    """The graph the VoID description is written to."""
    return settings.graph_iri(VOID_GRAPH_NAME)


def describe(
    store: Store, settings: Settings, counted: Sequence[GraphInfo] | None = None
) -> list[ox.Triple]:
    """The VoID triples describing the graphs of the catalogue's VoID purpose: everything
    in ``store`` except the VoID graph itself (see :mod:`graph_loader.graphs`); ``counted``,
    the store's graphs as the caller has just counted them (a count is a pass over it)."""
    ds = ox.NamedNode(dataset_iri(settings))
    found = store.graphs() if counted is None else counted
    graphs = covered(Purpose.VOID, found, base_iri=settings.base_iri)
    triples = [
        ox.Triple(ds, RDF_TYPE, _v("Dataset")),
        ox.Triple(ds, RDF_TYPE, ox.NamedNode(DCAT + "Dataset")),
        ox.Triple(
            ds,
            ox.NamedNode(DCTERMS + "title"),
            ox.Literal("lamcoop: cooperation among libraries, archives and museums", language="en"),
        ),
        ox.Triple(ds, _v("sparqlEndpoint"), ox.NamedNode(settings.base_iri + "sparql")),
        ox.Triple(ds, _v("uriSpace"), ox.Literal(settings.base_iri + "id/")),
        ox.Triple(ds, _v("triples"), _int(sum(g.triples for g in graphs))),
        ox.Triple(ds, _v("vocabulary"), ox.NamedNode(str(LAMC))),
    ]
    for graph in graphs:
        node = ox.NamedNode(graph.iri)
        triples += [
            ox.Triple(ds, _v("subset"), node),
            ox.Triple(node, RDF_TYPE, _v("Dataset")),
            ox.Triple(node, _v("triples"), _int(graph.triples)),
        ]
    described = [ox.NamedNode(g.iri) for g in graphs]
    triples += list(_partitions(store, ds, described))
    triples += list(_dumps(settings, ds))
    return triples


def _partitions(store: Store, ds: ox.NamedNode, graphs: list[ox.NamedNode]) -> Iterator[ox.Triple]:
    """Class and property partitions over ``graphs`` (the graphs the VoID describes)."""
    yield from _partition_kind(
        store.query(
            "SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY ?t",
            default_graph=graphs,
        ),
        ds,
        "class",
        count=_v("entities"),
    )
    yield from _partition_kind(
        store.query(
            "SELECT ?t (COUNT(*) AS ?n) WHERE { ?s ?t ?o } GROUP BY ?t ORDER BY ?t",
            default_graph=graphs,
        ),
        ds,
        "property",
        count=_v("triples"),
    )
    subjects = store.query(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }", default_graph=graphs
    )
    yield ox.Triple(ds, _v("distinctSubjects"), _int(int(next(iter(subjects))["n"].value)))


def _partition_kind(rows, ds: ox.NamedNode, kind: str, *, count: ox.NamedNode):
    """``void:{kind}Partition`` per row (term ?t, count ?n), then the number of partitions."""
    total = 0
    for row in rows:
        total += 1
        part = _partition(ds, kind, row["t"])
        yield ox.Triple(ds, _v(f"{kind}Partition"), part)
        yield ox.Triple(part, _v(kind), row["t"])
        yield ox.Triple(part, count, _int(int(row["n"].value)))
    yield ox.Triple(ds, _v("classes" if kind == "class" else "properties"), _int(total))


def _partition(ds: ox.NamedNode, kind: str, term: ox.NamedNode) -> ox.NamedNode:
    """A stable IRI for the partition of ``term``, so rebuilding gives the same graph."""
    digest = hashlib.sha256(term.value.encode()).hexdigest()[:16]
    return ox.NamedNode(f"{ds.value}/{kind}-partition/{digest}")


def _dumps(settings: Settings, ds: ox.NamedNode) -> Iterator[ox.Triple]:
    """The dumps the last ``lamcoop dump`` wrote, as DCAT distributions and VoID data dumps."""
    yield from dcat_triples(settings, ds)


def write_void(
    store: Store, settings: Settings, *, counted: Sequence[GraphInfo] | None = None
) -> int:
    """Replace the VoID graph with a fresh description; returns its triple count."""
    triples = describe(store, settings, counted)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""  # no output: bytes
    store.replace_graph(data, graph=void_graph(settings), format=ox.RdfFormat.N_TRIPLES)
    return len(triples)


def _v(local: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + local)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD_INTEGER)
