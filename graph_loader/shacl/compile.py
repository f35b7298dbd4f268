"""Compiling SHACL core shapes to SPARQL queries run inside the store.

For a shape with targets, :class:`Compiler` yields :class:`Check` queries: one per
(shape, focus context) for all its value-based constraints together (a ``VALUES ?k`` index
picks the constraint a row violates), one per ``sh:class`` (value nodes ``MINUS`` the
class's instances, set-wise) and one per count-like constraint (min/max count, property
``sh:hasValue``, ``sh:uniqueLang``). Nested property shapes get the parent's focus
nodes (node shape) or value nodes (property shape) as focus; ``sh:node`` becomes an
``EXISTS`` over the referenced shape's violations, or the referenced shape's conditions
themselves when they are all value-based; ``sh:not``, ``sh:and``, ``sh:or`` and ``sh:xone``
combine such conditions of their member shapes with ``!``, ``||``, ``&&`` and a count.
Every solution of a check is one validation result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from graph_loader.shacl.datatypes import has_datatype
from graph_loader.shacl.paths import Path
from graph_loader.shacl.patterns import (
    as_expression,
    as_pattern,
    instances_of,
    nullable,
    same_language,
    step,
)
from graph_loader.shacl.shapes import Constraint, Shape
from graph_loader.shacl.terms import sparql_term

_RDF_TYPE = sparql_term(RDF.type)
_SUBCLASS = sparql_term(RDFS.subClassOf)
_CLASS: URIRef = SH["class"]
_LOGICAL = {SH["not"], SH["and"], SH["or"], SH.xone}
_COUNTS = {SH.minCount, SH.maxCount, SH.uniqueLang}

_NODE_KIND_TESTS: dict[Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_RANGE_OPERATORS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


@dataclass(frozen=True)
class Check:
    """One SPARQL query whose solutions are validation results of ``shape``.

    Solutions bind ``?f`` (focus node), ``?v`` when ``reports_value`` and ``?k`` (an index
    into ``constraints``) when there are several constraints.
    """

    sparql: str
    shape: Shape
    constraints: tuple[Constraint, ...]
    reports_value: bool
    top_focus: bool = True


@dataclass(frozen=True)
class Focus:
    """A pattern binding ``?f`` to the focus nodes of a shape, with the ancestors that make
    one evaluation distinct from another (a nested property shape is validated once per
    parent focus node it is reached from, so its results repeat when reached twice)."""

    pattern: str
    ancestors: tuple[str, ...] = ()
    #: Predicates every subject of which is a focus node (``sh:targetSubjectsOf``).
    subjects_of: frozenset = frozenset()

    def value_nodes(self, path: Path | None) -> str:
        """A pattern binding ``?f`` and ``?v`` to each focus node and its value nodes. A
        predicate path whose subjects are all focus nodes needs no focus pattern: its own
        triples give exactly the focus nodes that have values."""
        if path is None:
            return f"{self.pattern} BIND(?f AS ?v)"
        if path[0] == "pred" and path[1] in self.subjects_of:
            return step("?f", path, "?v")
        return step("?f", path, "?v", self.pattern)

    @property
    def keep(self) -> str:
        return "".join(f" {a}" for a in self.ancestors)

    def values(self, path: Path) -> Focus:
        """The value nodes of ``path`` from these focus nodes, as the next focus nodes."""
        parent = f"?_p{len(self.ancestors)}"
        inner = f"{{ SELECT (?f AS {parent}){self.keep} WHERE {{ {self.pattern} }} }}"
        keep = f"{self.keep} {parent}"
        pattern = f"{{ SELECT DISTINCT ?f{keep} WHERE {{ {step(parent, path, '?f', inner)} }} }}"
        return Focus(pattern, (*self.ancestors, parent))


class Compiler:
    """Turns shapes (as read by :mod:`graph_loader.shacl.shapes`) into SPARQL checks."""

    def __init__(self, shapes: dict[Node, Shape]):
        self.shapes = shapes
        self._counter = 0

    def checks(self, top: Shape) -> list[Check]:
        """Every check of the shape ``top`` (which has targets) and of the shapes it nests."""
        if top.deactivated:
            return []
        subjects = frozenset(top.targets.get(SH.targetSubjectsOf, []))
        return list(self._shape_checks(top, Focus(target_pattern(top), (), subjects)))

    # -- top-level checks ---------------------------------------------------------------
    def _shape_checks(self, shape: Shape, focus: Focus) -> Iterator[Check]:
        if shape.deactivated:
            return
        yield from self._constraint_checks(shape, focus)
        for node in shape.properties:
            nested = self.shapes[node]
            if shape.path is None:
                yield from self._shape_checks(nested, focus)
            else:
                yield from self._shape_checks(nested, focus.values(shape.path))

    def _constraint_checks(self, shape: Shape, focus: Focus) -> Iterator[Check]:
        value_based = [
            c for c in shape.constraints if not _counted(shape, c) and c.parameter != _CLASS
        ]
        if value_based:
            yield self._value_check(shape, focus, tuple(value_based))
        for constraint in shape.constraints:
            if constraint.parameter == _CLASS:
                yield self._class_check(shape, focus, constraint)
            elif _counted(shape, constraint):
                yield self._count_check(shape, focus, constraint)

    def _class_check(self, shape: Shape, focus: Focus, constraint: Constraint) -> Check:
        """``sh:class`` set-wise: the value nodes MINUS the instances of the class (a
        ``NOT EXISTS`` per value node walks the class hierarchy once per row)."""
        values = focus.value_nodes(shape.path)
        instances = instances_of("?v", sparql_term(constraint.value), "?_t")
        sparql = (
            f"SELECT DISTINCT ?f ?v{focus.keep} WHERE {{ {{ {values} }} MINUS {{ {instances} }} }}"
        )
        return Check(sparql, shape, (constraint,), True, not focus.ancestors)

    def _value_check(
        self, shape: Shape, focus: Focus, constraints: tuple[Constraint, ...]
    ) -> Check:
        values = focus.value_nodes(shape.path)
        keep = focus.keep
        if len(constraints) == 1:
            test = self.violation("?v", constraints[0])
            sparql = f"SELECT DISTINCT ?f ?v{keep} WHERE {{ {values} FILTER({test}) }}"
        else:
            cases = " || ".join(
                f"(?k = {i} && ({self.violation('?v', c)}))" for i, c in enumerate(constraints)
            )
            keys = " ".join(str(i) for i in range(len(constraints)))
            sparql = (
                f"SELECT DISTINCT ?f ?v ?k{keep} WHERE {{ {values} VALUES ?k {{ {keys} }} "
                f"FILTER({cases}) }}"
            )
        return Check(sparql, shape, constraints, True, not focus.ancestors)

    def _count_check(self, shape: Shape, focus: Focus, constraint: Constraint) -> Check:
        path = _property_path(shape)
        p, keep, where = constraint.parameter, focus.keep, focus.pattern
        if p == SH.minCount and _integer(constraint.value) == 1 and not nullable(path):
            body = f"{where} MINUS {{ {step('?f', path, '?_v')} }} }}"
        elif p == SH.minCount:
            body = (
                f"{{ {step('?f', path, '?v', where)} }} UNION {{ {where} }} }} GROUP BY ?f{keep} "
                f"HAVING (COUNT(DISTINCT ?v) < {_integer(constraint.value)})"
            )
        elif p == SH.maxCount:
            body = (
                f"{focus.value_nodes(path)} }} GROUP BY ?f{keep} "
                f"HAVING (COUNT(DISTINCT ?v) > {_integer(constraint.value)})"
            )
        elif p == SH.hasValue:
            has = step("?f", path, sparql_term(constraint.value))
            body = f"{where} FILTER NOT EXISTS {{ {has} }} }}"
        else:  # uniqueLang: one result per focus node and language tag of several values
            sparql = (
                f"SELECT ?f ?lang{keep} WHERE {{ {focus.value_nodes(path)} "
                f'BIND(LCASE(LANG(?v)) AS ?lang) FILTER(?lang != "") }} '
                f"GROUP BY ?f ?lang{keep} HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            return Check(sparql, shape, (constraint,), False, not focus.ancestors)
        sparql = f"SELECT ?f{keep} WHERE {{ {body}"
        return Check(sparql, shape, (constraint,), False, not focus.ancestors)

    # -- conditions -----------------------------------------------------------------------
    def violation(self, v: str, c: Constraint) -> str:
        """A SPARQL expression true when the value node ``v`` violates the constraint."""
        p, value = c.parameter, c.value
        if p == SH["class"]:
            return f"NOT EXISTS {{ {instances_of(v, sparql_term(value), self._fresh('t'))} }}"
        if p == SH.datatype:
            return f"!({has_datatype(v, value)})"
        if p == SH.nodeKind:
            return f"!({_NODE_KIND_TESTS[value].format(v=v)})"
        if p in _RANGE_OPERATORS:
            return f"!COALESCE({v} {_RANGE_OPERATORS[p]} {sparql_term(value)}, false)"
        if p == SH.minLength:
            return f"(isBlank({v}) || STRLEN(STR({v})) < {_integer(value)})"
        if p == SH.maxLength:
            return f"(isBlank({v}) || STRLEN(STR({v})) > {_integer(value)})"
        if p == SH.pattern:
            regex = f"REGEX(STR({v}), {sparql_term(Literal(str(value)))}"
            regex += f", {sparql_term(Literal(c.flags))})" if c.flags else ")"
            return f"(isBlank({v}) || !COALESCE({regex}, false))"
        if p == SH["in"]:
            same = " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in c.members)
            return f"!({same or 'false'})"
        if p == SH.languageIn:
            tags = " || ".join(
                f"langMatches(LANG({v}), {sparql_term(Literal(str(t)))})" for t in c.members
            )
            return f"!(isLiteral({v}) && ({tags or 'false'}))"
        if p == SH.hasValue:
            return f"!sameTerm({v}, {sparql_term(value)})"
        if p == SH.node:
            return self.fails(v, self.shapes.get(value))
        if p in _LOGICAL:
            return self._logical(v, p, c.members if p != SH["not"] else (value,))
        raise ValueError(f"no SPARQL for {p}")

    def _logical(self, v: str, p: URIRef, members: tuple[Node, ...]) -> str:
        """A violation of ``sh:not``, ``sh:and``, ``sh:or`` or ``sh:xone``, from whether
        ``v`` fails each member shape."""
        failing = [f"({self.fails(v, self.shapes.get(m))})" for m in members]
        if p == SH["not"]:
            return f"!{failing[0]}"
        if p == SH["and"]:
            return " || ".join(failing) or "false"
        if p == SH["or"]:
            return " && ".join(failing) or "true"
        conforming = " + ".join(f"IF({f}, 0, 1)" for f in failing)
        return f"({conforming or 0}) != 1"

    def fails(self, x: str, shape: Shape | None) -> str:
        """A SPARQL expression true when the node ``x`` does not conform to ``shape``: the
        constraints' conditions themselves for a node shape of value-based constraints
        only, else one test per way of not conforming (:meth:`_parts`), joined by ``||``.

        A part that is a filter alone is written as an expression, not as ``EXISTS``
        over a group holding only a filter (Virtuoso 7's compiler fails on that)."""
        if shape is None or shape.deactivated:
            return "false"
        plain = not any(_counted(shape, c) for c in shape.constraints)
        if shape.path is None and not shape.properties and plain:
            tests = " || ".join(f"({self.violation(x, c)})" for c in shape.constraints)
            return tests or "false"
        ways = [as_expression(kind, text) for kind, text in self._parts(shape, x)]
        return " || ".join(ways) or "false"

    def nonconforming(self, shape: Shape | None, x: str) -> str | None:
        """A pattern with solutions exactly when the node ``x`` does not conform to ``shape``
        (``None``: every node conforms)."""
        parts = self._parts(shape, x)
        if not parts:
            return None
        return " UNION ".join(f"{{ {as_pattern(kind, text)} }}" for kind, text in parts)

    def _parts(self, shape: Shape | None, x: str) -> list[tuple[str, str]]:
        """The ways ``x`` may fail ``shape``, each ``(kind, text)``: ``filter`` (an
        expression, true when it fails), ``absent`` (a pattern whose absence fails it) or
        ``pattern`` (a pattern whose solutions fail it)."""
        if shape is None or shape.deactivated:
            return []
        parts: list[tuple[str, str]] = []
        path = shape.path
        value_based = [c for c in shape.constraints if not _counted(shape, c)]
        if value_based:
            if path is None:
                tests = " || ".join(self.violation(x, c) for c in value_based)
                parts.append(("filter", tests))
            else:
                v = self._fresh("v")
                tests = " || ".join(self.violation(v, c) for c in value_based)
                parts.append(("pattern", f"{{ {step(x, path, v)} }} FILTER({tests})"))
        parts.extend(self._nested_counts(shape, x))
        for node in shape.properties:
            nested = self.shapes[node]
            if path is None:
                parts.extend(self._parts(nested, x))
            else:
                y = self._fresh("y")
                inner = self.nonconforming(nested, y)
                if inner:
                    parts.append(("pattern", f"{{ {step(x, path, y)} }} {{ {inner} }}"))
        return parts

    def _nested_counts(self, shape: Shape, x: str) -> Iterator[tuple[str, str]]:
        for c in shape.constraints:
            if not _counted(shape, c):
                continue
            path = _property_path(shape)
            v = self._fresh("v")
            if c.parameter == SH.minCount:
                n = _integer(c.value)
                if n <= 0:
                    continue
                yield (
                    "absent",
                    step(x, path, v)
                    if n == 1
                    else f"{{ SELECT {x} WHERE {{ {step(x, path, v)} }} "
                    f"GROUP BY {x} HAVING (COUNT(DISTINCT {v}) >= {n}) }}",
                )
            elif c.parameter == SH.maxCount:
                yield (
                    "pattern",
                    f"{{ SELECT {x} WHERE {{ {step(x, path, v)} }} GROUP BY {x} "
                    f"HAVING (COUNT(DISTINCT {v}) > {_integer(c.value)}) }}",
                )
            elif c.parameter == SH.hasValue:
                yield ("absent", step(x, path, sparql_term(c.value)))
            else:
                a, b, lang = self._fresh("a"), self._fresh("b"), self._fresh("l")
                yield ("pattern", same_language(x, path, a, b, lang))

    def _fresh(self, stem: str) -> str:
        self._counter += 1
        return f"?_{stem}{self._counter}"


def target_pattern(shape: Shape) -> str:
    """A subquery binding ``?f`` to every focus node of the shape's targets."""
    branches: list[str] = []
    nodes = shape.targets.get(SH.targetNode, [])
    if nodes:
        branches.append("VALUES ?f { " + " ".join(sparql_term(n) for n in nodes) + " }")
    classes = list(shape.targets.get(SH.targetClass, []))
    if shape.implicit_class:
        classes.append(shape.node)
    for cls in classes:
        branches.append(f"?f {_RDF_TYPE}/{_SUBCLASS}* {sparql_term(cls)}")
    for p in shape.targets.get(SH.targetSubjectsOf, []):
        branches.append(f"?f {sparql_term(p)} ?_o")
    for p in shape.targets.get(SH.targetObjectsOf, []):
        branches.append(f"?_s {sparql_term(p)} ?f")
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{{ SELECT DISTINCT ?f WHERE {{ {union} }} }}"


def reports_value(constraint: Constraint) -> bool:
    """Whether a result of the constraint names a value node (``sh:hasValue``'s do not)."""
    return constraint.parameter != SH.hasValue


def _property_path(shape: Shape) -> Path:
    """The path of a shape with count constraints: a property shape (a node shape with
    such constraints is not supported, so never compiled)."""
    if shape.path is None:
        raise ValueError(f"no SPARQL for a count constraint of node shape {shape.node}")
    return shape.path


def _counted(shape: Shape, c: Constraint) -> bool:
    """Whether a constraint looks at all value nodes together rather than one at a time."""
    return c.parameter in _COUNTS or (c.parameter == SH.hasValue and shape.path is not None)


def _integer(value: object) -> int:
    assert isinstance(value, Literal)
    return int(value.toPython())
