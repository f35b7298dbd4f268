"""The data version of a remote store, kept in the store itself: how several web nodes
over one store learn of a write made through any of them, or by the command line.

An internal graph (:data:`VERSION_GRAPH`) holds one number, the version, and for each
graph a load or a Graph Store write published (or a drop removed), the version it was
written at. Every update lamcoop sends that can change published data ends with
:func:`bump_text`, in the same request (one transaction): the new version is the larger
of the old one plus one and the writer's clock in microseconds, so it only grows, even
over a store emptied and built again, and it says when the data last changed. A graph's
stamp (:func:`stamp_text`, in the publishing update) is the old version plus one, so it is
above every version anyone read before the write.

A node reads the version with one tiny query (:func:`read_version`); when it moved, it asks
which graphs were written since the version it had (:func:`written_since`) and re-reads
those into its text index (``sparql_endpoint.remote_watch``).

Remote engines need not run two updates one after the other: Oxigraph server runs each on
its own snapshot, so two writes at once can both read the same old version and write the
same new one (measured: 450 bumps from three threads left the counter 448). So every bump
and every stamp also writes a fresh random token (:data:`TOKEN`): two writes at once leave
both their tokens, or the last one's, and either way a set of tokens no node saw before.
A node compares the version's tokens (:func:`read_mark`), and each graph's stamp tokens
(:func:`read_stamps`), with those it saw last, not the numbers alone.

>>> "INSERT" in bump_text(5) and "5" in bump_text(5)
True
>>> "urn:x-lamcoop-test:g" in stamp_text("urn:x-lamcoop-test:g")
True
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from graph_loader.store.interface import ReadableStore
from graph_loader.store.layout import term
from graph_loader.vocab import XSD

#: The internal graph that holds the data version and the graphs' stamps.
VERSION_GRAPH = "urn:lamcoop:data-version"
_V = term(VERSION_GRAPH)
_VERSION = term(VERSION_GRAPH + "#version")
_WRITTEN = term(VERSION_GRAPH + "#written")
#: The predicate of the random token each bump (of the version) and stamp (of a graph) writes.
TOKEN = VERSION_GRAPH + "#token"
_TOKEN = term(TOKEN)
_OLD = f"{{ SELECT (MAX(?o) AS ?old) WHERE {{ GRAPH {_V} {{ {_V} {_VERSION} ?o }} }} }}"


#: The triples of the version graph that are not lamcoop's own (the version, the stamps):
#: what a user's update may not leave there (the guard of ``sparql_endpoint.writes``).
FOREIGN_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    "FILTER(?p != ?version && ?p != ?written && ?p != ?token) }"
)
#: The values :data:`FOREIGN_COUNT` is run with.
FOREIGN_BOUND = {
    "g": VERSION_GRAPH,
    "version": VERSION_GRAPH + "#version",
    "written": VERSION_GRAPH + "#written",
    "token": TOKEN,
}


def now_micros() -> int:
    """The writer's clock, in microseconds since the epoch."""
    return time.time_ns() // 1000


def bump_text(now: int | None = None) -> str:
    """Update text that moves the version on: max(old + 1, ``now``) (the clock by default)."""
    at = ox.Literal(str(now_micros() if now is None else now), datatype=ox.NamedNode(_XSD_INT))
    return (
        f"DELETE {{ GRAPH {_V} {{ {_V} {_VERSION} ?x }} }} "
        f"INSERT {{ GRAPH {_V} {{ {_V} {_VERSION} ?new }} }} "
        f"WHERE {{ {_OLD} OPTIONAL {{ GRAPH {_V} {{ {_V} {_VERSION} ?x }} }} "
        f"BIND(IF(BOUND(?old) && ?old >= {at}, ?old + 1, {at}) AS ?new) }} ;\n" + _token_steps(_V)
    )


def _token_steps(subject: str, when: str = "") -> str:
    """Update text replacing ``subject``'s tokens with a fresh one (while ``when`` holds).
    Steps of their own, not more of one DELETE/INSERT: Virtuoso 7.2 drops a whole template
    with an OPTIONAL variable left unbound."""
    old = f"GRAPH {_V} {{ {subject} {_TOKEN} ?y }}"
    return (
        f"DELETE {{ {old} }} WHERE {{ {when} {old} }} ;\n"
        f"INSERT {{ GRAPH {_V} {{ {subject} {_TOKEN} {_token()} }} }} WHERE {{ {when} }}"
    )


def _token() -> ox.Literal:
    """A fresh random token: what makes two writes at once tell apart."""
    return ox.Literal(uuid.uuid4().hex)


def stamp_text(graph: str, *, when: str = "") -> str:
    """Update text that stamps ``graph`` as written now (the old version plus one: above
    every version read before this write); it goes before :func:`bump_text`. ``when`` is a
    graph pattern the stamp holds only with (a staged copy's marker)."""
    g = term(graph)
    return (
        f"DELETE {{ GRAPH {_V} {{ {g} {_WRITTEN} ?x }} }} "
        f"INSERT {{ GRAPH {_V} {{ {g} {_WRITTEN} ?new }} }} "
        f"WHERE {{ {when} {_OLD} OPTIONAL {{ GRAPH {_V} {{ {g} {_WRITTEN} ?x }} }} "
        f"BIND(COALESCE(?old + 1, 1) AS ?new) }} ;\n" + _token_steps(g, when)
    )


def ensure_text() -> str:
    """Update text that gives the store a version (0) when it has none, so that the first
    bump changes the version graph's size no more than any later one."""
    # A count, not FILTER NOT EXISTS alone: Virtuoso 7.2 inserts with a WHERE that is
    # nothing but that filter even when the version is there.
    return (
        f"INSERT {{ GRAPH {_V} {{ {_V} {_VERSION} 0 }} }} "
        f"WHERE {{ {{ SELECT (COUNT(?x) AS ?n) WHERE {{ GRAPH {_V} {{ {_V} {_VERSION} ?x }} }} }} "
        f"FILTER(?n = 0) }}"
    )


def drop_internal_text(graph: str) -> str:
    """Update text that drops an internal graph a user's update wrote to. The version's
    graph is given a version again, before the bump that follows: Virtuoso 7.2 drops a
    whole bump whose old version is unbound, which would leave the store with none.

    >>> drop_internal_text("urn:lamcoop:x")
    'DROP SILENT GRAPH <urn:lamcoop:x>'
    >>> drop_internal_text(VERSION_GRAPH).splitlines()[1].startswith("INSERT")
    True
    """
    drop = f"DROP SILENT GRAPH {term(graph)}"
    return f"{drop} ;\n{ensure_text()}" if graph == VERSION_GRAPH else drop


_XSD_INT = XSD.integer.value
_READ = f"SELECT (MAX(?v) AS ?n) WHERE {{ GRAPH {_V} {{ {_V} {_VERSION} ?v }} }}"
_SINCE = f"SELECT DISTINCT ?g WHERE {{ GRAPH {_V} {{ ?g {_WRITTEN} ?n }} FILTER(?n > ?seen) }}"


def read_version(store: ReadableStore) -> int:
    """The store's data version (0 when nothing has been written since it had one)."""
    rows = store.query(_READ, use_default_graph_as_union=False)
    first = next(iter(rows), None)
    value = None if first is None else first["n"]
    return int(value.value) if value is not None else 0


def written_since(store: ReadableStore, seen: int) -> list[str]:
    """The graphs stamped as written after version ``seen``, sorted."""
    bound = {ox.Variable("seen"): ox.Literal(str(seen), datatype=ox.NamedNode(_XSD_INT))}
    rows = store.query(_SINCE, substitutions=bound, use_default_graph_as_union=False)
    return sorted(row["g"].value for row in rows)


@dataclass(frozen=True)
class Mark:
    """The store's data version as a node reads it: the number and the tokens of the last
    write (two, or more, when writes ran at once)."""

    number: int
    tokens: frozenset[str]


_EITHER = f"{{ {_V} {_VERSION} ?v }} UNION {{ {_V} {_TOKEN} ?t }}"
_MARK = f"SELECT ?v ?t WHERE {{ GRAPH {_V} {{ {_EITHER} }} }}"
_STAMPS = f"SELECT ?g ?t WHERE {{ GRAPH {_V} {{ ?g {_TOKEN} ?t }} FILTER(?g != {_V}) }}"


def read_mark(store: ReadableStore) -> Mark:
    """The store's data version with its tokens, in one query of a few triples."""
    numbers, tokens = [0], set()
    for row in store.query(_MARK, use_default_graph_as_union=False):
        if row["v"] is not None:
            numbers.append(int(row["v"].value))
        if row["t"] is not None:
            tokens.add(row["t"].value)
    return Mark(max(numbers), frozenset(tokens))


def read_stamps(store: ReadableStore) -> dict[str, frozenset[str]]:
    """Each stamped graph with the tokens of its stamp: one row per graph written through
    lamcoop (not per triple), so a node can tell which graphs were written since it last
    looked whatever order writes at once were numbered in."""
    found: dict[str, set[str]] = {}
    for row in store.query(_STAMPS, use_default_graph_as_union=False):
        found.setdefault(row["g"].value, set()).add(row["t"].value)
    return {g: frozenset(t) for g, t in found.items()}
