"""SPARQL results compared as the W3C tests compare them: solution multisets, booleans and
graphs, each up to a renaming of blank nodes; and CSV compared as rows of text."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

RESULT_FORMATS = {
    "srx": ox.QueryResultsFormat.XML,
    "srj": ox.QueryResultsFormat.JSON,
    "tsv": ox.QueryResultsFormat.TSV,
}


@dataclass(frozen=True)
class Outcome:
    """A query's answer in a comparable form: ``kind`` is solutions, boolean or graph."""

    kind: str
    value: Any

    def same_as(self, other: Outcome) -> bool:
        """Equal up to blank-node renaming (solutions as multisets, graphs isomorphic)."""
        if self.kind != other.kind:
            return False
        if self.kind == "graph":
            return isomorphic(self.value, other.value)
        if self.kind == "solutions":
            return same_solutions(self.value, other.value)
        return self.value == other.value


def outcome_of(results: Any) -> Outcome:
    """A pyoxigraph query result (solutions, boolean or triples) as an :class:`Outcome`."""
    if isinstance(results, bool):
        return Outcome("boolean", results)
    if isinstance(results, ox.QueryBoolean):
        return Outcome("boolean", bool(results))
    if isinstance(results, ox.QueryTriples):
        return Outcome("graph", to_rdflib(list(results)))
    variables = [v.value for v in results.variables]
    rows = [tuple(solution[v] for v in variables) for solution in results]
    return Outcome("solutions", (tuple(variables), rows))


def to_rdflib(triples: list) -> Graph:
    """Triples (or quads) as an rdflib graph, through N-Triples."""
    text = ox.serialize(
        [ox.Triple(t.subject, t.predicate, t.object) for t in triples],
        format=ox.RdfFormat.N_TRIPLES,
    )
    graph = Graph()
    graph.parse(data=text.decode("utf-8"), format="nt")
    return graph


def read_expected(path: Path, base_iri: str) -> Outcome | None:
    """The expected result of a test from its file, or None for a kind not read here."""
    suffix = path.suffix.lstrip(".")
    if suffix in RESULT_FORMATS:
        return outcome_of(ox.parse_query_results(path=str(path), format=RESULT_FORMATS[suffix]))
    fmt = ox.RdfFormat.from_extension(suffix)
    if fmt is None:
        return None
    quads = list(ox.parse(path=str(path), format=fmt, base_iri=base_iri))
    if any("result-set#" in q.predicate.value for q in quads):
        return None  # a result set written in RDF: not read here
    return Outcome("graph", to_rdflib(quads))


XSD = "http://www.w3.org/2001/XMLSchema#"
DECIMALS = {XSD + "decimal", XSD + "integer"}
FLOATS = {XSD + "double", XSD + "float"}


def canonical(term: Any) -> Any:
    """A numeric literal as its value (``1.0`` and ``1`` as decimals are one value)."""
    if isinstance(term, ox.Literal) and term.datatype.value in DECIMALS | FLOATS:
        try:
            kind = Decimal if term.datatype.value in DECIMALS else float
            return ("number", term.datatype.value, kind(term.value))
        except (InvalidOperation, ValueError):
            return term
    return term


def same_solutions(a: tuple, b: tuple) -> bool:
    """Whether two (variables, rows) results are the same multiset up to blank nodes
    (numeric literals compared by value)."""
    (vars_a, rows_a), (vars_b, rows_b) = a, b
    if set(vars_a) != set(vars_b) or len(rows_a) != len(rows_b):
        return False
    order = [vars_b.index(v) for v in vars_a]
    rows_a = [tuple(canonical(t) for t in row) for row in rows_a]
    rows_b = [tuple(canonical(row[i]) for i in order) for row in rows_b]
    if not any(isinstance(t, ox.BlankNode) for row in rows_a + rows_b for t in row):
        return Counter(rows_a) == Counter(rows_b)
    return _match(sorted(rows_a, key=_blank_count), rows_b, {}, {})


def _blank_count(row: tuple) -> int:
    return sum(isinstance(t, ox.BlankNode) for t in row)


def _match(rows_a: list, rows_b: list, forward: dict, backward: dict) -> bool:
    if not rows_a:
        return True
    for i, candidate in enumerate(rows_b):
        mapping = _unify(rows_a[0], candidate, forward, backward)
        if mapping and _match(rows_a[1:], rows_b[:i] + rows_b[i + 1 :], *mapping):
            return True
    return False


def _unify(row_a: tuple, row_b: tuple, forward: dict, backward: dict) -> tuple | None:
    forward, backward = dict(forward), dict(backward)
    for x, y in zip(row_a, row_b, strict=True):
        if isinstance(x, ox.BlankNode) and isinstance(y, ox.BlankNode):
            if forward.setdefault(x, y) != y or backward.setdefault(y, x) != x:
                return None
        elif x != y:
            return None
    return forward, backward


def csv_rows(text: str) -> Counter:
    """CSV results as a multiset of rows (header included), columns sorted by name and
    blank-node labels made alike."""
    rows = list(csv.reader(io.StringIO(text)))
    order = sorted(range(len(rows[0])), key=lambda i: rows[0][i])  # columns in any order
    same = [tuple("_:" if row[i].startswith("_:") else row[i] for i in order) for row in rows]
    return Counter(same)
