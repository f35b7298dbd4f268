"""Bound values for a remote query: the substitutions pyoxigraph takes, as a VALUES block.

The embedded store binds variables before it evaluates (``substitutions``). A remote
engine takes only text, so the values go in a ``VALUES`` block at the start of the query's
outer group and of each subquery, where they join everything else the way pyoxigraph's
bindings do. The terms
are written by pyoxigraph (escaped), never pasted from a caller's text; the place of the
group is found with strings, IRIs and comments skipped.

>>> import pyoxigraph as ox
>>> print(bind('SELECT ?n WHERE { GRAPH ?g { ?s ?p "{" } }',
...            {ox.Variable("g"): ox.NamedNode("http://e/g")}))
SELECT ?n WHERE { VALUES (?g) { (<http://e/g>) } GRAPH ?g { ?s ?p "{" } }
>>> a = {ox.Variable("e"): ox.Literal("a")}
>>> print(bind("SELECT * { { SELECT ?e { ?e ?p ?o } LIMIT 1 } }", a))
SELECT * { VALUES (?e) { ("a") } { SELECT ?e { VALUES (?e) { ("a") } ?e ?p ?o } LIMIT 1 } }
>>> print(bind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {ox.Variable("s"): ox.Literal("a")}))
CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { ("a") } ?s ?p ?o }
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from graph_loader.store.layout import StoreError

_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)
_SUBQUERY = re.compile(r"\bSELECT\b", re.IGNORECASE)


def bind(sparql: str, substitutions: Mapping[ox.Variable, Any]) -> str:
    """``sparql`` with ``substitutions`` as a VALUES block opening its outer group and
    each subquery."""
    if not substitutions:
        return sparql
    names, values = [], []
    for variable, term in substitutions.items():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise StoreError(f"a remote store cannot bind ?{variable.value} to {term}")
        names.append(str(variable))
        values.append(str(term))
    block = f"VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }} "
    for at in sorted(_groups(sparql), reverse=True):
        sparql = sparql[: at + 1] + " " + block + sparql[at + 1 :].lstrip()
    return sparql


def _groups(sparql: str) -> list[int]:
    """Where the ``{`` of the query's WHERE clause is (a CONSTRUCT's template skipped), and
    that of each subquery: pyoxigraph binds a variable in subqueries too."""
    code = _SKIP.sub(lambda m: " " * len(m.group()), sparql)
    form = _FORM.search(code)
    if form is None:
        raise StoreError("cannot bind values in a text that is not a query")
    template = form.group(1).upper() == "CONSTRUCT" and code[form.end() :].lstrip()[:1] == "{"
    found = [_group(code, form.end(), template)]
    found += [_group(code, m.end(), False) for m in _SUBQUERY.finditer(code, form.end())]
    return found


def _group(code: str, start: int, template: bool) -> int:
    """The first ``{`` from ``start`` outside brackets (after a template, when given)."""
    depth, parens = 0, 0
    for i in range(start, len(code)):
        char = code[i]
        if char == "(":
            parens += 1
        elif char == ")":
            parens -= 1
        elif char == "{" and parens == 0:
            if depth == 0 and not template:
                return i
            depth += 1
        elif char == "}" and parens == 0:
            depth -= 1
            if depth == 0:
                template = False
    raise StoreError("cannot bind values: the query has no WHERE clause")
