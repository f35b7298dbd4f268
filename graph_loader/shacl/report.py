"""The one result model both engines produce, and the standard ``sh:ValidationReport``.

A :class:`ValidationResult` holds rdflib terms; the report keeps the shapes graph so that
a result path made of blank nodes (an inverse or a sequence path) is copied into the report
graph whole, as SHACL prescribes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from graph_loader.shacl.paths import copy_path, path_text

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class ValidationResult:
    """One ``sh:ValidationResult``.

    ``shape_properties`` are the (predicate, object) pairs the source shape carries outside
    the SHACL vocabulary (a component id, a challenge concept...): data for reports built on
    top of validation. ``engine`` says which path produced the result. Neither takes part in
    equality.
    """

    focus_node: Node
    result_path: Node | None
    value: Node | None
    source_shape: Node
    source_constraint_component: URIRef
    severity: URIRef = SH.Violation
    message: tuple[Literal, ...] = ()
    shape_properties: tuple[tuple[URIRef, Node], ...] = field(default=(), compare=False)
    engine: str = field(default="fast", compare=False)

    def key(self) -> tuple:
        """What two engines must agree on: every field but the messages."""
        return (
            self.focus_node,
            self.result_path,
            self.value,
            self.source_shape,
            self.source_constraint_component,
            self.severity,
        )


@dataclass
class ValidationReport:
    """The outcome of :func:`graph_loader.shacl.validate`.

    ``shape_engines`` maps every validated shape that has targets to the path that ran it:
    ``"fast"`` (compiled to SPARQL in the store) or ``"pyshacl"``.
    """

    results: list[ValidationResult]
    shapes_graph: Graph
    shape_engines: dict[Node, str] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True when there is no result at all, whatever its severity (SHACL 3.6.1)."""
        return not self.results

    def graph(self) -> Graph:
        """The report as a standard ``sh:ValidationReport`` graph."""
        graph = Graph()
        graph.bind("sh", SH)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms, datatype=XSD.boolean)))
        for result in self.results:
            node = BNode()
            graph.add((report, SH.result, node))
            for triple in self._result_triples(node, result):
                graph.add(triple)
        return graph

    def _result_triples(self, node: BNode, result: ValidationResult) -> Iterator[tuple]:
        yield node, RDF.type, SH.ValidationResult
        yield node, SH.focusNode, result.focus_node
        yield node, SH.sourceShape, result.source_shape
        yield node, SH.sourceConstraintComponent, result.source_constraint_component
        yield node, SH.resultSeverity, result.severity
        if result.value is not None:
            yield node, SH.value, result.value
        for message in result.message:
            yield node, SH.resultMessage, message
        if result.result_path is not None:
            yield from _copied_path(self.shapes_graph, node, result.result_path)

    def text(self) -> str:
        """A human-readable report: a summary line, then one block per result."""
        lines = [f"Conforms: {self.conforms}", f"Results ({len(self.results)}):"]
        for result in self.results:
            lines.append(
                f"{SEVERITY_NAMES.get(result.severity, result.severity)}: "
                f"{_local(result.source_constraint_component)}"
            )
            lines.append(f"  focus node: {_show(result.focus_node)}")
            if result.result_path is not None:
                lines.append(f"  path: {path_text(self.shapes_graph, result.result_path)}")
            if result.value is not None:
                lines.append(f"  value: {_show(result.value)}")
            lines.append(f"  shape: {_show(result.source_shape)}")
            lines.extend(f"  message: {message}" for message in result.message)
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict[str, Any]:
        """The report as plain data: IRIs as strings, literals as JSON-LD value objects."""
        return {
            "conforms": self.conforms,
            "results": [
                {
                    "focusNode": _json_term(r.focus_node),
                    "resultPath": None
                    if r.result_path is None
                    else path_text(self.shapes_graph, r.result_path),
                    "value": None if r.value is None else _json_term(r.value),
                    "sourceShape": _json_term(r.source_shape),
                    "sourceConstraintComponent": str(r.source_constraint_component),
                    "severity": SEVERITY_NAMES.get(r.severity, str(r.severity)),
                    "message": [_json_term(m) for m in r.message],
                }
                for r in self.results
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`as_dict` as JSON text."""
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False)


def _copied_path(shapes_graph: Graph, result: BNode, path: Node) -> Iterator[tuple]:
    """``sh:resultPath`` with a fresh copy of the path's structure for this result."""
    copied, triples = copy_path(shapes_graph, path)
    yield result, SH.resultPath, copied
    yield from triples


def _local(iri: Node) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1] if "#" in text else text


def _show(term: Node) -> str:
    return term.n3()


def _json_term(term: Node) -> Any:
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    if term.language:
        return {"@value": str(term), "@language": term.language}
    if term.datatype is not None and term.datatype != XSD.string:
        return {"@value": str(term), "@type": str(term.datatype)}
    return str(term)
