"""The validation entry: shapes in, a :class:`ValidationReport` out.

``engine="auto"`` compiles every shape it fully understands to SPARQL run in the store and
hands the others, each on its own, to pySHACL; ``"fast"`` refuses shapes it would hand
over; ``"pyshacl"`` runs pySHACL alone (the reference).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from graph_loader.shacl.compile import Check, Compiler, reports_value
from graph_loader.shacl.fallback import PyshaclFailed, export_data, validate_with_pyshacl
from graph_loader.shacl.report import ValidationReport, ValidationResult
from graph_loader.shacl.shapes import Shape, read_shapes, unsupported_reasons
from graph_loader.shacl.terms import rdflib_graph, sparql_term, to_rdflib
from graph_loader.store import Store

ENGINES = ("auto", "fast", "pyshacl")


class ShaclError(ValueError):
    """Validation cannot run: unreadable shapes, an unknown graph, a shape the fast engine
    cannot compile. The message says which."""


def _pyshacl(data: Graph, shapes_graph: Graph, **options) -> list[ValidationResult]:
    """:func:`validate_with_pyshacl`; a refusal or failure of pySHACL is a :class:`ShaclError`."""
    try:
        return validate_with_pyshacl(data, shapes_graph, **options)
    except PyshaclFailed as exc:
        raise ShaclError(str(exc)) from None


def validate(
    store: Store,
    shapes: Graph | str | Path,
    *,
    data_graphs: list[str] | None = None,
    engine: str = "auto",
) -> ValidationReport:
    """Validate the data in ``store`` against ``shapes``.

    ``shapes`` is an rdflib graph, a Turtle file, or the IRI of a graph in the store;
    ``data_graphs`` the graphs whose union is the data graph (None: every graph).
    """
    if engine not in ENGINES:
        raise ShaclError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    for name in data_graphs or ():
        if not _is_graph(store, name):
            raise ShaclError(f"no graph <{name}> in the store")
    shapes_graph = load_shapes(store, shapes)
    model = read_shapes(shapes_graph)
    targeted = [s for s in model.values() if s.has_targets]
    describe = _Describer(shapes_graph)
    if engine == "pyshacl":
        data = export_data(store, data_graphs)
        results = _pyshacl(data, shapes_graph, describe=describe)
        engines = {s.node: "pyshacl" for s in targeted}
        return ValidationReport(results, shapes_graph, engines)
    fast, slow = _partition(model, targeted)
    if engine == "fast" and slow:
        reasons = "; ".join(f"{node.n3()}: {', '.join(why)}" for node, why in slow.items())
        raise ShaclError(f"shapes the fast engine cannot compile: {reasons}")
    compiler = Compiler(model)
    results = []
    for shape in fast:
        aliases = target_literals(store, shape)
        for check in compiler.checks(shape):
            results.extend(run_check(store, check, data_graphs, describe, aliases))
    if slow:
        data = export_data(store, data_graphs)
        results.extend(
            _pyshacl(
                data,
                shapes_graph,
                only=slow,
                all_targeted=[s.node for s in targeted],
                describe=describe,
            )
        )
    engines = {s.node: "fast" for s in fast} | dict.fromkeys(slow, "pyshacl")
    return ValidationReport(results, shapes_graph, engines)


def _partition(
    model: dict[Node, Shape], targeted: list[Shape]
) -> tuple[list[Shape], dict[Node, list[str]]]:
    fast: list[Shape] = []
    slow: dict[Node, list[str]] = {}
    for shape in targeted:
        reasons = [] if shape.deactivated else unsupported_reasons(model, shape.node)
        if reasons:
            slow[shape.node] = reasons
        else:
            fast.append(shape)
    return fast, slow


def target_literals(store: Store, shape: Shape) -> dict[Node, Node]:
    """The literal target nodes of a shape, keyed by the form the store gives them back in
    (a query returns "4.0"^^xsd:decimal as "4"^^xsd:decimal; the report names the target)."""
    literals = [n for n in shape.targets.get(SH.targetNode, []) if isinstance(n, Literal)]
    if not literals:
        return {}
    rows = store.query(f"SELECT ?x ?i WHERE {{ VALUES (?x ?i) {{ {_pairs(literals)} }} }}")
    return {to_rdflib(row["x"]): literals[int(row["i"].value)] for row in rows}


def _pairs(literals: list[Literal]) -> str:
    return " ".join(f"({sparql_term(n)} {i})" for i, n in enumerate(literals))


def run_check(
    store: Store,
    check: Check,
    data_graphs: list[str] | None,
    describe=None,
    aliases: dict[Node, Node] | None = None,
) -> list[ValidationResult]:
    """Run one compiled check in the store; each solution is a result."""
    default = None if data_graphs is None else [ox.NamedNode(g) for g in data_graphs]
    shape = check.shape
    extra = describe(shape.node) if describe else ()
    several = len(check.constraints) > 1
    results = []
    aliases = (aliases or {}) if check.top_focus else {}
    for row in store.query(check.sparql, default_graph=default):
        constraint = check.constraints[int(row["k"].value) if several else 0]
        focus = to_rdflib(row["f"])
        focus = aliases.get(focus, focus)
        value = None
        if check.reports_value and reports_value(constraint):
            value = focus if shape.path is None else to_rdflib(row["v"])
        results.append(
            ValidationResult(
                focus_node=focus,
                result_path=shape.path_node,
                value=value,
                source_shape=shape.node,
                source_constraint_component=constraint.component,
                severity=shape.severity,
                message=shape.messages,
                shape_properties=extra,
                engine="fast",
            )
        )
    return results


def load_shapes(store: Store, shapes: Graph | str | Path) -> Graph:
    """The shapes graph from an rdflib graph, a Turtle file or a graph of the store."""
    if isinstance(shapes, Graph):
        return shapes
    if isinstance(shapes, str) and _is_graph(store, shapes):
        return rdflib_graph(store.quads(shapes))
    path = Path(shapes)
    if not path.is_file():
        raise ShaclError(f"shapes {shapes}: neither a file nor a graph in the store")
    try:
        triples = list(
            ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        )
    except SyntaxError as exc:
        raise ShaclError(f"{path}: {exc}") from None
    return rdflib_graph(triples)


def _is_graph(store: Store, name: str) -> bool:
    try:
        return store.has_graph(name)
    except ValueError:  # not an IRI
        return False


class _Describer:
    """The non-SHACL (predicate, object) pairs of a shape, computed once per shape."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.cache: dict[Node, tuple] = {}

    def __call__(self, shape: Node) -> tuple[tuple[URIRef, Node], ...]:
        if shape not in self.cache:
            pairs = self.graph.predicate_objects(shape)
            self.cache[shape] = tuple(
                sorted(
                    (p, o)
                    for p, o in pairs
                    if not str(p).startswith(str(SH)) and not str(o).startswith(str(SH))
                )
            )
        return self.cache[shape]
