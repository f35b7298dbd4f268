"""Reading a shapes graph (SHACL 2.1) into the shapes the compiler works from.

Every shape is read, and every feature of it the SPARQL compiler does not handle is noted
in ``Shape.unsupported``: a shape with targets whose closure (the shapes it reaches through
``sh:property``, ``sh:node`` and the logical constraints) has any such note is validated by
pySHACL instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from graph_loader.shacl.paths import Path, PathError, read_path

TARGET_PREDICATES = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)

#: Parameters of the constraints the compiler handles, and their components.
COMPONENTS: dict[URIRef, URIRef] = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
}

#: SHACL predicates on a shape that are not constraints, or are handled with one.
_NON_CONSTRAINTS = {
    *TARGET_PREDICATES,
    SH.property,
    SH.path,
    SH.deactivated,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.flags,
}
_PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.uniqueLang}
_NODE_KINDS = {
    SH.IRI,
    SH.BlankNode,
    SH.Literal,
    SH.BlankNodeOrIRI,
    SH.BlankNodeOrLiteral,
    SH.IRIOrLiteral,
}
_RANGES = {SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive}
_SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


@dataclass(frozen=True)
class Constraint:
    """One constraint: its parameter, the parameter's value, the members of a value that
    is a list (``sh:in``, ``sh:languageIn``, ``sh:and``, ``sh:or``, ``sh:xone``), its flags."""

    parameter: URIRef
    value: Node
    members: tuple[Node, ...] = ()
    flags: str = ""

    @property
    def component(self) -> URIRef:
        return COMPONENTS[self.parameter]


@dataclass
class Shape:
    """A node shape (``path is None``) or a property shape, as the compiler sees it."""

    node: Node
    path_node: Node | None = None
    path: Path | None = None
    targets: dict[URIRef, list[Node]] = field(default_factory=dict)
    implicit_class: bool = False
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Node] = field(default_factory=list)
    deactivated: bool = False
    severity: URIRef = SH.Violation
    messages: tuple[Literal, ...] = ()
    unsupported: list[str] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        return self.implicit_class or any(self.targets.values())


def find_shapes(graph: Graph) -> list[Node]:
    """Every shape of the graph (SHACL 2.1), in a stable order."""
    found: set[Node] = set()
    kinds = _subclasses(graph, SH.NodeShape) | _subclasses(graph, SH.PropertyShape)
    for kind in kinds:
        found.update(graph.subjects(RDF.type, kind))
    for predicate in (*TARGET_PREDICATES, SH.path):
        found.update(graph.subjects(predicate, None))
    for predicate in _SHAPE_VALUED:
        found.update(graph.objects(None, predicate))
    for predicate in _SHAPE_LISTS:
        for head in graph.objects(None, predicate):
            found.update(_members(graph, head) or ())
    return sorted((n for n in found if not isinstance(n, Literal)), key=_order)


def read_shapes(graph: Graph) -> dict[Node, Shape]:
    """Every shape of the graph, read."""
    custom = _custom_parameters(graph)
    return {node: read_shape(graph, node, custom) for node in find_shapes(graph)}


def read_shape(graph: Graph, node: Node, custom: frozenset[URIRef] = frozenset()) -> Shape:
    """One shape: targets, constraints, nested property shapes and what is not supported."""
    shape = Shape(node)
    shape.deactivated = _boolean(graph, node, SH.deactivated, shape)
    shape.severity = _single(graph, node, SH.severity, SH.Violation, shape)
    shape.messages = tuple(m for m in graph.objects(node, SH.message) if isinstance(m, Literal))
    _read_path(graph, node, shape)
    for target in TARGET_PREDICATES:
        shape.targets[target] = sorted(graph.objects(node, target), key=_order)
    shape.implicit_class = (node, RDF.type, RDFS.Class) in graph and isinstance(node, URIRef)
    _read_targets_support(shape)
    shape.properties = sorted(graph.objects(node, SH.property), key=_order)
    for predicate, value in sorted(graph.predicate_objects(node), key=_order_pair):
        if isinstance(predicate, URIRef) and predicate in COMPONENTS:
            _read_constraint(graph, shape, predicate, value)
        elif predicate in custom:
            shape.unsupported.append(f"custom constraint parameter {predicate}")
        elif str(predicate).startswith(str(SH)) and predicate not in _NON_CONSTRAINTS:
            shape.unsupported.append(f"{predicate.n3(graph.namespace_manager)}")
    if shape.path is None and any(c.parameter in _PROPERTY_ONLY for c in shape.constraints):
        shape.unsupported.append("a count or uniqueLang constraint on a node shape")
    return shape


def _read_path(graph: Graph, node: Node, shape: Shape) -> None:
    paths = list(graph.objects(node, SH.path))
    if not paths:
        return
    shape.path_node = paths[0]
    if len(paths) > 1:
        shape.unsupported.append("several sh:path values")
        return
    try:
        shape.path = read_path(graph, paths[0])
    except PathError as exc:
        shape.unsupported.append(f"path: {exc}")


def _read_targets_support(shape: Shape) -> None:
    for predicate, values in shape.targets.items():
        for value in values:
            if isinstance(value, BNode):
                shape.unsupported.append(f"a blank node as {predicate}")
            elif isinstance(value, Literal) and predicate != SH.targetNode:
                shape.unsupported.append(f"a literal as {predicate}")


def _read_constraint(graph: Graph, shape: Shape, predicate: URIRef, value: Node) -> None:
    problem = _check_value(graph, predicate, value)
    if problem:
        shape.unsupported.append(f"{predicate}: {problem}")
        return
    if predicate == SH.uniqueLang:
        if str(value) == "true":
            shape.constraints.append(Constraint(predicate, value))
        return
    if predicate in (SH["in"], SH.languageIn, *_SHAPE_LISTS):
        shape.constraints.append(Constraint(predicate, value, tuple(Collection(graph, value))))
        return
    if predicate == SH.pattern:
        flags = list(graph.objects(shape.node, SH.flags))
        if len(flags) > 1:
            shape.unsupported.append("several sh:flags")
            return
        flag = str(flags[0]) if flags else ""
        shape.constraints.append(Constraint(predicate, value, flags=flag))
        return
    shape.constraints.append(Constraint(predicate, value))


def _check_value(graph: Graph, predicate: URIRef, value: Node) -> str:
    """Why the compiler cannot use this parameter value ('' when it can)."""
    if predicate in (SH["class"], SH.datatype) and not isinstance(value, URIRef):
        return "expects an IRI"
    if predicate == SH.nodeKind and value not in _NODE_KINDS:
        return "unknown node kind"
    counts = (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength)
    if predicate in counts and not _is_integer(value):
        return "expects an xsd:integer"
    if predicate == SH.uniqueLang and not (
        isinstance(value, Literal) and value.datatype == XSD.boolean
    ):
        return "expects an xsd:boolean"
    if predicate == SH.pattern and not (isinstance(value, Literal) and not value.datatype):
        return "expects a string"
    if predicate in _RANGES and not isinstance(value, Literal):
        return "expects a literal"
    if predicate == SH.hasValue and isinstance(value, BNode):
        return "a blank node cannot be matched in the store"
    if predicate in (SH.node, SH["not"]) and isinstance(value, Literal):
        return "a literal is not a shape"
    if predicate in _SHAPE_LISTS:
        members = _members(graph, value)
        if members is None:
            return "expects a well-formed list"
        if any(isinstance(m, Literal) for m in members):
            return "a literal is not a shape"
    if predicate in (SH["in"], SH.languageIn):
        members = _members(graph, value)
        if members is None:
            return "expects a well-formed list"
        if any(isinstance(m, BNode) for m in members):
            return "a blank node cannot be matched in the store"
        if predicate == SH.languageIn and not all(isinstance(m, Literal) for m in members):
            return "expects a list of strings"
    return ""


def _is_integer(value: Node) -> bool:
    return isinstance(value, Literal) and value.datatype == XSD.integer and not value.ill_typed


def _members(graph: Graph, head: Node) -> list[Node] | None:
    members: list[Node] = []
    seen: set[Node] = set()
    while head != RDF.nil:
        first, rest = graph.value(head, RDF.first), graph.value(head, RDF.rest)
        if head in seen or first is None or rest is None:
            return None
        seen.add(head)
        members.append(first)
        head = rest
    return members


def _boolean(graph: Graph, node: Node, predicate: URIRef, shape: Shape) -> bool:
    value = _single(graph, node, predicate, None, shape)
    return isinstance(value, Literal) and value.toPython() is True


def _single(graph: Graph, node: Node, predicate: URIRef, default: Any, shape: Shape) -> Any:
    values = list(graph.objects(node, predicate))
    if len(values) > 1:
        shape.unsupported.append(f"several values of {predicate}")
    return values[0] if values else default


def _subclasses(graph: Graph, cls: URIRef) -> set[Node]:
    return {n for n in graph.transitive_subjects(RDFS.subClassOf, cls) if n is not None}


def _custom_parameters(graph: Graph) -> frozenset[URIRef]:
    """Predicates declared as parameters of constraint components in the shapes graph."""
    found: set[URIRef] = set()
    for component in graph.subjects(RDF.type, SH.ConstraintComponent):
        for parameter in graph.objects(component, SH.parameter):
            found.update(p for p in graph.objects(parameter, SH.path) if isinstance(p, URIRef))
    return frozenset(found)


def _order(node: Node) -> tuple[int, str]:
    return (0 if isinstance(node, URIRef) else 1, str(node))


def _order_pair(pair: tuple[Node, Node]) -> tuple:
    return (_order(pair[0]), _order(pair[1]))


def references(shape: Shape) -> list[Node]:
    """The shapes a shape refers to: ``sh:property``, ``sh:node``, ``sh:not`` and the
    members of ``sh:and``, ``sh:or`` and ``sh:xone``."""
    found = list(shape.properties)
    for c in shape.constraints:
        if c.parameter in (SH.node, SH["not"]):
            found.append(c.value)
        elif c.parameter in _SHAPE_LISTS:
            found.extend(c.members)
    return found


def closure(shapes: dict[Node, Shape], start: Node) -> list[Shape]:
    """The shape and every shape it reaches through :func:`references`."""
    seen: dict[Node, Shape] = {}
    todo = [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        shape = shapes.get(node) or Shape(node)
        seen[node] = shape
        todo.extend(references(shape))
    return list(seen.values())


def unsupported_reasons(shapes: dict[Node, Shape], start: Node) -> list[str]:
    """Why the shape ``start`` cannot be compiled (empty when it can)."""
    reached = closure(shapes, start)
    reasons = [r for s in reached for r in s.unsupported]
    for shape in reached:
        for node in shape.properties:
            if node not in shapes or shapes[node].path_node is None:
                reasons.append(f"sh:property value {node} has no sh:path")
    if _has_cycle(shapes, start):
        reasons.append("recursive shapes")
    return reasons


def _has_cycle(shapes: dict[Node, Shape], start: Node) -> bool:
    def visit(node: Node, stack: frozenset[Node]) -> bool:
        if node in stack:
            return True
        shape = shapes.get(node)
        if shape is None:
            return False
        return any(visit(n, stack | {node}) for n in references(shape))

    return visit(start, frozenset())
