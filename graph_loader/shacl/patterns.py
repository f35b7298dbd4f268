"""The SPARQL pieces the compiler (:mod:`graph_loader.shacl.compile`) assembles: target
patterns, path steps, datatype, node-kind and range tests."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import RDF, SH, XSD

from graph_loader.shacl.paths import Path, sparql_path
from graph_loader.shacl.shapes import Constraint, Shape
from graph_loader.shacl.terms import sparql_term

RDF_TYPE = sparql_term(RDF.type)
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"

#: Datatypes whose lexical space the store can check by casting the lexical form.
CASTABLE = {
    XSD[name]
    for name in [
        "integer",
        "decimal",
        "double",
        "float",
        "boolean",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gDay",
        "gMonthDay",
        "duration",
        "dayTimeDuration",
        "yearMonthDuration",
    ]
}
#: Integer datatypes: their bounds (None: unbounded).
INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.nonNegativeInteger: (0, None),
    XSD.positiveInteger: (1, None),
    XSD.nonPositiveInteger: (None, 0),
    XSD.negativeInteger: (None, -1),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
}
NODE_KIND_TESTS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
RANGE_OPERATORS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


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
        branches.append(f"?f {RDF_TYPE}/{SUBCLASS}* {sparql_term(cls)}")
    for p in shape.targets.get(SH.targetSubjectsOf, []):
        branches.append(f"?f {sparql_term(p)} ?_o")
    for p in shape.targets.get(SH.targetObjectsOf, []):
        branches.append(f"?_s {sparql_term(p)} ?f")
    union = " UNION ".join(f"{{ {b} }}" for b in branches)
    return f"{{ SELECT DISTINCT ?f WHERE {{ {union} }} }}"


def reports_value(constraint: Constraint) -> bool:
    """Whether a result of the constraint names a value node (``sh:hasValue``'s do not)."""
    return constraint.parameter != SH.hasValue


def step(subject: str, path: Path, obj: str, where: str = "") -> str:
    """``where`` then ``subject path obj``. A path that can have length zero also reaches
    the subject itself, even one the store does not hold (the store's own evaluation of
    ``p*`` or ``p?`` skips such nodes), so it becomes a union that binds it explicitly."""
    walk = f"{where} {subject} {sparql_path(path)} {obj} ."
    if not nullable(path):
        return walk
    if obj.startswith("?"):
        itself = f"{where} BIND({subject} AS {obj})"
    else:
        itself = f"{where} FILTER(sameTerm({subject}, {obj}))"
    return f"{{ {walk} }} UNION {{ {itself} }}"


def nullable(path: Path) -> bool:
    """Whether the path can have length zero (every node reaches itself through it)."""
    kind, arg = path
    if kind in ("star", "opt"):
        return True
    if kind == "seq":
        return all(nullable(p) for p in arg)
    if kind == "alt":
        return any(nullable(p) for p in arg)
    if kind in ("inv", "plus"):
        return nullable(arg)
    return False


def same_language(x: str, path: Path, a: str, b: str, lang: str) -> str:
    return (
        f"{{ {step(x, path, a)} }} {{ {step(x, path, b)} }} FILTER(!sameTerm({a}, {b})) "
        f'BIND(LCASE(LANG({a})) AS {lang}) FILTER({lang} != "" && {lang} = LCASE(LANG({b})))'
    )


def has_datatype(v: str, datatype: URIRef) -> str:
    if datatype == RDF.langString:
        return f'isLiteral({v}) && LANG({v}) != ""'
    test = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {sparql_term(datatype)})"
    if datatype in CASTABLE:
        test += f" && COALESCE(isLiteral({sparql_term(datatype)}(STR({v}))), false)"
    elif datatype in INTEGER_RANGES:
        low, high = INTEGER_RANGES[datatype]
        number = f"{sparql_term(XSD.integer)}(STR({v}))"
        bounds = [f"isLiteral({number})"]
        if low is not None:
            bounds.append(f"{number} >= {low}")
        if high is not None:
            bounds.append(f"{number} <= {high}")
        test += f" && COALESCE({' && '.join(bounds)}, false)"
    return test
