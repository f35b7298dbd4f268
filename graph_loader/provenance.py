"""Provenance of loaded graphs (PROV-O and DCTERMS), kept in the provenance graph.

Each named graph is described by a flat set of statements about its IRI, so replacing a
graph replaces its description in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph_loader import __version__
from graph_loader.vocab import DCTERMS, LAMC, PROV, RDF, VOID, XSD

RDF_TYPE = RDF + "type"
SOFTWARE = "https://w3id.org/lamcoop/software/lamcoop"


@dataclass(frozen=True)
class GraphSource:
    """Where one graph's data came from."""

    name: str
    sha256: str
    triples: int
    loaded: dt.datetime
    loader_version: str = __version__


def provenance_graph(base_iri: str) -> str:
    return f"{base_iri}graph/provenance"


def describe(graph: str, source: GraphSource, *, into: str) -> list[ox.Quad]:
    """The statements describing ``graph`` loaded from ``source``."""
    g, s = ox.NamedNode(into), ox.NamedNode(graph)

    def q(p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, ox.NamedNode(p), o, g)

    when = ox.Literal(source.loaded.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    return [
        q(RDF_TYPE, ox.NamedNode(PROV + "Entity")),
        q(RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
        q(DCTERMS + "source", ox.Literal(source.name)),
        q(LAMC + "sha256", ox.Literal(source.sha256)),
        q(PROV + "generatedAtTime", when),
        q(DCTERMS + "modified", when),
        q(
            VOID + "triples",
            ox.Literal(str(source.triples), datatype=ox.NamedNode(XSD + "integer")),
        ),
        q(PROV + "wasAttributedTo", ox.NamedNode(SOFTWARE)),
        q(LAMC + "loaderVersion", ox.Literal(source.loader_version)),
    ]


def replace_update(descriptions: Iterable[tuple[str, list[ox.Quad]]], *, into: str) -> str:
    """Update text that swaps the old descriptions of these graphs for the new ones.

    Terms are written by pyoxigraph itself (``str(term)``), which escapes them.
    """
    g = str(ox.NamedNode(into))
    parts = []
    for graph, quads in descriptions:
        subject = str(ox.NamedNode(graph))
        parts.append(f"DELETE WHERE {{ GRAPH {g} {{ {subject} ?p ?o }} }}")
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        parts.append(f"INSERT DATA {{ GRAPH {g} {{ {body} }} }}")
    return " ;\n".join(parts)


def read_sources(store, base_iri: str) -> dict[str, dict[str, str]]:
    """The recorded description of every graph: {graph: {property local name: value}}."""
    rows = store.query(
        "SELECT ?graph ?p ?o ?prov WHERE { GRAPH ?prov { ?graph ?p ?o } }",
        substitutions={ox.Variable("prov"): ox.NamedNode(provenance_graph(base_iri))},
    )
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        local = row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if local != "type":
            found.setdefault(row["graph"].value, {})[local] = row["o"].value
    return found
