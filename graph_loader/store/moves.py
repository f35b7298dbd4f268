"""How the embedded store moves a staged graph into its target, reversibly.

A load that appends to a graph that exists stages the new data in a copy ``S`` beside the
target ``T``. (A replace on disk is staged outside the store instead and published from
files, :mod:`graph_loader.store.swap`: what is staged here is deleted again quad by quad.
The ``replace`` branches here serve a store in memory, and undo a replace that an older
lamcoop left half-published.) Before
anything published changes, the copy is turned into two differences: what the target gains
(``added``: S itself, with what T already holds taken out) and what it loses (``removed``:
T minus S, copied out, only when the load replaces). Publishing is then removing
``removed`` from the target and adding ``added``; undoing it is the reverse. Both are
idempotent and can be repeated from any point, so a load stopped halfway through
publishing (Ctrl-C, a crash) is undone by the next read-write open; only the small
transaction after the move (the commit point) makes it final.

Every write here is a short transaction (:data:`WRITE_QUADS` quads) or one SPARQL update:
pyoxigraph lets other threads run meanwhile (its ``bulk_extend`` holds the interpreter
for the whole call, seconds on a busy machine, and a Ctrl-C waits for it), so the thread
that waits for a load feels a signal at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from graph_loader.store.layout import count

#: Quads per write transaction: short enough that a signal is felt at once.
WRITE_QUADS = 10_000
#: Staged quads written at once from which Oxigraph's bulk writer is used rather than a
#: transaction (it writes files of its own each time, which a few quads are not worth; it
#: skips the transaction's reads: the IMLS registry's 540k quads took 15 s in
#: transactions, 4 s so). Staged data needs no transaction: recovery drops what a crash
#: leaves of it.
BULK_QUADS = 1_000


def added(physical: str) -> str:
    """The graph of what a staged load adds to its target: the staged copy itself, once
    :func:`split` has taken out of it what the target already holds."""
    return physical


def removed(physical: str) -> str:
    """The graph of what a staged load removes from its target (under the staging prefix)."""
    return physical + "-removed"


def write(inner: ox.Store, quads: Iterable[ox.Quad]) -> None:
    """Add ``quads`` in short transactions (see :data:`WRITE_QUADS`)."""
    for chunk in chunks(quads, WRITE_QUADS):
        inner.extend(chunk)


def chunks(items: Iterable[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    """``items`` in lists of at most ``size``."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _graph(inner: ox.Store, graph: str) -> Iterator[ox.Quad]:
    return inner.quads_for_pattern(None, None, None, ox.NamedNode(graph))


def _missing(inner: ox.Store, source: str, other: str, into: str) -> Iterator[ox.Quad]:
    """The triples of ``source`` that ``other`` lacks, as quads of ``into``."""
    o, g = ox.NamedNode(other), ox.NamedNode(into)
    for q in _graph(inner, source):
        if ox.Quad(q.subject, q.predicate, q.object, o) not in inner:
            yield ox.Quad(q.subject, q.predicate, q.object, g)


def _common(inner: ox.Store, source: str, other: str) -> Iterator[ox.Quad]:
    """The quads of ``source`` whose triple ``other`` holds too (never one with a blank
    node: a load's blank nodes are its own)."""
    o = ox.NamedNode(other)
    for q in _graph(inner, source):
        if ox.Quad(q.subject, q.predicate, q.object, o) in inner:
            yield q


def split(inner: ox.Store, target: str, physical: str, *, replace: bool) -> int:
    """Turn the staged copy ``physical`` into its differences with ``target`` (see the
    module) and return how many triples ``target`` will hold.

    What the target loses is copied out (``removed``); what it gains is the staged copy
    itself, once the triples the target already holds are taken out of it: a reload of
    unchanged data leaves almost nothing to publish, new data is published as staged."""
    if replace:
        total = _count(inner, physical)
        write(inner, _missing(inner, target, physical, removed(physical)))
    for chunk in chunks(_common(inner, physical, target), WRITE_QUADS):
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk)
        inner.update(f"DELETE DATA {{ GRAPH {ox.NamedNode(physical)} {{ {body} }} }}")
    if not replace:
        total = _count(inner, target) + _count(inner, physical)
    return total


def apply(inner: ox.Store, target: str, physical: str, *, forward: bool) -> None:
    """Publish (``forward``) or undo the differences of a staged load; safe to repeat."""
    gone, new = (
        (removed(physical), added(physical)) if forward else (added(physical), removed(physical))
    )
    t, g = ox.NamedNode(target), ox.NamedNode(gone)
    if inner.contains_named_graph(g):
        inner.update(f"DELETE {{ GRAPH {t} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}")
    write(inner, (ox.Quad(q.subject, q.predicate, q.object, t) for q in _graph(inner, new)))


def drop(inner: ox.Store, graph: str) -> None:
    """Remove a graph and its triples (DELETE WHERE: Oxigraph's quickest way for many)."""
    name = ox.NamedNode(graph)
    if inner.contains_named_graph(name):
        inner.update(f"DELETE WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}")
        inner.remove_graph(name)


def _count(inner: ox.Store, graph: str) -> int:
    rows = inner.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        substitutions={ox.Variable("g"): ox.NamedNode(graph)},
    )
    return count(rows)
