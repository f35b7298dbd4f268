"""Deeply nested and long-chained SPARQL, one generator per construct: ``CONSTRUCTS[name](n)``
is a query (or update) ``n`` levels deep. bench/stack_depths.py finds where each crashes the
engine; tests/hostile/test_query_depth.py sends each to a real server.
"""

from __future__ import annotations

from collections.abc import Callable

P = "<http://example.org/p>"


def _nest(open_: str, inner: str, close: str, n: int) -> str:
    return open_ * n + inner + close * n


CONSTRUCTS: dict[str, Callable[[int], str]] = {
    "braces": lambda n: "SELECT * WHERE " + _nest("{", "?s ?p ?o", "}", n),
    "parens": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + _nest("(", "?o", ")", n) + ") }",
    "union": lambda n: "SELECT * WHERE { {?s ?p ?o}" + " UNION {?s ?p ?o}" * n + " }",
    "optional": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o } " * n + "}",
    "minus": lambda n: "SELECT * WHERE { ?s ?p ?o " + "MINUS { ?s ?p ?o } " * n + "}",
    "groups": lambda n: "SELECT * WHERE { " + "{ ?s ?p ?o } " * n + "}",
    "binds": lambda n: (
        "SELECT * WHERE { ?s ?p ?o " + "".join(f"BIND(1 AS ?b{i}) " for i in range(n)) + "}"
    ),
    "select_exprs": lambda n: (
        "SELECT " + "".join(f"(1 AS ?x{i}) " for i in range(n)) + "WHERE { ?s ?p ?o }"
    ),
    "order_keys": lambda n: "SELECT * WHERE { ?s ?p ?o } ORDER BY " + "?o " * n,
    "group_keys": lambda n: "SELECT ?o WHERE { ?s ?p ?o } GROUP BY " + "?o " * n,
    "aggregates": lambda n: (
        "SELECT " + "".join(f"(COUNT(*) AS ?c{i}) " for i in range(n)) + "WHERE { ?s ?p ?o }"
    ),
    "triples": lambda n: "SELECT * WHERE { " + "?s ?p ?o . " * n + "}",
    "property_list": lambda n: "SELECT * WHERE { ?s " + " ; ".join(["?p ?o"] * n) + " }",
    "filters": lambda n: "SELECT * WHERE { ?s ?p ?o " + "FILTER(BOUND(?o)) " * n + "}",
    "update_sequence": lambda n: " ; ".join(
        ["DELETE DATA { <http://example.org/none> <http://example.org/p> 1 }"] * n
    ),
    "plus": lambda n: "SELECT (1" + "+1" * n + " AS ?x) WHERE {}",
    "times": lambda n: "SELECT (1" + "*1" * n + " AS ?x) WHERE {}",
    "not": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * n + "BOUND(?o)) }",
    "minus_unary": lambda n: "SELECT (" + _nest("-(", "1", ")", n) + " AS ?x) WHERE {}",
    "and": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(true" + " && true" * n + ") }",
    "or": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(false" + " || false" * n + ") }",
    "in": lambda n: "SELECT * WHERE { BIND(1 AS ?o) FILTER(?o IN (1" + ",1" * n + ")) }",
    "str": lambda n: "SELECT * WHERE { ?s ?p ?o BIND(" + _nest("STR(", "?o", ")", n) + " AS ?x) }",
    "if": lambda n: "SELECT (" + _nest("IF(true,", "1", ",0)", n) + " AS ?x) WHERE {}",
    "concat": lambda n: "SELECT (CONCAT(" + ",".join(['"a"'] * max(n, 1)) + ") AS ?x) WHERE {}",
    "exists": lambda n: (
        "SELECT * WHERE { ?s ?p ?o " + _nest("FILTER EXISTS { ", "?s ?p ?o", " }", n) + " }"
    ),
    "path_parens": lambda n: "SELECT * WHERE { ?s " + _nest("(", P, ")", n) + " ?o }",
    "path_seq": lambda n: "SELECT * WHERE { ?s " + "/".join([P] * (n + 1)) + " ?o }",
    "path_alt": lambda n: "SELECT * WHERE { ?s " + "|".join([P] * (n + 1)) + " ?o }",
    "path_inverse": lambda n: "SELECT * WHERE { ?s " + _nest("^(", P, ")", n) + " ?o }",
    "subquery": lambda n: "SELECT * WHERE " + _nest("{ SELECT * WHERE ", "{ ?s ?p ?o }", " }", n),
    "values": lambda n: "SELECT * WHERE { VALUES ?x { " + "1 " * n + "} }",
    "values_rows": lambda n: "SELECT * WHERE { VALUES (?x ?y) { " + "(1 2) " * n + "} }",
    "bnode_list": lambda n: "SELECT * WHERE { ?s " + _nest(f"{P} [ ", f"{P} ?o", " ]", n) + " }",
    "collection": lambda n: "SELECT * WHERE { ?s " + P + " " + _nest("( ", "?o", " )", n) + " }",
    "graph": lambda n: "SELECT * WHERE " + _nest("{ GRAPH ?g ", "{ ?s ?p ?o }", " }", n),
    "update_bnodes": lambda n: (
        "INSERT DATA { <http://example.org/s> " + _nest(f"{P} [ ", f"{P} 1", " ]", n) + " }"
    ),
    "update_collection": lambda n: (
        "INSERT DATA { <http://example.org/s> " + P + " " + _nest("( ", "1", " )", n) + " }"
    ),
    "update_braces": lambda n: "INSERT { ?s ?p ?o } WHERE " + _nest("{", "?s ?p ?o", "}", n),
}
