"""The description of one entity: what the CLI prints and what ``/doc/...`` serves.

A description is every statement with the entity as subject, the blank nodes those reach
(and blank nodes that point at the entity, such as the ``rdf:Statement`` citing one of its
facts), the labels of what it points to, and one page of the statements where it is the
object. Every statement keeps the graph it comes from.

The store reads it (:meth:`~graph_loader.store.ReadableStore.describe_entity`, see
:mod:`graph_loader.store.describing`): the embedded store by look-ups on its indexes,
without evaluating SPARQL; a remote store in one query. The entity's IRI is a bound value,
never query text. :func:`exists` is one query, asked only of an empty description.

>>> import pyoxigraph as ox
>>> from graph_loader.store import open_store
>>> store = open_store(None)
>>> store.update('INSERT DATA { GRAPH <http://g> { <http://x/a> <http://p> <http://x/b> . '
...              '<http://x/b> <http://www.w3.org/2000/01/rdf-schema#label> "B"@en } }')
>>> d = describe(store, "http://x/a")
>>> [(s.predicate.value, s.object.value, s.graph.value) for s in d.outgoing]
[('http://p', 'http://x/b', 'http://g')]
>>> len(d.quads())
2
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import pyoxigraph as ox

from graph_loader.store import ReadableStore
from graph_loader.vocab import LABEL_PREDICATES, Term

#: Run a SELECT with bound variables (each bound variable is projected); rows as mappings.
Select = Callable[[str, Mapping[str, Term]], Iterable[Mapping[str, Term]]]

PAGE_SIZE = 100

#: The label predicates pages read (see :func:`graph_loader.vocab.pick_label`).
PAGE_LABELS = LABEL_PREDICATES[:2]
EXISTS_QUERY = "SELECT ?e WHERE { { ?e ?p ?o } UNION { ?s ?p ?e } } LIMIT 1"


class Statement(NamedTuple):
    """One statement and the graph it comes from (a tuple: made, hashed and compared fast,
    which a document of hundreds of statements feels)."""

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

    @cached_property
    def graphs(self) -> list[str]:
        """Every graph a statement of the description comes from, sorted."""
        return sorted({s.graph.value for s in self.all_statements()})

    def all_statements(self) -> list[Statement]:
        """Every statement once, in a stable order: outgoing, closure, labels, incoming
        (worked out once: a description is not changed once made)."""
        return self._unique

    @cached_property
    def _unique(self) -> list[Statement]:
        return list(dict.fromkeys((*self.outgoing, *self.closure, *self.labels, *self.incoming)))

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


def describe(
    store: ReadableStore, iri: str, *, page: int = 1, page_size: int = PAGE_SIZE
) -> Description:
    """The description of ``iri`` with page ``page`` (from 1) of the statements pointing at
    it: one call of the store's :meth:`~graph_loader.store.ReadableStore.describe_entity`."""
    page = max(page, 1)
    found = store.describe_entity(iri, offset=(page - 1) * page_size, limit=page_size)
    return Description(
        iri,
        outgoing=_ordered(found.outgoing),
        closure=_ordered(found.closure),
        labels=_ordered([*found.labels, *found.incoming_labels]),
        incoming=[_statement(q) for q in found.incoming],
        incoming_total=found.incoming_total,
        page=page,
        page_size=page_size,
    )


def _ordered(quads: Iterable[ox.Quad]) -> list[Statement]:
    """The statements of ``quads`` in one order whatever the store: by the text of subject,
    predicate, object and graph. (The embedded store lists a subject's statements in its
    index's order, an engine in its own: Virtuoso's differs, and an entity page lists a
    property's values, and picks among labels, in this order.)"""
    return sorted(
        (_statement(q) for q in quads),
        key=lambda s: (str(s.subject), str(s.predicate), str(s.object), str(s.graph)),
    )


def _statement(q: ox.Quad) -> Statement:
    s, p, g = q.subject, q.predicate, q.graph_name
    if not isinstance(s, ox.NamedNode | ox.BlankNode) or not isinstance(g, ox.NamedNode):
        raise ValueError(f"not a statement of a named graph: {q}")
    return Statement(s, p, q.object, g)
