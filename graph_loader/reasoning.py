"""Materialise the ontology's useful inferences into the ``inferred`` graph, inside Oxigraph.

What is inferred, from the axioms of the ontology graph alone:

- types from the rdfs:subClassOf closure (an academic library is a library, an institution,
  an org:Organization);
- property values from the rdfs:subPropertyOf closure (org:unitOf gives org:subOrganizationOf,
  skos:broader gives skos:broaderTransitive);
- the inverse of every owl:inverseOf pair, in both directions (org:hasMember / org:memberOf);
- the converse of owl:SymmetricProperty values (lamc:cooperatesWith);
- the closure of owl:TransitiveProperty values (org:transitiveSubOrganizationOf,
  skos:broaderTransitive), without the reflexive pairs a cycle would give;
- owl:propertyChainAxiom, whose steps may be inverses (the org:memberOf shortcut of an
  org:Membership).

Domains and ranges are not applied: a value of the wrong kind would silently gain a type
instead of being reported by the shapes. The rules run as SPARQL updates over the graphs
the catalogue's reasoning purpose covers (the ontology, the dataset of record and users'
data: see :mod:`graph_loader.graphs`) until nothing new is found, into a staged copy of the
inferred graph that is published in one step, so a rerun replaces the previous result and
gives the same triples.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader import graphs
from graph_loader.settings import Settings
from graph_loader.store import Store
from graph_loader.vocab import OWL, RDF, RDFS, Term

RDF_TYPE = RDF + "type"

#: A safety net: the closure of a finite schema converges in a few rounds.
MAX_ROUNDS = 50


@dataclass(frozen=True)
class Schema:
    """The axioms of the ontology that the rules use, as IRIs."""

    superclasses: dict[str, frozenset[str]] = field(default_factory=dict)
    superproperties: dict[str, frozenset[str]] = field(default_factory=dict)
    inverses: frozenset[tuple[str, str]] = frozenset()
    symmetric: frozenset[str] = frozenset()
    transitive: frozenset[str] = frozenset()
    #: (property, its chain): each step an IRI and whether it is taken backwards.
    chains: frozenset[tuple[str, tuple[tuple[str, bool], ...]]] = frozenset()


@dataclass(frozen=True)
class InferenceResult:
    """What one run materialised."""

    graph: str
    triples: int
    rounds: int
    data_graphs: tuple[str, ...]


def read_schema(store: Store, ontology_graph: str) -> Schema:
    """The subclass, subproperty, inverse, symmetric and transitive axioms of the ontology."""

    def pairs(predicate: str) -> list[tuple[str, str]]:
        rows = store.query(
            "SELECT ?a ?p ?b WHERE { ?a ?p ?b FILTER(isIRI(?a) && isIRI(?b)) }",
            default_graph=ox.NamedNode(ontology_graph),
            substitutions={ox.Variable("p"): ox.NamedNode(predicate)},
        )
        return [(r["a"].value, r["b"].value) for r in rows]

    def typed(cls: str) -> frozenset[str]:
        return frozenset(a for a, b in pairs(RDF_TYPE) if b == cls)

    inverses = pairs(OWL + "inverseOf")
    return Schema(
        superclasses=closure(pairs(RDFS + "subClassOf")),
        superproperties=closure(pairs(RDFS + "subPropertyOf")),
        inverses=frozenset(inverses + [(b, a) for a, b in inverses]),
        symmetric=typed(OWL + "SymmetricProperty"),
        transitive=typed(OWL + "TransitiveProperty"),
        chains=read_chains(store, ontology_graph),
    )


def read_chains(store: Store, ontology_graph: str) -> frozenset:
    """The property chains of the ontology; a chain with a step it cannot read is left out."""
    first: dict[Term, Term] = {}
    rest: dict[Term, Term] = {}
    inverse_of: dict[Term, Term] = {}
    chains: list[tuple[str, Term]] = []
    for quad in store.quads(ontology_graph):
        s, p, o = quad.subject, quad.predicate.value, quad.object
        if p == RDF + "first":
            first[s] = o
        elif p == RDF + "rest":
            rest[s] = o
        elif p == OWL + "inverseOf" and isinstance(s, ox.BlankNode):
            inverse_of[s] = o
        elif p == OWL + "propertyChainAxiom" and isinstance(s, ox.NamedNode):
            chains.append((s.value, o))
    result = set()
    for prop, start in chains:
        node: Term | None = start
        steps = []
        while node in first:
            step = first[node]
            backwards = step in inverse_of
            step = inverse_of.get(step, step)
            if not isinstance(step, ox.NamedNode):
                break
            steps.append((step.value, backwards))
            node = rest.get(node)
        else:
            if len(steps) > 1:
                result.add((prop, tuple(steps)))
    return frozenset(result)


def closure(edges: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """For each node, every node reachable from it (itself excluded)."""
    direct: dict[str, set[str]] = {}
    for a, b in edges:
        direct.setdefault(a, set()).add(b)
    result = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(direct.get(node, ()))
        seen.discard(start)
        result[start] = frozenset(seen)
    return result


def type_update(schema: Schema, target: str, sources: Iterable[str]) -> str:
    """The update adding every type the subclass closure gives (empty if there is none).

    No other rule yields types, so one run is enough.
    """
    subclass = _values(("c", "d"), _flatten(schema.superclasses))
    if not subclass:
        return ""
    return (
        f"INSERT {{ GRAPH {_iri(target)} {{ ?s a ?d }} }}\n{_using(sources, target)}"
        f"WHERE {{ {subclass} ?s a ?c . FILTER NOT EXISTS {{ ?s a ?d }} }}"
    )


def rule_updates(schema: Schema, target: str, sources: Iterable[str]) -> list[str]:
    """The updates of the property rules, which feed one another: run until nothing is new."""
    dataset = _using(sources, target)
    into = f"INSERT {{ GRAPH {_iri(target)} "
    subproperty = _values(("p", "q"), _flatten(schema.superproperties))
    updates = []
    if subproperty:
        updates.append(
            f"{into}{{ ?s ?q ?o }} }}\n{dataset}"
            f"WHERE {{ {subproperty} ?s ?p ?o . FILTER NOT EXISTS {{ ?s ?q ?o }} }}"
        )
    if schema.inverses:
        updates.append(
            f"{into}{{ ?o ?q ?s }} }}\n{dataset}"
            f"WHERE {{ {_values(('p', 'q'), sorted(schema.inverses))} ?s ?p ?o . "
            "FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o ?q ?s } }"
        )
    if schema.symmetric:
        updates.append(
            f"{into}{{ ?o ?p ?s }} }}\n{dataset}"
            f"WHERE {{ {_values(('p',), [(p,) for p in sorted(schema.symmetric)])} ?s ?p ?o . "
            "FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o ?p ?s } }"
        )
    for prop, steps in sorted(schema.chains):
        path = "/".join(("^" if backwards else "") + _iri(step) for step, backwards in steps)
        p = _iri(prop)
        updates.append(
            f"{into}{{ ?s {p} ?o }} }}\n{dataset}"
            f"WHERE {{ ?s {path} ?o . FILTER NOT EXISTS {{ ?s {p} ?o }} }}"
        )
    for prop in sorted(schema.transitive):
        p = _iri(prop)
        updates.append(
            f"{into}{{ ?s {p} ?o }} }}\n{dataset}"
            # p/p* rather than p+: Virtuoso runs a transitive path only from a bound start.
            f"WHERE {{ ?s {p} ?x . ?x {p}* ?o . FILTER(?s != ?o) "
            f"FILTER NOT EXISTS {{ ?s {p} ?o }} }}"
        )
    return updates


def materialise(store: Store, settings: Settings) -> InferenceResult:
    """Recompute the inferred graph from the data graphs and publish it in one step."""
    target = settings.graph_iri(graphs.INFERRED)
    schema = read_schema(store, settings.graph_iri(graphs.ONTOLOGY))
    found = graphs.covered(graphs.Purpose.REASONING, store.graphs(), base_iri=settings.base_iri)
    sources = tuple(g.iri for g in found if g.triples)
    staged = store.stage([], graph=target, format=None, replace=True)
    try:
        physical = staged.physical(target)
        types = type_update(schema, physical, sources)
        if types:
            store.update(types)
        updates = rule_updates(schema, physical, sources)
        rounds, count = 0, store.triple_count(physical)
        while updates and rounds < MAX_ROUNDS:
            rounds += 1
            store.update(" ;\n".join(updates))
            now = store.triple_count(physical)
            if now == count:
                break
            count = now
        staged.publish()
    except BaseException:
        staged.abort()
        raise
    return InferenceResult(target, store.triple_count(target), rounds, sources)


def _using(sources: Iterable[str], target: str) -> str:
    """The dataset clause: the data graphs and what has been inferred so far."""
    return "".join(f"USING {_iri(g)}\n" for g in [*sources, target])


def _iri(iri: str) -> str:
    return str(ox.NamedNode(iri))


def _flatten(closure_map: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, bs in closure_map.items() for b in bs)


def _values(names: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    body = " ".join("(" + " ".join(_iri(v) for v in row) + ")" for row in rows)
    if not body:
        return ""
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ {body} }}"
