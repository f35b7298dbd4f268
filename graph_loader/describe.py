"""The description of one entity: what the CLI prints and what ``/doc/...`` serves.

A description is every statement with the entity as subject, the blank nodes those reach
(and blank nodes that point at the entity, such as the ``rdf:Statement`` citing one of its
facts), the labels of what it points to, and one page of the statements where it is the
object. Every statement keeps the graph it comes from.

Queries reach the store through a :data:`Select` callable (so the service can run them in
its query workers); the entity's IRI is always a bound value, never query text. A
description is two reads of the store: everything but the page of incoming statements in one
query (:func:`described`), that page in another (:func:`with_page`, none past the last page).

>>> import pyoxigraph as ox
>>> from graph_loader.store import open_store
>>> store = open_store(None)
>>> store.update('INSERT DATA { GRAPH <http://g> { <http://x/a> <http://p> <http://x/b> . '
...              '<http://x/b> <http://www.w3.org/2000/01/rdf-schema#label> "B"@en } }')
>>> d = describe(store_select(store), "http://x/a")
>>> [(s.predicate.value, s.object.value, s.graph.value) for s in d.outgoing]
[('http://p', 'http://x/b', 'http://g')]
>>> len(d.quads())
2
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader.graphs import INTERNAL_PREFIX
from graph_loader.store import ReadableStore
from graph_loader.vocab import LABEL_PREDICATES, Term, sparql_prefixes

#: Run a SELECT with bound variables (each bound variable is projected); rows as mappings.
Select = Callable[[str, Mapping[str, Term]], Iterable[Mapping[str, Term]]]

PAGE_SIZE = 100
_MAX_BLANK_ROUNDS = 200

#: The label predicates pages read (see :func:`graph_loader.vocab.pick_label`).
PAGE_LABELS = LABEL_PREDICATES[:2]
_PREFIXES = sparql_prefixes("rdf", "rdfs", "skos")
#: The graphs descriptions draw on: every graph but the store's own bookkeeping (the
#: catalogue's describe purpose; the prefix is written as a literal by pyoxigraph).
_PUBLISHED = f"FILTER(!STRSTARTS(STR(?g), {ox.Literal(INTERNAL_PREFIX)}))"

EXISTS_QUERY = _PREFIXES + "SELECT ?e WHERE { { ?e ?p ?o } UNION { ?s ?p ?e } } LIMIT 1"
OUTGOING_QUERY = _PREFIXES + f"SELECT ?e ?p ?o ?g WHERE {{ GRAPH ?g {{ ?e ?p ?o }} {_PUBLISHED} }}"
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


def _branch(tag: str, body: str, grouped: str = "") -> str:
    """One branch of :data:`DESCRIPTION_QUERY`, a subquery of its own: a remote store gets
    the entity's bound value inside each (see :mod:`graph_loader.store.bindings`), so no
    branch is evaluated for every entity first."""
    out = f"({grouped} AS ?n)" if grouped else "?s ?p ?o ?g"
    group = " GROUP BY ?e ?w" if grouped else ""
    return f'{{ SELECT ?e ?w {out} WHERE {{ BIND("{tag}" AS ?w) {body} }}{group} }}'


#: The whole description but the page of incoming statements, as one query (one read of the
#: store): rows tagged ``?w``: ``o`` the entity's own quads (``?p ?o ?g``); ``c`` the quads
#: of the blank nodes within three hops of the entity and of blank nodes pointing at it
#: (``?s ?p ?o ?g``); ``l`` the labels of what the entity or those blank nodes point to
#: (``?s ?p ?o ?g``); ``n`` how many statements with a subject that is no blank node point
#: at the entity (``?n``; no row when none does).
DESCRIPTION_QUERY = (
    _PREFIXES
    + "SELECT ?e ?w ?s ?p ?o ?g ?n WHERE {\n"
    + "\n  UNION ".join(
        (
            _branch("o", f"GRAPH ?g {{ ?e ?p ?o }} {_PUBLISHED}"),
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
            _branch("n", f"GRAPH ?g {{ ?s ?p ?e }} FILTER(!isBlank(?s)) {_PUBLISHED}", "COUNT(*)"),
        )
    )
    + "\n}"
)
BLANK_QUERY = _PREFIXES + f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_PUBLISHED} }}"
#: One page of the statements pointing at the entity (subjects that are no blank node),
#: with the labels of their subjects.
INCOMING_QUERY = (
    _PREFIXES
    + """SELECT ?e ?s ?p ?g ?lp ?l ?lg WHERE {
  { SELECT ?e ?s ?p ?g WHERE { GRAPH ?g { ?s ?p ?e } FILTER(!isBlank(?s))
      """
    + _PUBLISHED
    + """ }
    ORDER BY ?p ?s ?g LIMIT %(limit)d OFFSET %(offset)d }
  OPTIONAL { VALUES ?lp { skos:prefLabel rdfs:label } GRAPH ?lg { ?s ?lp ?l } }
}"""
)


@dataclass(frozen=True)
class Statement:
    """One statement and the graph it comes from."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: Term
    graph: ox.NamedNode

    def quad(self) -> ox.Quad:
        return ox.Quad(self.subject, self.predicate, self.object, self.graph)


@dataclass
class Description:
    """An entity's description, with one page of the statements pointing at it."""

    iri: str
    outgoing: list[Statement] = field(default_factory=list)
    closure: list[Statement] = field(default_factory=list)
    labels: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    incoming_total: int = 0
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def empty(self) -> bool:
        """Whether the store says nothing of the entity in the graphs descriptions draw on."""
        return not (self.outgoing or self.closure or self.incoming_total)

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.incoming_total

    @property
    def graphs(self) -> list[str]:
        """Every graph a statement of the description comes from, sorted."""
        return sorted({s.graph.value for s in self.all_statements()})

    def all_statements(self) -> list[Statement]:
        """Every statement once, in a stable order: outgoing, closure, labels, incoming."""
        seen: set[Statement] = set()
        ordered = []
        for s in (*self.outgoing, *self.closure, *self.labels, *self.incoming):
            if s not in seen:
                seen.add(s)
                ordered.append(s)
        return ordered

    def quads(self) -> list[ox.Quad]:
        return [s.quad() for s in self.all_statements()]

    def label_map(self) -> dict[str, list[tuple[str, ox.Literal]]]:
        """IRI -> its labels as (predicate IRI, literal) (the entity's own included)."""
        found: dict[str, list[tuple[str, ox.Literal]]] = {}
        for s in (*self.outgoing, *self.labels):
            if s.predicate.value in PAGE_LABELS and isinstance(s.object, ox.Literal):
                bucket = found.setdefault(s.subject.value, [])
                if (s.predicate.value, s.object) not in bucket:
                    bucket.append((s.predicate.value, s.object))
        return found


def store_select(store: ReadableStore) -> Select:
    """A :data:`Select` over a graph_loader store, run in the calling thread."""

    def select(text: str, bindings: Mapping[str, Term]) -> list[dict[str, Term]]:
        subs = {ox.Variable(name): term for name, term in bindings.items()}
        results = store.query(text, substitutions=subs)
        names = [v.value for v in results.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in results]

    return select


def exists(select: Select, iri: str) -> bool:
    """Whether the store says anything of ``iri`` (as subject or object)."""
    return bool(list(select(EXISTS_QUERY, {"e": ox.NamedNode(iri)})))


def describe(select: Select, iri: str, *, page: int = 1, page_size: int = PAGE_SIZE) -> Description:
    """The description of ``iri`` with page ``page`` (from 1) of the statements pointing at it."""
    return with_page(select, described(select, iri), page=page, page_size=page_size)


def described(select: Select, iri: str) -> Description:
    """The description of ``iri`` without its page of incoming statements (see
    :func:`with_page`): one read of the store (:data:`DESCRIPTION_QUERY`), plus one per
    blank node more than three hops from the entity."""
    entity = ox.NamedNode(iri)
    d = Description(iri)
    closure: dict[Statement, None] = {}
    labels: dict[Statement, None] = {}
    for r in select(DESCRIPTION_QUERY, {"e": entity}):
        w = r["w"]
        tag = w.value if isinstance(w, ox.Literal) else ""
        if tag == "o":
            d.outgoing.append(_statement(entity, r["p"], r["o"], r["g"]))
        elif tag == "c":
            closure.setdefault(_statement(r["s"], r["p"], r["o"], r["g"]))
        elif tag == "l":
            labels.setdefault(_statement(r["s"], r["p"], r["o"], r["g"]))
        elif tag == "n":
            d.incoming_total += _count(r["n"])
    d.closure = _deeper(select, set(closure))
    d.labels = list(labels)
    return d


def with_page(
    select: Select, d: Description, *, page: int = 1, page_size: int = PAGE_SIZE
) -> Description:
    """``d`` with page ``page`` (from 1) of the statements pointing at its entity: one read
    of the store, none when the page starts past the last statement."""
    d.page, d.page_size = max(page, 1), page_size
    offset = (d.page - 1) * page_size
    if offset < d.incoming_total:
        d.incoming, page_labels = _incoming(select, {"e": ox.NamedNode(d.iri)}, offset, page_size)
        d.labels += page_labels
    return d


def _incoming(
    select: Select, bound: Mapping[str, Term], offset: int, size: int
) -> tuple[list[Statement], list[Statement]]:
    text = INCOMING_QUERY % {"limit": size, "offset": offset}
    statements: dict[Statement, None] = {}
    labels: list[Statement] = []
    for r in select(text, bound):
        statements.setdefault(_statement(r["s"], r["p"], bound["e"], r["g"]))
        if "l" in r:
            labels.append(_statement(r["s"], r["lp"], r["l"], r["lg"]))
    return list(statements), labels


def _deeper(select: Select, found: set[Statement]) -> list[Statement]:
    """The blank-node quads near the entity, with those of deeper blank nodes, one by one."""
    done = {s.subject for s in found}
    todo = [s.object for s in found if isinstance(s.object, ox.BlankNode) and s.object not in done]
    rounds = 0
    while todo and rounds < _MAX_BLANK_ROUNDS:
        node = todo.pop()
        rounds += 1
        if node in done:
            continue
        done.add(node)
        for r in select(BLANK_QUERY, {"s": node}):
            st = _statement(node, r["p"], r["o"], r["g"])
            found.add(st)
            if isinstance(st.object, ox.BlankNode) and st.object not in done:
                todo.append(st.object)
    return sorted(found, key=lambda s: (str(s.subject), str(s.predicate), str(s.object)))


def _count(term: Term) -> int:
    if not isinstance(term, ox.Literal):
        raise ValueError(f"not a count: {term}")
    return int(term.value)


def _statement(s: Term, p: Term, o: Term, g: Term) -> Statement:
    if not isinstance(s, ox.NamedNode | ox.BlankNode):
        raise ValueError(f"not a subject: {s}")
    if not isinstance(p, ox.NamedNode) or not isinstance(g, ox.NamedNode):
        raise ValueError(f"not a predicate and a graph name: {p} {g}")
    return Statement(s, p, o, g)
