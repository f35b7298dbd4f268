"""A remote store's load markers: written with their owner and heartbeat, refreshed, read,
and cleaned up so that several writers never drop each other's running loads
(:mod:`graph_loader.store.leases`).

Recovery drops only what is dead: markers whose heartbeat is older than the lease (or that
have none, or that are not genuine), the staging graphs they name, and staging graphs no
live marker names (a load writes its marker before its first staged triple, and recovery
lists the staging graphs before it reads the markers, so a running load's graph is never
taken for an orphan). A load frees only what it staged itself (:func:`discard_text`).
"""

from __future__ import annotations

import hmac
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from graph_loader.store.layout import (
    _PENDING,
    PENDING_GRAPH,
    STAGING_PREFIX,
    count,
    internal,
    term,
)
from graph_loader.store.leases import engine_time, stale
from graph_loader.store.remote_http import RemoteClient
from graph_loader.store.remote_version import (
    FOREIGN_BOUND,
    FOREIGN_COUNT,
    VERSION_GRAPH,
    stamp_text,
)
from graph_loader.store.staging import PendingLoad


class RemoteStore(Protocol):
    """What these functions use of :class:`graph_loader.store.remote.RemoteStore` (named
    so here, without importing it, which imports this module)."""

    client: RemoteClient

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        use_default_graph_as_union: bool | None = None,
    ) -> Any: ...

    def seal(self, marker: str, target: str, physical: str, mode: str) -> str: ...

    def triple_count(self, graph: str) -> int: ...

    def has_graph(self, graph: str) -> bool: ...


HEARTBEAT = _PENDING + "heartbeat"
#: A running load's claim on a target it is about to publish (see :func:`claim`).
CLAIM = _PENDING + "publishes"
OWNER = _PENDING + "owner"
_G = term(PENDING_GRAPH)
_FIELDS = ("target", "physical", "mode", "state", "seal")


def marker_text(quads: Sequence[ox.Quad], owner: str) -> str:
    """Update text writing a load's marker with its owner and a first heartbeat (the
    engine's clock), in one request: no reader ever sees a marker without a heartbeat.

    >>> q = ox.Quad(ox.NamedNode("urn:lamcoop:load:1"), ox.NamedNode(_PENDING + "mode"),
    ...             ox.Literal("replace"), ox.NamedNode(PENDING_GRAPH))
    >>> "NOW()" in marker_text([q], "h pid 1") and '"h pid 1"' in marker_text([q], "h pid 1")
    True
    """
    subjects = {str(q.subject) for q in quads}
    body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    stamps = " ".join(
        f"{s} {term(HEARTBEAT)} ?now . {s} {term(OWNER)} {ox.Literal(owner)} ." for s in subjects
    )
    return f"INSERT {{ GRAPH {_G} {{ {body} {stamps} }} }} WHERE {{ BIND(NOW() AS ?now) }}"


def _values(markers: Sequence[str]) -> str:
    return " ".join(term(m) for m in markers)


def beat_text(markers: Sequence[str]) -> str:
    """Update text refreshing the heartbeat of those ``markers`` still present (a marker
    another writer dropped is not brought back)."""
    hb = term(HEARTBEAT)
    return (
        f"DELETE {{ GRAPH {_G} {{ ?m {hb} ?old }} }} INSERT {{ GRAPH {_G} {{ ?m {hb} ?now }} }} "
        f"WHERE {{ VALUES ?m {{ {_values(markers)} }} GRAPH {_G} {{ ?m {hb} ?old }} "
        f"BIND(NOW() AS ?now) }}"
    )


def present(store: RemoteStore, markers: Sequence[str]) -> bool:
    """Whether every one of ``markers`` is still whole in the store."""
    if not markers:
        return True
    rows = store.query(
        f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ VALUES ?m {{ {_values(markers)} }} "
        f"GRAPH {_G} {{ ?m {term(_PENDING + 'physical')} ?p }} }}",
        use_default_graph_as_union=False,
    )
    first = next(iter(rows), None)
    return first is not None and int(first["n"].value) == len(set(markers))


def guard(markers: Sequence[str]) -> str:
    """A graph pattern that holds only while every one of ``markers`` is there: what a
    load's provenance is written under, in its commit point's update."""
    physical = term(_PENDING + "physical")
    parts = [f"{term(m)} {physical} ?guard{n} ." for n, m in enumerate(markers)]
    return f"GRAPH {_G} {{ {' '.join(parts)} }}" if parts else ""


@dataclass(frozen=True)
class Markers:
    """The marker graph as one query saw it: the loads whose markers it holds and how many
    triples each of its subjects has. One read, so a marker written or dropped meanwhile is
    either in both or in neither: never taken for debris beside a running load."""

    loads: list[PendingLoad]
    subjects: dict[ox.NamedNode | ox.BlankNode, int]

    def foreign(self) -> dict[ox.NamedNode | ox.BlankNode, int]:
        """The subjects no marker of staging's shape is, with their triple counts."""
        return self.besides({x.marker for x in self.loads if x.shaped})

    def besides(self, kept: set[str]) -> dict[ox.NamedNode | ox.BlankNode, int]:
        """The subjects that are none of the markers ``kept``, with their triple counts."""
        return {
            s: n
            for s, n in self.subjects.items()
            if not (isinstance(s, ox.NamedNode) and s.value in kept)
        }


def read_markers(store: RemoteStore) -> Markers:
    """The marker graph in one query, each load with its heartbeat's age by the engine's
    clock (two refreshes racing may leave two heartbeats: the newer counts)."""
    rows = store.query(
        f"SELECT ?x ?p ?o ?now WHERE {{ GRAPH {_G} {{ ?x ?p ?o }} BIND(NOW() AS ?now) }}",
        use_default_graph_as_union=False,
    )
    subjects: dict[Any, int] = {}
    fields: dict[Any, dict[str, list[str]]] = {}
    now = None
    for r in rows:
        subjects[r["x"]] = subjects.get(r["x"], 0) + 1
        now = r["now"].value
        name = r["p"].value[len(_PENDING) :] if r["p"].value.startswith(_PENDING) else ""
        value = getattr(r["o"], "value", None)  # a quoted triple has none: no field
        if isinstance(r["x"], ox.NamedNode) and name in (*_FIELDS, "heartbeat") and value:
            fields.setdefault(r["x"], {}).setdefault(name, []).append(value)
    loads = [_load(store, x.value, found, now) for x, found in fields.items()]
    return Markers([x for x in loads if x is not None], subjects)


def _load(
    store: RemoteStore, marker: str, found: dict[str, list[str]], now: str | None
) -> PendingLoad | None:
    """The load a marker's fields describe (``None`` where one is missing); sealed when one
    of its seals is the store's."""
    if now is None or any(k not in found for k in _FIELDS[:4]):
        return None
    t, p, m, s = (min(found[k]) for k in _FIELDS[:4])
    right = store.seal(marker, t, p, m)
    sealed = any(hmac.compare_digest(k.encode(), right.encode()) for k in found.get("seal", []))
    known = [a for a in (_age(now, h) for h in found.get("heartbeat", [])) if a is not None]
    return PendingLoad(marker, t, p, m, s, sealed=sealed, age=min(known) if known else None)


def _age(now: str, heartbeat: str) -> float | None:
    """Seconds from ``heartbeat`` to ``now`` (``None`` for a heartbeat that is no time)."""
    try:
        return (engine_time(now) - engine_time(heartbeat)).total_seconds()
    except ValueError:
        return None


def pending_loads(store: RemoteStore) -> list[PendingLoad]:
    """Every load whose marker is present, with its heartbeat's age by the engine's clock."""
    return read_markers(store).loads


def live_load(load: PendingLoad, *, lease: float) -> bool:
    """Whether ``load`` is running in some process: its marker has the shape staging writes
    and a heartbeat younger than the lease. Not its seal: writers with different keys
    (web nodes, each with its own ``state_dir``) must not take each other's loads for
    forgeries; recovery here acts on internal graphs only, and a forged marker dies with
    its lease."""
    return load.shaped and not stale(load.age, lease=lease)


def recover_text(store: RemoteStore, names: Sequence[str], *, lease: float) -> str:
    """Update text dropping what dead loads left: their markers and staging graphs, staging
    graphs no live marker names, and anything else in the marker graph (fragments, forged
    markers). ``names`` are the store's graphs, listed before the markers are read."""
    markers = read_markers(store)
    live = [x for x in markers.loads if live_load(x, lease=lease)]
    keep_graphs = {x.physical for x in live}
    steps = [
        f"DROP SILENT GRAPH {term(n)}"
        for n in names
        if n.startswith(STAGING_PREFIX) and n not in keep_graphs
    ]
    steps += _drop_steps(markers.besides({x.marker for x in live}))
    return " ;\n".join(steps)


def discard_text(markers: Sequence[str], physicals: Sequence[str]) -> str:
    """Update text freeing what one load staged: its staging graphs and its markers only."""
    steps = [f"DROP SILENT GRAPH {term(p)}" for p in physicals if p.startswith(STAGING_PREFIX)]
    steps += [f"DELETE WHERE {{ GRAPH {_G} {{ {term(m)} ?p ?o }} }}" for m in markers]
    return " ;\n".join(steps)


def publish_text(target: str, physical: str, *, replace: bool, differences: bool) -> str:
    """The update that publishes a staged copy: when the load replaces, empty the target
    and add the copy, or (``differences``) remove from the target what the copy lacks and
    add what the target lacks (the triples both hold are not written again: a graph
    replaced by the same file rewrites only its blank nodes, which are the load's own);
    otherwise add the copy (blank nodes keep their identity). Each step holds only while
    the copy's marker is there: a copy another writer's recovery dropped (its load taken
    for dead) is never published, as an empty graph or at all."""
    t, c = term(target), term(physical)
    marked = f"GRAPH {_G} {{ ?load {term(_PENDING + 'physical')} {c} }}"
    into = f"GRAPH {t} {{ ?s ?p ?o }}"
    copy = f"GRAPH {c} {{ ?s ?p ?o }}"
    steps = [f"CREATE SILENT GRAPH {t}"]
    if replace and differences:
        steps.append(
            f"DELETE {{ {into} }} WHERE {{ {marked} {into} FILTER NOT EXISTS {{ {copy} }} }}"
        )
        steps.append(
            f"INSERT {{ {into} }} WHERE {{ {marked} {copy} FILTER NOT EXISTS {{ {into} }} }}"
        )
    else:
        if replace:
            steps.append(f"DELETE {{ {into} }} WHERE {{ {marked} {into} }}")
        steps.append(f"INSERT {{ {into} }} WHERE {{ {marked} {copy} }}")
    steps.append(stamp_text(target, when=marked))  # the commit's update moves the version
    return " ;\n".join(steps)


def internal_counts(store: RemoteStore, names: Sequence[str]) -> dict[str, int]:
    """The internal graphs among ``names`` (listed before the markers are read) with their
    counts: of the version graph, only the triples not lamcoop's own (so a ``DROP ALL`` it
    survives is no write to it, a foreign triple is). Other writers' loads may come and go
    meanwhile: of the marker graph only the triples no marker of staging's shape holds count, and of
    the staging graphs only those no marker of staging's shape names."""
    inside = [n for n in names if internal(n)]
    markers = read_markers(store) if PENDING_GRAPH in inside else Markers([], {})
    found = {}
    for name in inside:
        if name == VERSION_GRAPH:
            bound = {ox.Variable(k): ox.NamedNode(v) for k, v in FOREIGN_BOUND.items()}
            found[name] = count(
                store.query(FOREIGN_COUNT, substitutions=bound, use_default_graph_as_union=False)
            )
        elif name == PENDING_GRAPH:
            found[name] = sum(markers.foreign().values())
        elif not any(x.physical == name for x in markers.loads if x.shaped):
            n = store.triple_count(name)
            if n or store.has_graph(name):  # not one a finished load dropped meanwhile
                found[name] = n
    return found


def foreign_text(markers: Markers) -> str:
    """Update text deleting what no marker of staging's shape holds from the marker graph
    (as ``markers`` saw it: a marker written since is not touched)."""
    return " ;\n".join(_drop_steps(markers.foreign()))


def _drop_steps(subjects: Iterable[Any]) -> list[str]:
    """Update steps deleting ``subjects`` from the marker graph: each IRI by itself, every
    subject that is no IRI (a blank node, a quoted triple) at once."""
    listed = sorted(subjects, key=str)
    steps = [
        f"DELETE WHERE {{ GRAPH {_G} {{ {s} ?p ?o }} }}"
        for s in listed
        if isinstance(s, ox.NamedNode)
    ]
    if any(not isinstance(s, ox.NamedNode) for s in listed):
        steps.append(
            f"DELETE {{ GRAPH {_G} {{ ?x ?p ?o }} }} "
            f"WHERE {{ GRAPH {_G} {{ ?x ?p ?o }} FILTER(!isIRI(?x)) }}"
        )
    return steps


def claim(store: RemoteStore, markers: Mapping[str, str], *, lease: float) -> None:
    """Wait until no other running load claims one of the targets of ``markers`` (target
    to this load's marker), then hold the claim (until the markers are dropped).

    Remote engines need not run two updates one after the other (Oxigraph server runs them
    side by side, each on its own snapshot: two counters bumped at once lose a step), so two
    publishing updates of one graph at once could leave both loads' triples. A load writes
    its claim, then reads the claims on its targets; if another live load claims one, it
    takes its claim back, waits a random while and tries again. Each writes before it reads,
    so of two loads at least one sees the other: never both publish one graph at once. A
    claim whose load is dead (heartbeat older than the lease) is not waited for."""
    if not markers:
        return
    mine = set(markers.values())
    claims = " ".join(f"{term(m)} {term(CLAIM)} {term(t)} ." for t, m in markers.items())
    targets = " ".join(term(t) for t in markers)
    pause = 0.05
    while True:
        store.client.update(f"INSERT DATA {{ GRAPH {_G} {{ {claims} }} }}")
        rows = store.query(
            f"SELECT DISTINCT ?m WHERE {{ VALUES ?t {{ {targets} }} "
            f"GRAPH {_G} {{ ?m {term(CLAIM)} ?t }} }}",
            use_default_graph_as_union=False,
        )
        others = {r["m"].value for r in rows if isinstance(r["m"], ox.NamedNode)} - mine
        if others:
            live = {x.marker for x in pending_loads(store) if live_load(x, lease=lease)}
            others &= live
        if not others:
            return
        undo = " ;\n".join(
            f"DELETE WHERE {{ GRAPH {_G} {{ {term(m)} {term(CLAIM)} ?t }} }}" for m in mine
        )
        store.client.update(undo)
        time.sleep(random.uniform(pause / 2, pause))
        pause = min(pause * 2, 1.0)
