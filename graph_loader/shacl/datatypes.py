"""Datatype checks in SPARQL: whether a value node is a literal of a datatype, and of its
lexical space where the store can tell (SHACL ``sh:datatype``, 4.1.2)."""

from __future__ import annotations

from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from graph_loader.shacl.terms import sparql_term

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
INTEGER_RANGES: dict[Node, tuple[int | None, int | None]] = {
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


def has_datatype(v: str, datatype: Node) -> str:
    """A SPARQL expression true when ``v`` is a literal of ``datatype`` (and, where the
    store can tell, of its lexical space)."""
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
