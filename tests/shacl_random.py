"""Seeded random data graphs and shapes graphs using only the constraints the SPARQL
compiler handles (the logical ``sh:or``, ``sh:and``, ``sh:xone`` and ``sh:not`` among
them): the material of the differential test against pySHACL.

Range constraints (min/max inclusive/exclusive) are drawn only over numbers (the values of
``ex:number``, or focus nodes that are IRIs or numeric target nodes). On literals of
incomparable types SHACL says the comparison fails and the value violates the constraint
(SPARQL's operators; the W3C suite's minInclusive-002/003 check this, and the fast path
does so), while pySHACL falls back on rdflib's ordering of literals and may pass them.
"""

from __future__ import annotations

import random

from rdflib import BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

EX = Namespace("http://example.org/random/")
CLASSES = [EX[f"C{i}"] for i in range(4)]
PREDICATES = [EX[f"p{i}"] for i in range(5)]
#: The one predicate whose values are all numbers: range constraints are drawn only over it.
NUMBER = EX.number
DATATYPES = [XSD.integer, XSD.string, XSD.decimal, XSD.date, RDF.langString, XSD.boolean]
NODE_KINDS = [SH.IRI, SH.BlankNode, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral]
NODE_KINDS.append(SH.IRIOrLiteral)
PATTERNS = ["^a", "b", "^[0-9]+$", "1"]


def literals(rng: random.Random) -> list[Literal]:
    """A pool of literals of several kinds, a few of them ill-typed."""
    pool = [Literal(rng.randint(-3, 12)) for _ in range(6)]
    pool += [Literal(f"{rng.randint(0, 9)}.{rng.randint(0, 9)}", datatype=XSD.decimal)]
    pool += [Literal(w) for w in ("a", "abc", "Bob", "b1", "12", "")]
    pool += [Literal("hello", lang="en"), Literal("bonjour", lang="fr"), Literal("hi", lang="en")]
    pool += [Literal("2020-01-0" + str(rng.randint(1, 9)), datatype=XSD.date)]
    pool += [Literal(True), Literal(False), Literal("x", datatype=XSD.integer)]
    return pool


def data_graph(rng: random.Random, size: int = 30) -> Graph:
    """Typed nodes with random links and values; a small class hierarchy."""
    graph = Graph()
    graph.add((CLASSES[1], RDFS.subClassOf, CLASSES[0]))
    graph.add((CLASSES[2], RDFS.subClassOf, CLASSES[1]))
    nodes: list = [EX[f"n{i}"] for i in range(size)] + [BNode(f"b{i}") for i in range(4)]
    pool = literals(rng)
    for node in nodes:
        for cls in rng.sample(CLASSES, rng.randint(0, 2)):
            graph.add((node, RDF.type, cls))
        for _ in range(rng.randint(0, 5)):
            value = rng.choice(nodes) if rng.random() < 0.5 else rng.choice(pool)
            graph.add((node, rng.choice(PREDICATES), value))
        for _ in range(rng.randint(0, 2)):
            graph.add((node, NUMBER, rng.choice(pool[:7])))
    return graph


def path(rng: random.Random, graph: Graph, depth: int = 0):
    """A random SHACL path: mostly predicates, sometimes inverse, sequence, alternative..."""
    kind = rng.choice(
        ["pred"] * 4 + (["inv", "seq", "alt", "star", "plus", "opt"] if depth < 2 else [])
    )
    if kind == "pred":
        return rng.choice(PREDICATES)
    node = BNode()
    if kind in ("seq", "alt"):
        members = [path(rng, graph, depth + 1) for _ in range(2)]
        head = BNode()
        Collection(graph, head, members)
        if kind == "seq":
            return head
        graph.add((node, SH.alternativePath, head))
        return node
    key = {"inv": SH.inversePath, "star": SH.zeroOrMorePath}.get(kind)
    key = key or {"plus": SH.oneOrMorePath, "opt": SH.zeroOrOnePath}[kind]
    # An inverse wraps a predicate only: pySHACL walks the inverse of a sequence path in
    # the wrong order (^(p/q) as ^p/^q rather than ^q/^p); test_shacl_paths checks ours.
    inner = rng.choice(PREDICATES) if kind == "inv" else path(rng, graph, depth + 1)
    graph.add((node, key, inner))
    return node


def constraint(
    rng: random.Random, graph: Graph, shape, *, on_property: bool, leaves: list, used: set
) -> None:
    """Add one random constraint to ``shape`` (each parameter at most once per shape)."""
    pool = literals(rng) + [EX[f"n{i}"] for i in range(5)]
    kinds = ["class", "datatype", "nodeKind", "length", "pattern", "in", "languageIn"]
    kinds += ["hasValue"] + (["minCount", "maxCount", "uniqueLang"] if on_property else [])
    kinds += ["node", "logical"] if leaves else []
    kinds += ["range"] if (shape, SH.path, NUMBER) in graph or not on_property else []
    kinds = [k for k in kinds if k not in used]
    if not kinds:
        return
    kind = rng.choice(kinds)
    used.add(kind)
    add = lambda p, o: graph.add((shape, p, o))  # noqa: E731
    if kind == "class":
        add(SH["class"], rng.choice(CLASSES))
    elif kind == "datatype":
        add(SH.datatype, rng.choice(DATATYPES))
    elif kind == "nodeKind":
        add(SH.nodeKind, rng.choice(NODE_KINDS))
    elif kind == "range":
        p = rng.choice([SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive])
        add(p, Literal(rng.randint(0, 10)))
    elif kind == "length":
        add(rng.choice([SH.minLength, SH.maxLength]), Literal(rng.randint(1, 4)))
    elif kind == "pattern":
        add(SH.pattern, Literal(rng.choice(PATTERNS)))
        if rng.random() < 0.3:
            add(SH.flags, Literal("i"))
    elif kind in ("in", "languageIn"):
        head = BNode()
        members = (
            rng.sample(pool, 3)
            if kind == "in"
            else [Literal(t) for t in rng.choice([["en"], ["en", "fr"]])]
        )
        Collection(graph, head, members)
        add(SH["in"] if kind == "in" else SH.languageIn, head)
    elif kind == "hasValue":
        add(SH.hasValue, rng.choice(pool))
    elif kind in ("minCount", "maxCount"):
        add(SH[kind], Literal(rng.randint(0, 2)))
    elif kind == "uniqueLang":
        add(SH.uniqueLang, Literal(True))
    elif kind == "node":
        add(SH.node, rng.choice(leaves))
    else:
        logical(rng, graph, shape, leaves)


def logical(rng: random.Random, graph: Graph, shape, leaves: list) -> None:
    """``sh:or``, ``sh:and``, ``sh:xone`` of two or three member shapes, or ``sh:not`` of
    one: the shared leaf shapes, or anonymous node shapes of one value-based constraint."""
    members = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.4:
            members.append(rng.choice(leaves))
            continue
        member = BNode()
        constraint(rng, graph, member, on_property=False, leaves=[], used={"range"})
        members.append(member)
    parameter = rng.choice([SH["or"], SH["or"], SH["and"], SH.xone, SH["not"]])
    if parameter == SH["not"]:
        graph.add((shape, parameter, members[0]))
        return
    head = BNode()
    Collection(graph, head, members)
    graph.add((shape, parameter, head))


def _property_path(rng: random.Random, graph: Graph):
    return NUMBER if rng.random() < 0.25 else path(rng, graph)


def shapes_graph(rng: random.Random, count: int = 4) -> Graph:
    """Node shapes with random targets, constraints and property shapes; a few shapes
    without targets that others refer to with ``sh:node``."""
    graph = Graph()
    leaves = []
    for i in range(2):
        leaf = EX[f"Leaf{i}"]
        graph.add((leaf, RDF.type, SH.NodeShape))
        constraint(rng, graph, leaf, on_property=False, leaves=[], used={"range"})
        prop = BNode()
        graph.add((leaf, SH.property, prop))
        graph.add((prop, SH.path, _property_path(rng, graph)))
        constraint(rng, graph, prop, on_property=True, leaves=[], used=set())
        leaves.append(leaf)
    for i in range(count):
        shape = EX[f"Shape{i}"]
        graph.add((shape, RDF.type, SH.NodeShape))
        target = rng.choice(["class", "node", "subjects", "objects"])
        if target == "class":
            graph.add((shape, SH.targetClass, rng.choice(CLASSES)))
        elif target == "node":
            for n in rng.sample(range(30), 4):
                graph.add((shape, SH.targetNode, EX[f"n{n}"]))
            graph.add((shape, SH.targetNode, Literal(rng.randint(0, 9))))
        else:
            key = SH.targetSubjectsOf if target == "subjects" else SH.targetObjectsOf
            graph.add((shape, key, rng.choice(PREDICATES)))
        if rng.random() < 0.1:
            graph.add((shape, SH.deactivated, Literal(True)))
        if rng.random() < 0.3:
            graph.add((shape, SH.severity, rng.choice([SH.Warning, SH.Info])))
        # Range constraints on a node shape only where its focus nodes are IRIs or numbers.
        used = set() if target in ("class", "node") else {"range"}
        for _ in range(rng.randint(0, 2)):
            constraint(rng, graph, shape, on_property=False, leaves=leaves, used=used)
        for j in range(rng.randint(1, 3)):
            prop = EX[f"Shape{i}-p{j}"]
            graph.add((shape, SH.property, prop))
            graph.add((prop, SH.path, _property_path(rng, graph)))
            used = set()
            for _ in range(rng.randint(1, 3)):
                constraint(rng, graph, prop, on_property=True, leaves=leaves, used=used)
    return graph
