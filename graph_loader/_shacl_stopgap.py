"""Stand-in for :func:`graph_loader.shacl.validate` while the engine is being written.

Exports the data graphs to rdflib and runs pySHACL; same call, same result fields.
Removed once :mod:`graph_loader.shacl` provides ``validate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF, SH

from graph_loader.store import OxigraphStore


@dataclass(frozen=True)
class StopgapResult:
    focus_node: object
    result_path: object
    value: object
    source_shape: object
    source_constraint_component: object
    severity: object
    message: tuple = ()


@dataclass
class StopgapReport:
    results: list[StopgapResult] = field(default_factory=list)
    report_graph: Graph | None = None

    @property
    def conforms(self) -> bool:
        return not self.results

    def graph(self) -> Graph:
        return self.report_graph


def _export(store: OxigraphStore, graphs) -> Graph:
    data = Graph()
    names = [ox.NamedNode(g) for g in graphs] if graphs else None
    chunks = []
    for name in names or [None]:
        chunks.append(store.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name)
                      if name is not None else b"")
    if names is None:
        chunks = [store.inner.dump(format=ox.RdfFormat.N_QUADS)]
        data.parse(data=b"".join(chunks), format="nquads")
        return data
    data.parse(data=b"".join(chunks), format="nt")
    return data


def validate(store, shapes, *, data_graphs=None, engine="auto") -> StopgapReport:
    if isinstance(shapes, Graph):
        shapes_graph = shapes
    elif isinstance(shapes, Path) or (isinstance(shapes, str) and not shapes.startswith("http")):
        shapes_graph = Graph().parse(str(shapes))
    else:
        shapes_graph = Graph().parse(
            data=store.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(shapes)),
            format="nt",
        )
    data = _export(store, data_graphs)
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        results.append(
            StopgapResult(
                focus_node=report.value(node, SH.focusNode),
                result_path=report.value(node, SH.resultPath),
                value=report.value(node, SH.value),
                source_shape=report.value(node, SH.sourceShape),
                source_constraint_component=report.value(node, SH.sourceConstraintComponent),
                severity=report.value(node, SH.resultSeverity),
                message=tuple(report.objects(node, SH.resultMessage)),
            )
        )
    return StopgapReport(results, report)
