"""An entity's description as quads: what :meth:`ReadableStore.describe_entity` answers.

A description (:mod:`graph_loader.describe` makes documents of it) is every statement with
the entity as subject, the blank nodes those reach (and blank nodes that point at the
entity, such as the ``rdf:Statement`` citing one of its facts), the labels of what it or
those blank nodes point to, and one page of the statements where it is the object (their
subjects no blank node), ordered by the text of predicate, subject and graph, with their
subjects' labels. Every statement keeps its graph; only graphs outside the store's bookkeeping
(``urn:lamcoop:``, :data:`~graph_loader.graphs.INTERNAL_PREFIX`) are drawn on, while the
paths to blank nodes and labelled things may run through any graph, as the union default
graph of a query does.

Two ways to the same quads: :func:`by_patterns`, the embedded store's, by look-ups on its
indexes (no SPARQL evaluation); :class:`DescribedByQuery`, for a store that only speaks
SPARQL (a remote one), one query (:data:`DESCRIPTION_QUERY`), which reaches blank nodes
three hops from the entity (the embedded store's fallback to it then reads deeper ones one
by one). :func:`by_patterns` hands an entity with more than
:data:`SCAN_LIMIT` incoming statements to the query too (the engine counts and orders them
faster than Python reads them).

>>> store = ox.Store()
>>> store.update('INSERT DATA { GRAPH <http://g> { <http://x/a> <http://p> [ <http://q> 1 ] ;'
...              ' <http://p> <http://x/b> .'
...              ' <http://x/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" .'
...              ' <http://x/c> <http://p> <http://x/a> } }')
>>> found = by_patterns(store, "http://x/a", offset=0, limit=10)
>>> len(found.outgoing), len(found.closure), len(found.labels), found.incoming_total
(2, 1, 1, 1)
>>> found == by_query(store, "http://x/a", offset=0, limit=10)
True
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any

import pyoxigraph as ox

from graph_loader.graphs import INTERNAL_PREFIX
from graph_loader.store.interface import EntityQuads
from graph_loader.vocab import RDFS, SKOS, sparql_prefixes

#: The label predicates a description carries, in the order it reads them.
LABELS = (SKOS.prefLabel, RDFS.label)
#: Blank nodes followed one by one past the third hop, at most.
MAX_BLANK_ROUNDS = 200
#: Incoming statements read by pattern at most; an entity with more is described by query.
SCAN_LIMIT = 5_000

_PREFIXES = sparql_prefixes("rdfs", "skos")
#: The graphs descriptions draw on: every graph but the store's own bookkeeping (the
#: catalogue's describe purpose; the prefix is written as a literal by pyoxigraph).
_PUBLISHED = f"FILTER(!STRSTARTS(STR(?g), {ox.Literal(INTERNAL_PREFIX)}))"
_OUT1 = "?e ?p1 ?s . FILTER(isBlank(?s))"
_OUT2 = "?e ?p1 ?b1 . FILTER(isBlank(?b1)) ?b1 ?p2 ?s . FILTER(isBlank(?s))"
_OUT3 = _OUT2.replace("?s . FILTER(isBlank(?s))", "?b2 . FILTER(isBlank(?b2))") + (
    " ?b2 ?p3 ?s . FILTER(isBlank(?s))"
)
_IN1 = "?s ?p0 ?e . FILTER(isBlank(?s))"
#: Where the things whose labels a description carries are: what the entity points to, and
#: what a blank node next to it (from it, or pointing at it) points to.
_LABELLED = (
    "?e ?p0 ?s .",
    "?e ?p1 ?b . FILTER(isBlank(?b)) ?b ?p0 ?s .",
    "?b ?p1 ?e . FILTER(isBlank(?b)) ?b ?p0 ?s .",
)
_INCOMING = (
    "{ SELECT ?e ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?e } FILTER(!isBlank(?s)) "
    + _PUBLISHED
    + " } ORDER BY STR(?p) STR(?s) STR(?g) LIMIT %(limit)d OFFSET %(offset)d }"
    " OPTIONAL { VALUES ?lp { skos:prefLabel rdfs:label } GRAPH ?lg { ?s ?lp ?l } "
    + _PUBLISHED.replace("?g", "?lg")
    + " }"
)


def _branch(tag: str, body: str, out: str = "?s ?p ?o ?g", group: str = "") -> str:
    """One branch of :data:`DESCRIPTION_QUERY`, a subquery of its own: a remote store gets
    the entity's bound value inside each (see :mod:`graph_loader.store.bindings`), so no
    branch is evaluated for every entity first."""
    return f'{{ SELECT ?e ?w {out} WHERE {{ BIND("{tag}" AS ?w) {body} }}{group} }}'


#: The whole description as one query (``%(limit)d`` and ``%(offset)d`` the page), rows
#: tagged ``?w``: ``o`` the entity's own quads (``?p ?o ?g``); ``c`` the quads of the blank
#: nodes within three hops of the entity and of blank nodes pointing at it (``?s ?p ?o
#: ?g``); ``l`` the labels of what the entity or those blank nodes point to (``?s ?p ?o
#: ?g``); ``n`` how many statements with a subject that is no blank node point at the
#: entity (``?n``; no row when none does); ``i`` the page of those (``?s ?p ?g``) with a
#: label of the subject when it has some (``?lp ?l ?lg``).
DESCRIPTION_QUERY = (
    _PREFIXES
    + "SELECT ?e ?w ?s ?p ?o ?g ?n ?lp ?l ?lg WHERE {\n"
    + "\n  UNION ".join(
        (
            _branch("o", f"GRAPH ?g {{ ?e ?p ?o }} {_PUBLISHED}", "?p ?o ?g"),
            *(
                _branch("c", f"{path} GRAPH ?g {{ ?s ?p ?o }} {_PUBLISHED}")
                for path in (_OUT1, _OUT2, _OUT3, _IN1)
            ),
            *(
                _branch(
                    "l",
                    f"{path} FILTER(isIRI(?s)) GRAPH ?g {{ ?s ?p ?o }} "
                    f"FILTER(?p = skos:prefLabel || ?p = rdfs:label) {_PUBLISHED}",
                )
                for path in _LABELLED
            ),
            _branch(
                "n",
                f"GRAPH ?g {{ ?s ?p ?e }} FILTER(!isBlank(?s)) {_PUBLISHED}",
                "(COUNT(*) AS ?n)",
                " GROUP BY ?e ?w",
            ),
            _branch("i", _INCOMING, "?s ?p ?g ?lp ?l ?lg"),
        )
    )
    + "\n}"
)
BLANK_QUERY = f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_PUBLISHED} }}"


def published(graph: Any) -> bool:
    """Whether a quad's graph is one descriptions draw on (a named graph, not internal)."""
    return isinstance(graph, ox.NamedNode) and not graph.value.startswith(INTERNAL_PREFIX)


def by_patterns(store: ox.Store, iri: str, *, offset: int, limit: int) -> EntityQuads:
    """The description of ``iri`` from pattern look-ups on ``store``'s indexes, with the
    incoming statements ``offset`` to ``offset + limit``."""
    entity = ox.NamedNode(iri)
    look = store.quads_for_pattern
    into = list(islice(look(None, None, entity, None), SCAN_LIMIT + 1))
    if len(into) > SCAN_LIMIT:
        return by_query(store, iri, offset=offset, limit=limit)
    # Paths run through every graph (the union default graph of the query form), what is
    # kept comes from published graphs only: each blank node's quads are read once.
    seen: dict[ox.BlankNode, list[ox.Quad]] = {}

    def around(node: ox.BlankNode) -> list[ox.Quad]:
        if node not in seen:
            seen[node] = list(look(node, None, None, None))
        return seen[node]

    own = list(look(entity, None, None, None))
    # The blank nodes one, two and three hops out, and those pointing at the entity.
    near = list(dict.fromkeys(_blank(q.object for q in own)))
    seeds = dict.fromkeys(near)
    hop = near
    for _ in range(2):
        hop = list(dict.fromkeys(_blank(q.object for n in hop for q in around(n))))
        seeds.update(dict.fromkeys(hop))
    pointing = list(dict.fromkeys(_blank(q.subject for q in into)))
    seeds.update(dict.fromkeys(pointing))
    # What the entity, or a blank node next to it, points to: labelled when an IRI.
    targets = [q.object for q in own] + [q.object for n in (*near, *pointing) for q in around(n)]
    named = dict.fromkeys(t for t in targets if isinstance(t, ox.NamedNode))
    closure = [q for n in seeds for q in around(n) if published(q.graph_name)]
    # The statements pointing at the entity from no blank node, counted; one page of them.
    rows = [q for q in into if published(q.graph_name) and not isinstance(q.subject, ox.BlankNode)]
    page = heapq.nsmallest(offset + limit, rows, key=_incoming_order)[offset:]
    return EntityQuads(
        outgoing=[q for q in own if published(q.graph_name)],
        closure=deeper(closure, lambda n: [q for q in around(n) if published(q.graph_name)]),
        labels=_labels(look, named),
        incoming=page,
        incoming_labels=_labels(look, dict.fromkeys(q.subject for q in page)),
        incoming_total=len(rows),
    )


class DescribedByQuery:
    """``describe_entity`` for a store that answers SPARQL only (:func:`by_query`)."""

    def describe_entity(self, iri: str, *, offset: int, limit: int) -> EntityQuads:
        """The description of ``iri`` with the incoming statements ``offset`` to
        ``offset + limit`` (see :meth:`ReadableStore.describe_entity`). Blank nodes are
        followed to the third hop: a remote store's blank nodes are named afresh in each
        answer, so no later query can ask for one."""
        return by_query(self, iri, offset=offset, limit=limit, deeper_blanks=False)


def by_query(
    store: Any, iri: str, *, offset: int, limit: int, deeper_blanks: bool = True
) -> EntityQuads:
    """The description of ``iri`` from ``store.query``: :data:`DESCRIPTION_QUERY` (one
    read), then (``deeper_blanks``) one :data:`BLANK_QUERY` per blank node past the third
    hop."""
    entity = ox.NamedNode(iri)
    text = DESCRIPTION_QUERY % {"limit": limit, "offset": offset}
    found = EntityQuads()
    closure: dict[ox.Quad, None] = {}
    labels: dict[ox.Quad, None] = {}
    incoming: dict[ox.Quad, None] = {}
    for r in _rows(store, text, e=entity):
        tag = r["w"].value
        if tag == "o":
            found.outgoing.append(ox.Quad(entity, r["p"], r["o"], r["g"]))
        elif tag in ("c", "l"):
            (closure if tag == "c" else labels).setdefault(ox.Quad(r["s"], r["p"], r["o"], r["g"]))
        elif tag == "n":
            found.incoming_total += int(r["n"].value)
        elif tag == "i":
            incoming.setdefault(ox.Quad(r["s"], r["p"], entity, r["g"]))
            if r["l"] is not None:
                found.incoming_labels.append(ox.Quad(r["s"], r["lp"], r["l"], r["lg"]))

    def blank(node: ox.BlankNode) -> list[ox.Quad]:
        return [ox.Quad(node, r["p"], r["o"], r["g"]) for r in _rows(store, BLANK_QUERY, s=node)]

    found.closure = deeper(list(closure), blank) if deeper_blanks else list(closure)
    # The page in its order, whatever order the engine gives the union's rows in.
    found.labels, found.incoming = list(labels), sorted(incoming, key=_incoming_order)
    return found


def deeper(
    found: list[ox.Quad], quads_of: Callable[[ox.BlankNode], list[ox.Quad]]
) -> list[ox.Quad]:
    """``found`` (blank-node quads near the entity) with the quads of the blank nodes they
    reach further, one node at a time (at most :data:`MAX_BLANK_ROUNDS`)."""
    kept = dict.fromkeys(found)
    done = {q.subject for q in kept}
    todo = [n for n in _blank(q.object for q in kept) if n not in done]
    rounds = 0
    while todo and rounds < MAX_BLANK_ROUNDS:
        node = todo.pop()
        rounds += 1
        if node in done:
            continue
        done.add(node)
        for quad in quads_of(node):
            kept.setdefault(quad)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in done:
                todo.append(quad.object)
    return list(kept)


def _labels(look: Callable[..., Iterable[ox.Quad]], things: Iterable[Any]) -> list[ox.Quad]:
    """The ``skos:prefLabel`` and ``rdfs:label`` quads of ``things`` in published graphs."""
    return [
        q for t in things for p in LABELS for q in look(t, p, None, None) if published(q.graph_name)
    ]


def _incoming_order(q: ox.Quad) -> tuple[str, str, str]:
    """The order of the incoming statements: ``ORDER BY STR(?p) STR(?s) STR(?g)``, IRIs by
    their text (a plain ``ORDER BY ?p`` is Virtuoso's own order of IRIs, not their text's)."""
    return (q.predicate.value, q.subject.value, q.graph_name.value)  # type: ignore[union-attr]


def _blank(terms: Iterable[Any]) -> Iterable[ox.BlankNode]:
    return (t for t in terms if isinstance(t, ox.BlankNode))


def _rows(store: Any, text: str, **bound: ox.NamedNode | ox.BlankNode) -> Iterable[Mapping]:
    subs = {ox.Variable(k): v for k, v in bound.items()}
    results = store.query(text, substitutions=subs, use_default_graph_as_union=True)
    return results
