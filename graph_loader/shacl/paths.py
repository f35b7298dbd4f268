"""SHACL property paths (SHACL 2.3.1): read from a shapes graph, written as SPARQL paths.

A path is read into a small tree of tuples: ``("pred", iri)``, ``("inv", p)``,
``("seq", (p, ...))``, ``("alt", (p, ...))``, ``("star", p)``, ``("plus", p)``,
``("opt", p)``. A path that is not well formed raises :class:`PathError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from graph_loader.shacl.terms import sparql_term

#: A path tree: a kind and its argument (an IRI, a path or a tuple of paths).
Path: TypeAlias = tuple[str, Any]

_UNARY: dict[Node, str] = {
    SH.inversePath: "inv",
    SH.zeroOrMorePath: "star",
    SH.oneOrMorePath: "plus",
    SH.zeroOrOnePath: "opt",
}
_SUFFIX = {"star": "*", "plus": "+", "opt": "?"}


class PathError(ValueError):
    """A path node that is not a well-formed SHACL property path."""


def read_path(graph: Graph, node: Node, _depth: int = 0) -> Path:
    """The path tree of ``node`` in ``graph``."""
    if _depth > 50:
        raise PathError("path nested too deep (a cycle?)")
    if isinstance(node, URIRef):
        return ("pred", node)
    if not isinstance(node, BNode):
        raise PathError(f"a path must be an IRI or a blank node, not {node!r}")
    keys = set(graph.predicates(node)) - {RDF.type}
    if keys <= {RDF.first, RDF.rest} and RDF.first in keys:
        members = _list_members(graph, node)
        if len(members) < 2:
            raise PathError("a sequence path needs at least two members")
        return ("seq", tuple(read_path(graph, m, _depth + 1) for m in members))
    if len(keys) != 1:
        raise PathError(f"path node has {sorted(map(str, keys))}: expected exactly one kind")
    (key,) = keys
    values = list(graph.objects(node, key))
    if len(values) != 1:
        raise PathError(f"path node has {len(values)} values of {key}")
    if key == SH.alternativePath:
        members = _list_members(graph, values[0])
        if len(members) < 2:
            raise PathError("an alternative path needs at least two members")
        return ("alt", tuple(read_path(graph, m, _depth + 1) for m in members))
    if key in _UNARY:
        return (_UNARY[key], read_path(graph, values[0], _depth + 1))
    raise PathError(f"unknown path construct {key}")


def _list_members(graph: Graph, node: Node) -> list[Node]:
    members: list[Node] = []
    seen: set[Node] = set()
    while node != RDF.nil:
        if node in seen or not isinstance(node, BNode):
            raise PathError("malformed RDF list in a path")
        seen.add(node)
        firsts = list(graph.objects(node, RDF.first))
        rests = list(graph.objects(node, RDF.rest))
        if len(firsts) != 1 or len(rests) != 1:
            raise PathError("malformed RDF list in a path")
        members.append(firsts[0])
        node = rests[0]
    return members


def sparql_path(path: Path) -> str:
    """The SPARQL 1.1 property path text of a path tree (SPARQL paths keep SHACL's meaning)."""
    kind, arg = path
    if kind == "pred":
        return sparql_term(arg)
    if kind == "inv":
        return f"^({sparql_path(arg)})"
    if kind == "seq":
        return "(" + "/".join(sparql_path(p) for p in arg) + ")"
    if kind == "alt":
        return "(" + "|".join(sparql_path(p) for p in arg) + ")"
    return f"({sparql_path(arg)}){_SUFFIX[kind]}"


def path_text(graph: Graph, node: Node) -> str:
    """A readable form of the path at ``node``: SPARQL path syntax, or the node itself."""
    try:
        return sparql_path(read_path(graph, node))
    except (PathError, ValueError):
        return node.n3()


def path_triples(graph: Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    """The triples that make up the path at ``node`` (what a report copies of it)."""
    if not isinstance(node, BNode):
        return
    if (node, RDF.first, None) in graph:
        current: Node = node
        seen: set[Node] = set()
        while isinstance(current, BNode) and current not in seen:
            seen.add(current)
            for first in graph.objects(current, RDF.first):
                yield current, RDF.first, first
                yield from path_triples(graph, first)
            rest = graph.value(current, RDF.rest)
            if rest is None:
                return
            yield current, RDF.rest, rest
            current = rest
        return
    for key in (SH.alternativePath, *_UNARY):
        for value in graph.objects(node, key):
            yield node, key, value
            yield from path_triples(graph, value)
        if (node, key, None) in graph:
            return


_STRUCTURE = (RDF.first, RDF.rest, SH.alternativePath, *_UNARY)


def copy_path(graph: Graph, node: Node) -> tuple[Node, list[tuple[Node, Node, Node]]]:
    """A fresh copy of the path at ``node``: a blank node reached twice is copied twice, so
    the copy is the tree the path denotes."""
    if not isinstance(node, BNode):
        return node, []
    triples = list(path_triples(graph, node))
    top = {(s, p) for s, p, _ in triples if s == node}
    fresh = BNode()
    out: list[tuple[Node, Node, Node]] = []
    for predicate in _STRUCTURE:
        if (node, predicate) not in top:
            continue
        for value in graph.objects(node, predicate):
            copied, below = copy_path(graph, value)
            out.append((fresh, predicate, copied))
            out.extend(below)
    return fresh, out
