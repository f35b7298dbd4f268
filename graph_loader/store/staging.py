"""Staged loads: data written where queries cannot see it, then published in one step.

See :mod:`graph_loader.store.embedded` for how loads stay atomic across crashes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import pyoxigraph as ox

from graph_loader.store.layout import (
    _PENDING,
    PENDING_GRAPH,
    STAGING_PREFIX,
    internal,
    refuse_internal,
    term,
)
from graph_loader.store.leases import Heartbeat, LoadLost

Statement = TypeVar("Statement", ox.Triple, ox.Quad)


def keeping(
    triples: Iterable[Statement], keep: frozenset[str], kept: list[ox.Triple | ox.Quad]
) -> Iterator[Statement]:
    """``triples`` (or quads of the default graph), those whose predicate is in ``keep``
    also put in ``kept`` (for :attr:`StagedLoad.kept`)."""
    for triple in triples:
        if triple.predicate.value in keep:
            kept.append(triple)
        yield triple


class StagingStore(Protocol):
    """The part of a store a staged load writes through (any backend has it)."""

    def has_graph(self, graph: str) -> bool: ...

    def triple_count(self, graph: str) -> int: ...

    def query(self, sparql: str, *, substitutions: Mapping[ox.Variable, Any] | None) -> Any: ...

    def update(self, sparql: str) -> None: ...

    def extend(self, quads: Iterable[ox.Quad]) -> None: ...

    def flush(self) -> None: ...

    def recover(self) -> None: ...

    def add_marker(self, quads: list[ox.Quad]) -> None:
        """Write a load's marker (durably); a store shared by several writers stamps it
        with its owner and a heartbeat in the same request."""
        ...

    def discard(self, markers: list[str], physicals: list[str]) -> None:
        """Free what one load staged (its markers and staging graphs), or undo it."""
        ...

    def beat(self, markers: list[str]) -> bool:
        """Refresh the heartbeat of a running load's markers; whether all are still there."""
        ...

    #: Seconds after its last heartbeat that a load is taken for dead by other writers, or
    #: ``None`` where no other writer can act meanwhile (the embedded store's lock).
    lease: float | None

    def guard(self, markers: list[str]) -> str:
        """A graph pattern holding only while ``markers`` are there ("" where no other
        writer can drop them): the commit point's provenance is written under it."""
        ...

    def claim(self, markers: Mapping[str, str]) -> None:
        """Wait until no other running load is publishing one of these targets (keys; the
        values are this load's markers), and claim them until this load is freed."""
        ...

    def split_staged(self, target: str, physical: str, *, replace: bool) -> int: ...

    def seal(self, marker: str, target: str, physical: str, mode: str) -> str: ...

    def apply_staged(self, target: str, physical: str, *, forward: bool) -> None: ...

    #: Whether a new graph is staged too (a remote store: nothing shows before the commit
    #: point) rather than written in place (the embedded store).
    stages_new_graphs: bool

    def publish_text(self, target: str, physical: str, *, replace: bool) -> str | None:
        """Update text that publishes a staged copy in the commit point's own update, or
        ``None`` where the store publishes it by steps (:meth:`apply_staged`)."""
        ...


class StagedLoad:
    """A load written but not yet published: where each target graph went, and how."""

    def __init__(self, store: StagingStore, *, replace: bool):
        self.store = store
        self.replace = replace
        self.targets: dict[str, tuple[str, str]] = {}
        self.markers: dict[str, str] = {}
        self.counts: dict[str, int] | None = None
        #: For each target whose whole content once published this load read itself (a new
        #: graph sent in one request, or a graph replaced on Oxigraph server), its triples
        #: of the predicates the caller asked to keep (``keep`` of
        #: :meth:`~.interface.Store.stage`): what it need not read back.
        self.kept: dict[str, list[ox.Triple | ox.Quad]] = {}
        #: Whether the load passed its commit point (:meth:`commit` returned).
        self.committed = False
        #: The thread keeping the markers alive on a store with other writers.
        self._heartbeat: Heartbeat | None = None

    def physical(self, target: str) -> str:
        """The graph the data for ``target`` is written to; commits its marker first.

        Every load passes here: a target under the internal prefix (the store's own
        bookkeeping) is refused with :class:`InternalGraphError` before anything is
        written for it; the caller's rollback undoes what the load staged before.
        """
        if target not in self.targets:
            refuse_internal(target)
            staged = self.store.has_graph(target) or self.store.stages_new_graphs
            mode = ("replace" if self.replace else "append") if staged else "new"
            physical = STAGING_PREFIX + uuid.uuid4().hex if staged else target
            self._mark(target, physical, mode)
            self.targets[target] = (physical, mode)
        return self.targets[target][0]

    def route(self, quad: ox.Quad, default_target: str) -> ox.Quad:
        """The quad in the graph its data is staged in."""
        name = quad.graph_name
        target = default_target if isinstance(name, ox.DefaultGraph) else name.value
        physical = self.physical(target)
        if physical == target and not isinstance(name, ox.DefaultGraph):
            return quad
        return ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(physical))

    def triple_count(self, target: str) -> int:
        """How many triples ``target`` will hold once published (see :meth:`prepare`)."""
        return self.prepare()[target]

    def prepare(self) -> dict[str, int]:
        """Count what each target will hold, and turn each staged copy into its differences
        with its target (``StagingStore.split_staged``); nothing published changes."""
        if self.counts is None:
            # The counts and the publishing are made with no other writer's load publishing
            # the same graphs (one at a time per graph, where several writers may run).
            self.store.claim(self.markers)
            self.counts = {
                target: self.store.triple_count(target)
                if physical == target
                else self.store.split_staged(target, physical, replace=mode == "replace")
                for target, (physical, mode) in self.targets.items()
            }
        return self.counts

    def publish(self, *, also: str = "") -> None:
        """Make the staged graphs visible together with ``also`` (such as provenance).

        That is :meth:`commit`, then :meth:`finish`.
        """
        self.commit(also=also)
        self.finish()

    def finish(self) -> None:
        """Free what a committed load staged. A process that ends first leaves it to the
        next read-write open of the store (after the lease, on a store with other writers)."""
        self._release()

    def _release(self) -> None:
        """Stop the heartbeat, then free this load's markers and staging graphs."""
        if self._heartbeat is not None:
            self._heartbeat.stop()
        self.store.discard(list(self.markers.values()), [p for p, _m in self.targets.values()])

    def _check_held(self) -> None:
        """Raise :class:`LoadLost` if another writer dropped this load's markers."""
        lost = self._heartbeat is not None and self._heartbeat.lost
        if lost or (self.store.lease is not None and not self.store.beat(self._marked())):
            raise LoadLost

    def _marked(self) -> list[str]:
        return list(self.markers.values())

    def guard(self) -> str:
        """A graph pattern holding only while this load's markers are there ("" where no
        other writer can drop them): what its provenance is written under."""
        return self.store.guard(self._marked())

    def commit(self, *, also: str = "", additions: Sequence[ox.Quad] | None = None) -> None:
        """Publish the load; once this returns, it holds even across a crash.

        ``additions``, when given, are ``also`` written as statements to add, which is what
        ``also`` does where none of their subjects is described yet in its graph (a store
        that publishes by adding, :mod:`~graph_loader.store.remote_direct`, uses them;
        here ``also`` is run).

        Staged copies are published by applying their differences to their targets while
        their markers say "publishing": until the end, a crash or Ctrl-C is undone by the
        next read-write open (the differences applied backwards). Then one small
        transaction is the commit point: it records ``also`` and marks every staged copy
        for cleanup and every new graph as done. On failure the load is undone. A store
        that publishes a copy by update text (``publish_text``: a remote store) does it in
        that same update, so the load shows whole or not at all, with its provenance.
        """
        g = term(PENDING_GRAPH)
        moving = [(t, p) for t, (p, _mode) in self.targets.items() if p != t]
        try:
            self._check_held()
            self.prepare()
            texts = [self.store.publish_text(t, p, replace=self.replace) for t, p in moving]
            in_one = [text for text in texts if text is not None]
            if len(in_one) < len(moving):
                self.store.update(self._state_steps([t for t, _p in moving], "publishing"))
                self.store.flush()
                for target, physical in moving:
                    self.store.apply_staged(target, physical, forward=True)
                in_one = []
            steps = [*in_one, *([also.strip().rstrip(";")] if also.strip() else [])]
            if moving:
                steps.append(self._state_steps([t for t, _p in moving], "cleanup"))
            for target, (physical, _mode) in self.targets.items():
                if physical == target:
                    marker = term(self.markers[target])
                    steps.append(f"DELETE WHERE {{ GRAPH {g} {{ {marker} ?p ?o }} }}")
            if steps:
                self.store.update(" ;\n".join(steps))
            self.store.flush()
            # Every step of that update held only while the markers were there.
            self._check_held()
        except BaseException:
            self._release()
            raise
        self.committed = True

    def _state_steps(self, targets: list[str], state: str) -> str:
        """Update text setting the markers of ``targets`` to ``state``."""
        g, p = term(PENDING_GRAPH), term(_PENDING + "state")
        steps = []
        for target in targets:
            # Only a marker still there changes (none is made again from its state alone).
            marker = term(self.markers[target])
            steps.append(
                f"DELETE {{ GRAPH {g} {{ {marker} {p} ?s }} }} "
                f"INSERT {{ GRAPH {g} {{ {marker} {p} {ox.Literal(state)} }} }} "
                f"WHERE {{ GRAPH {g} {{ {marker} {p} ?s }} }}"
            )
        return " ;\n".join(steps)

    def abort(self) -> None:
        """Abandon the load: the store is left as it was before it."""
        self._release()

    def _mark(self, target: str, physical: str, mode: str) -> None:
        marker = ox.NamedNode(f"urn:lamcoop:load:{uuid.uuid4().hex}")
        g = ox.NamedNode(PENDING_GRAPH)
        values: dict[str, ox.NamedNode | ox.Literal] = {
            "target": ox.NamedNode(target),
            "physical": ox.NamedNode(physical),
            "mode": ox.Literal(mode),
            "state": ox.Literal("staged"),
            "seal": ox.Literal(self.store.seal(marker.value, target, physical, mode)),
        }
        self.store.add_marker(
            [ox.Quad(marker, ox.NamedNode(_PENDING + k), v, g) for k, v in values.items()]
        )
        self.markers[target] = marker.value
        lease = self.store.lease
        if lease is not None and self._heartbeat is None:
            self._heartbeat = Heartbeat(self.store.beat, self._marked, period=lease / 4)


@dataclass(frozen=True)
class PendingLoad:
    """A load's marker: which graph it writes, where, how, and how far it got."""

    marker: str
    target: str
    physical: str
    mode: str
    state: str
    #: Whether the marker carries the store's seal (see ``layout.seal``).
    sealed: bool = False
    #: Seconds since the marker's last heartbeat, by the engine's clock (``None``: it has
    #: none; see :mod:`graph_loader.store.leases`).
    age: float | None = None

    @property
    def genuine(self) -> bool:
        """Whether the marker has a shape :class:`StagedLoad` writes; recovery acts on no other.

        The rule: the marker bears the store's seal (an HMAC under a key kept outside the
        RDF, which nothing that writes RDF can make); the target is not internal; a ``new``
        load wrote its target in place and is never past ``staged``; a ``replace`` or
        ``append`` load wrote a copy under the staging prefix. So a forged marker can never
        make recovery drop a published graph or change one (no outside request can write
        the marker graph at all; this is the second line).
        """
        return self.sealed and self.shaped

    @property
    def shaped(self) -> bool:
        """Whether the marker has a shape :class:`StagedLoad` writes, sealed or not (see
        :attr:`genuine`; a remote store, whose recovery acts on internal graphs only, asks
        no more of a running load's marker, so writers with different keys coexist)."""
        if internal(self.target):
            return False
        if self.state not in ("staged", "publishing", "cleanup"):
            return False
        if self.mode == "new":
            return self.physical == self.target and self.state == "staged"
        return self.mode in ("replace", "append") and self.physical.startswith(STAGING_PREFIX)
