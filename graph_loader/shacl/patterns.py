"""Pieces of the SPARQL the SHACL compiler writes: a step along a path, and the ways a
node may fail a shape written as a pattern or as an expression."""

from __future__ import annotations

from rdflib.namespace import RDF, RDFS

from graph_loader.shacl.paths import Path, sparql_path
from graph_loader.shacl.terms import sparql_term

_RDF_TYPE = sparql_term(RDF.type)
_SUBCLASS = sparql_term(RDFS.subClassOf)


def as_pattern(kind: str, text: str) -> str:
    """A part of :meth:`~graph_loader.shacl.compile.Compiler._parts` as a group pattern."""
    if kind == "filter":
        return f"FILTER({text})"
    return f"FILTER NOT EXISTS {{ {text} }}" if kind == "absent" else text


def as_expression(kind: str, text: str) -> str:
    """A part of :meth:`~graph_loader.shacl.compile.Compiler._parts` as an expression
    (errors count as false, as in ``EXISTS { FILTER(…) }``)."""
    if kind == "filter":
        return f"COALESCE(({text}), false)"
    return f"NOT EXISTS {{ {text} }}" if kind == "absent" else f"EXISTS {{ {text} }}"


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


def instances_of(v: str, cls: str, t: str) -> str:
    """``v rdf:type/rdfs:subClassOf* cls`` written without a zero-length step (``t`` a
    fresh variable): Virtuoso 7 answers the ``*`` form wrongly inside ``MINUS`` and
    ``NOT EXISTS`` (it finds no instance)."""
    return f"{{ {v} {_RDF_TYPE} {cls} }} UNION {{ {v} {_RDF_TYPE} {t} . {t} {_SUBCLASS}+ {cls} }}"
