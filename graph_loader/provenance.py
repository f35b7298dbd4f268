"""Provenance of loaded graphs (PROV-O and DCTERMS), kept in the provenance graph.

Each named graph is described by a flat set of statements about its IRI, so replacing a
graph replaces its description in the same transaction: :func:`commit` is that
transaction, for files, generated graphs and imports alike. :func:`unchanged` tells a
source already loaded, as it is, by this version of lamcoop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph_loader import __version__, graphs
from graph_loader.vocab import DCTERMS, LAMC, PROV, RDF, VOID, XSD

if TYPE_CHECKING:
    from graph_loader.store import ReadableStore, StagedLoad, Store

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
    """The graph holding every graph's provenance."""
    return graphs.graph_iri(base_iri, graphs.PROVENANCE)


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


def replace_update(
    descriptions: Iterable[tuple[str, list[ox.Quad]]], *, into: str, when: str = ""
) -> str:
    """Update text that swaps the old descriptions of these graphs for the new ones (only
    where the graph pattern ``when`` holds, when one is given).

    Terms are written by pyoxigraph itself (``str(term)``), which escapes them.
    """
    g = str(ox.NamedNode(into))
    parts = []
    for graph, quads in descriptions:
        subject = str(ox.NamedNode(graph))
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        if when:
            old = f"GRAPH {g} {{ {subject} ?p ?o }}"
            parts.append(f"DELETE {{ {old} }} WHERE {{ {when} {old} }}")
            parts.append(f"INSERT {{ GRAPH {g} {{ {body} }} }} WHERE {{ {when} }}")
            continue
        parts.append(f"DELETE WHERE {{ GRAPH {g} {{ {subject} ?p ?o }} }}")
        parts.append(f"INSERT DATA {{ GRAPH {g} {{ {body} }} }}")
    return " ;\n".join(parts)


def commit(
    store: Store,
    staged: StagedLoad,
    *,
    source: str,
    sha256: str,
    base_iri: str,
    graph: str | None = None,
) -> dict[str, int]:
    """Pass the load's commit point: ``staged`` and the provenance of every graph it
    writes, in one transaction (a crash after it is finished by the next open).

    ``graph`` is the graph the source is for: it is published even when the source had
    nothing for it (emptied when the load replaces, described as it stands otherwise).
    Returns each published graph's triple count; on failure the load is abandoned.
    """
    try:
        counts = {t: staged.triple_count(t) for t in staged.targets}
        steps = []
        # On a store with other writers, every step holds only while the load's markers
        # are there, as its publishing does: a load taken for dead writes nothing.
        when = staged.guard()
        if graph is not None and graph not in counts:
            counts[graph] = 0 if staged.replace else store.triple_count(graph)
            if staged.replace and when:
                into = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
                steps.append(f"DELETE {{ {into} }} WHERE {{ {when} {into} }}")
            elif staged.replace:
                steps.append(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
        into = provenance_graph(base_iri)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        described = [
            (t, describe(t, GraphSource(source, sha256, n, now), into=into))
            for t, n in counts.items()
        ]
        added = None if steps else [q for _graph, quads in described for q in quads]
        steps.append(replace_update(described, into=into, when=when))
        staged.commit(also=" ;\n".join(steps), additions=added)
    except BaseException:
        staged.abort()
        raise
    return counts


def record_writes(
    store: Store, counts: dict[str, int], *, source: str, sha256: str, base_iri: str
) -> None:
    """Record that the graphs of ``counts`` were just written by ``source`` (such as "HTTP
    PUT" or "SPARQL Update", whose text or body has checksum ``sha256``), with their new
    triple counts; a graph with no entry left in the store (``counts`` value ``-1``) loses
    its record. One update; the work is bounded by the graphs named."""
    into = provenance_graph(base_iri)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    kept = [
        (graph, describe(graph, GraphSource(source, sha256, n, now), into=into))
        for graph, n in counts.items()
        if n >= 0 and not _own(graph, base_iri)
    ]
    gone = [graph for graph, n in counts.items() if n < 0 and not _own(graph, base_iri)]
    steps = [replace_update(kept, into=into)] if kept else []
    g = str(ox.NamedNode(into))
    steps += [f"DELETE WHERE {{ GRAPH {g} {{ {ox.NamedNode(x)} ?p ?o }} }}" for x in gone]
    if steps:
        store.update(" ;\n".join(steps))


def _own(graph: str, base_iri: str) -> bool:
    """Whether ``graph`` is one the provenance does not describe: itself, or VoID (which
    the service rewrites after every write)."""
    return graphs.role_of(graph, base_iri=base_iri) in (graphs.Role.PROVENANCE, graphs.Role.VOID)


def unchanged(store: Store, graph: str, *, sha256: str, base_iri: str) -> bool:
    """Whether ``graph`` was loaded from data with this checksum by this lamcoop version."""
    known = read_sources(store, base_iri, graph=graph).get(graph, {})
    return known.get("sha256") == sha256 and known.get("loaderVersion") == __version__


def read_sources(
    store: ReadableStore, base_iri: str, *, graph: str | None = None
) -> dict[str, dict[str, str]]:
    """The recorded description of every graph (or of ``graph`` only):
    {graph: {property local name: value}}."""
    bound = {ox.Variable("prov"): ox.NamedNode(provenance_graph(base_iri))}
    if graph is not None:
        bound[ox.Variable("graph")] = ox.NamedNode(graph)
    rows = store.query(
        "SELECT ?graph ?p ?o ?prov WHERE { GRAPH ?prov { ?graph ?p ?o } }", substitutions=bound
    )
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        local = row["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if local != "type":
            found.setdefault(row["graph"].value, {})[local] = row["o"].value
    return found
