"""pySHACL, the reference engine: for the whole shapes graph, or for some shapes only.

To validate only some shapes, the other shapes lose their targets in a copy of the shapes
graph: they still mean what they mean when a validated shape refers to them, but no focus
node is validated against them on their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph_loader.shacl.report import ValidationResult
from graph_loader.shacl.shapes import TARGET_PREDICATES
from graph_loader.shacl.terms import rdflib_graph
from graph_loader.store import Store


def export_data(store: Store, data_graphs: list[str] | None) -> Graph:
    """The data graph as rdflib sees it: the union of ``data_graphs`` (None: every graph)."""
    if data_graphs is None:
        return rdflib_graph(store.quads())
    graph = Graph()
    for name in data_graphs:
        graph += rdflib_graph(store.quads(name))
    return graph


def validate_with_pyshacl(
    data: Graph,
    shapes_graph: Graph,
    *,
    only: Iterable[Node] | None = None,
    all_targeted: Iterable[Node] = (),
    describe=None,
) -> list[ValidationResult]:
    """Run pySHACL; with ``only``, every other shape in ``all_targeted`` loses its targets.
    pySHACL is imported here, when it runs (the compiled engine's fallback and reference),
    not by every command and server worker that imports the SHACL engine."""
    import pyshacl

    graph = shapes_graph if only is None else _only(shapes_graph, set(only), all_targeted)
    try:
        _conforms, report, text = pyshacl.validate(
            data,
            shacl_graph=graph,
            inference="none",
            advanced=False,
            meta_shacl=False,
            abort_on_first=False,
            allow_warnings=False,
            allow_infos=False,
        )
    except Exception as exc:  # pySHACL, rdflib and pyparsing raise many kinds for a shape
        raise PyshaclFailed(f"pySHACL cannot validate with these shapes: {exc}") from None
    if not isinstance(report, Graph):  # a ValidationFailure: a shape asks what it refuses
        raise PyshaclFailed(f"pySHACL cannot validate with these shapes: {text.strip()}")
    return results_from_report(report, shapes_graph, describe=describe)


class PyshaclFailed(ValueError):
    """pySHACL refused the shapes (a SPARQL constraint with SERVICE, a query it cannot
    parse) or failed on them; the message says how."""


def _only(shapes_graph: Graph, keep: set[Node], all_targeted: Iterable[Node]) -> Graph:
    graph = Graph()
    for prefix, namespace in shapes_graph.namespaces():
        graph.bind(prefix, namespace)
    graph += shapes_graph
    for node in all_targeted:
        if node in keep:
            continue
        for predicate in TARGET_PREDICATES:
            graph.remove((node, predicate, None))
        graph.remove((node, RDF.type, RDFS.Class))
    return graph


def results_from_report(
    report: Graph, shapes_graph: Graph, *, describe=None
) -> list[ValidationResult]:
    """The results of a standard report graph, in the shared model."""
    results = []
    for node in report.objects(None, SH.result):
        shape = report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        if path is not None and not isinstance(path, URIRef):
            path = shapes_graph.value(shape, SH.path) or path
        if shape is None:
            raise ValueError(f"validation result {node} has no sh:sourceShape")
        messages = (m for m in report.objects(node, SH.resultMessage) if isinstance(m, Literal))
        results.append(
            ValidationResult(
                focus_node=_required(report, node, SH.focusNode),
                result_path=path,
                value=report.value(node, SH.value),
                source_shape=shape,
                source_constraint_component=_iri(report, node, SH.sourceConstraintComponent),
                severity=_iri(report, node, SH.resultSeverity, SH.Violation),
                message=tuple(sorted(messages)),
                shape_properties=describe(shape) if describe else (),
                engine="pyshacl",
            )
        )
    return results


def _required(report: Graph, node: Node, predicate: URIRef) -> Node:
    """A value every validation result has (SHACL 3.6.2)."""
    value = report.value(node, predicate)
    if value is None:
        raise ValueError(f"validation result {node} has no {predicate}")
    return value


def _iri(report: Graph, node: Node, predicate: URIRef, default: URIRef | None = None) -> URIRef:
    value = report.value(node, predicate) or default
    if not isinstance(value, URIRef):
        raise ValueError(f"validation result {node}: {predicate} is {value!r}, not an IRI")
    return value
