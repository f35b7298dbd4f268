"""The embedded backend of the store interface (opened by
:func:`graph_loader.store.opening.open_store`).

Callers speak to :class:`~graph_loader.store.interface.Store`: query, update, load into a
graph, replace a graph, drop a graph, list graphs. :class:`OxigraphStore` is the embedded
pyoxigraph store on disk (or in memory); its pyoxigraph store object never leaves it.

Loads are atomic across crashes: before a load writes anything, a *pending-load* marker
naming the graphs it will write is committed to the marker graph. A new graph is written
in place. A graph that exists is staged beside it: a replace in a scratch directory and
published by its differences or whole (:mod:`.swap`), an append in the store, the copy turned
into what the target gains (:mod:`graph_loader.store.moves`). Publishing applies either,
reversibly, then one small transaction is the commit point (the load's provenance, and the
marker set to "cleanup"). Opening a store read-write undoes every load
short of its commit point and frees what committed ones staged, so a load killed or
interrupted at any moment either never shows or shows whole.

>>> store = OxigraphStore(ox.Store())
>>> store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> 1 } }")
>>> [(g.iri, g.triples) for g in store.graphs()]
[('http://example.org/g', 1)]
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from graph_loader.store import moves, swap
from graph_loader.store.describing import by_patterns
from graph_loader.store.embedded_markers import OneWriter, pending_in
from graph_loader.store.interface import DatasetGraph, EntityQuads, GraphInfo, Source, StoreError
from graph_loader.store.layout import (
    PENDING_GRAPH,
    STAGING_PREFIX,
    count,
    count_write,
    internal,
    marker_key,
    seal,
)
from graph_loader.store.staging import PendingLoad, StagedLoad

_GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class OxigraphStore(OneWriter):
    """The embedded pyoxigraph store behind the :class:`Store` interface."""

    def __init__(self, inner: ox.Store, *, read_only: bool = False, path: Path | None = None):
        self._inner = inner
        self.read_only = read_only
        self.path = path
        self._key = marker_key(None if read_only else path)
        self._scratch: Path | None = None
        self._staging: swap.Scratch | None = None

    def side_file(self, name: str) -> Path:
        """Where the side file ``name`` is kept (see :meth:`Store.side_file`). An in-memory
        store keeps its side files in a temporary directory, made on first use and removed
        when the store object goes."""
        if self.path is not None:
            return self.path / name
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="lamcoop-mem-"))
            weakref.finalize(self, shutil.rmtree, self._scratch, ignore_errors=True)
        return self._scratch / name

    # -- reading -------------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        default_graph: DatasetGraph | Sequence[DatasetGraph] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        use_default_graph_as_union: bool | None = None,
        base_iri: str | None = None,
        custom_functions: Mapping[ox.NamedNode, Callable[..., Any]] | None = None,
    ) -> Any:
        """Run a SPARQL query (see :meth:`Store.query`): the default graph is the union of
        the graphs unless ``default_graph`` is given."""
        if use_default_graph_as_union is None:
            use_default_graph_as_union = default_graph is None
        default: ox.NamedNode | ox.DefaultGraph | list[_GraphName] | None = (
            list(default_graph) if isinstance(default_graph, Sequence) else default_graph
        )
        named: list[ox.NamedNode | ox.BlankNode] | None = (
            None if named_graphs is None else list(named_graphs)
        )
        return self._inner.query(
            sparql,
            substitutions=None if substitutions is None else dict(substitutions),
            default_graph=default,
            named_graphs=named,
            use_default_graph_as_union=use_default_graph_as_union,
            base_iri=base_iri,
            custom_functions=None if custom_functions is None else dict(custom_functions),
        )

    def graphs(self) -> list[GraphInfo]:
        """Every named graph with its triple count, sorted by IRI (internal graphs left out)."""
        rows = _solutions(
            self._inner.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
        )
        found = {row["g"].value: int(row["n"].value) for row in rows}
        for graph in self._inner.named_graphs():
            found.setdefault(graph.value, 0)
        return [GraphInfo(iri, count) for iri, count in sorted(found.items()) if not internal(iri)]

    def triple_count(self, graph: str) -> int:
        rows = self._inner.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            substitutions={ox.Variable("g"): ox.NamedNode(graph)},
        )
        return count(rows)

    def has_graph(self, graph: str) -> bool:
        return self._inner.contains_named_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one graph."""
        name = None if graph is None else ox.NamedNode(graph)
        return self._inner.quads_for_pattern(None, None, None, name)

    def dump_graph(self, graph: str, *, format: ox.RdfFormat) -> bytes:
        """The triples of ``graph`` in ``format``, serialised by pyoxigraph."""
        return self._inner.dump(format=format, from_graph=ox.NamedNode(graph)) or b""

    def describe_entity(self, iri: str, *, offset: int, limit: int) -> EntityQuads:
        """``iri``'s description by pattern look-ups (see :meth:`Store.describe_entity`)."""
        return by_patterns(self._inner, iri, offset=offset, limit=limit)

    # -- writing -------------------------------------------------------------------------
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction."""
        self._writable()
        self._inner.update(sparql, base_iri=base_iri)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction (for small, generated graphs)."""
        self._writable()
        self._inner.extend(quads)

    def create_graph(self, graph: str) -> None:
        """Make ``graph`` exist (empty if it is new)."""
        self._writable()
        self._inner.add_graph(ox.NamedNode(graph))

    def drop_graph(self, graph: str) -> None:
        self._writable()
        name = ox.NamedNode(graph)
        if self._inner.contains_named_graph(name):
            self._inner.remove_graph(name)

    def clear_default_graph(self) -> None:
        """Remove every triple of the store's own default graph."""
        self._writable()
        self._inner.clear_graph(ox.DefaultGraph())

    def load_graph(
        self,
        source: IO[bytes] | bytes,
        *,
        graph: str,
        format: ox.RdfFormat,
        base_iri: str | None = None,
    ) -> list[str]:
        """Add the data to ``graph`` (and, for quad formats, to the graphs it names).

        Atomic: on any failure, including a crash, the store is left as it was.
        Returns the graphs written.
        """
        return self._load(source, graph, format, base_iri, replace=False)

    def replace_graph(
        self,
        source: IO[bytes] | bytes,
        *,
        graph: str,
        format: ox.RdfFormat,
        base_iri: str | None = None,
    ) -> list[str]:
        """Replace ``graph`` (and any graph a quad format names) with the data, in one step."""
        return self._load(source, graph, format, base_iri, replace=True)

    def _load(self, source, graph, format, base_iri, *, replace: bool) -> list[str]:
        staged = self.stage(source, graph=graph, format=format, base_iri=base_iri, replace=replace)
        staged.publish()
        return list(staged.targets)

    def stage(
        self,
        source: Source,
        *,
        graph: str,
        format: ox.RdfFormat | None,
        base_iri: str | None = None,
        replace: bool = True,
        keep: frozenset[str] = frozenset(),  # nothing kept: the bulk loader reads the data
    ) -> StagedLoad:
        """Write the data where queries cannot yet mistake it for published data.

        ``source`` is bytes, a binary reader or a file :class:`~pathlib.Path` in ``format``,
        or (``format=None``) an iterable of quads. Nothing shows until
        :meth:`StagedLoad.publish`; a failure here, or a crash before publishing, is rolled
        back.
        """
        self._writable()
        staged = StagedLoad(self, replace=replace)
        # pyoxigraph reads a file named by path natively, faster than through Python.
        given = {"path": str(source)} if isinstance(source, Path) else {"input": source}
        try:
            if format is None or format.supports_datasets:
                quads: Iterable[ox.Quad] = (
                    cast(Iterable[ox.Quad], source)
                    if format is None
                    else ox.parse(**given, format=format, base_iri=base_iri)
                )
                # Routing may commit a marker: it runs while a chunk is gathered, between
                # writes. Short transactions let a signal be felt at once (see moves). No
                # frame an error's traceback keeps holds the pyoxigraph store: close frees it.
                routed = (staged.route(q, graph) for q in quads)
                for chunk in moves.chunks(routed, moves.WRITE_QUADS):
                    self._write_staged(chunk, replace=replace)
            else:
                physical = staged.physical(graph)
                read: dict[str, Any] = {**given, "format": format, "base_iri": base_iri}
                if self._scratched(physical, replace=replace):
                    self._scratch_store().bulk_load(physical, **read)
                else:
                    self._inner.bulk_load(**read, to_graph=ox.NamedNode(physical))
        except BaseException:
            self.recover()
            raise
        return staged

    def _scratched(self, physical: str, *, replace: bool) -> bool:
        """Whether a graph a load writes is staged in the scratch directory: a replace's
        staged copy on disk (:mod:`.swap`; in memory, diffs in the store cost less)."""
        return replace and physical.startswith(STAGING_PREFIX) and self.path is not None

    def _write_staged(self, quads: list[ox.Quad], *, replace: bool) -> None:
        """Write routed quads, each to the store its graph goes to (:meth:`_scratched`)."""
        parts: dict[int, tuple[ox.Store, list[ox.Quad]]] = {}
        for q in quads:
            scratched = self._scratched(getattr(q.graph_name, "value", ""), replace=replace)
            into = self._scratch_store().store if scratched else self._inner
            parts.setdefault(id(into), (into, []))[1].append(q)
        for into, part in parts.values():
            # Staged data needs no transaction (recovery drops it): bulk is 3x quicker.
            (into.bulk_extend if len(part) >= moves.BULK_QUADS else into.extend)(part)

    def _scratch_store(self) -> swap.Scratch:
        if self._staging is None:
            self._staging = swap.Scratch(self.side_file(swap.SCRATCH_DIR))
        return self._staging

    def flush(self) -> None:
        """Write what is buffered to disk."""
        self._inner.flush()

    def close(self) -> None:
        """Flush (when writable) and release the store; a second call does nothing. A
        read-write store on disk then counts the session (:func:`.layout.count_write`), so
        that servers reading the store learn of the write."""
        inner = self.__dict__.pop("_inner", None)
        if self._staging is not None:
            self._staging.release()
        if inner is not None and not self.read_only:
            inner.flush()
            del inner  # the last reference: the store is released before readers reopen it
            if self.path is not None:
                count_write(self.path)

    # -- pending loads -------------------------------------------------------------------
    def internal_graphs(self) -> dict[str, int]:
        """The store's own bookkeeping graphs (empty ones too) with their triple counts."""
        names = [g.value for g in self._inner.named_graphs() if internal(g.value)]
        return {name: self.triple_count(name) for name in names}

    def pending_loads(self) -> list[PendingLoad]:
        """Every load whose marker is still present: interrupted, or being published."""
        return pending_in(self._inner, self.seal)

    def seal(self, marker: str, target: str, physical: str, mode: str) -> str:
        """The seal a marker of this store bears (see :func:`layout.seal`)."""
        return seal(self._key, marker, target, physical, mode)

    def recover(self) -> None:
        """Undo loads that did not pass their commit point; free what the others staged.

        Only markers of the shape the staging code writes are acted on
        (:attr:`PendingLoad.genuine`); any other is dropped with the marker graph. A load
        stopped while publishing is undone by applying its differences backwards
        (:mod:`graph_loader.store.moves`); a new graph written in place is dropped.
        """
        pending = [load for load in self.pending_loads() if load.genuine]
        scratch = self._scratch_store()
        for load in pending:
            if load.state == "publishing":
                self._apply(scratch, load.target, load.physical, forward=False)
        for load in pending:
            if load.state == "staged" and load.mode == "new":
                moves.drop(self._inner, load.physical)
        for graph in list(self._inner.named_graphs()):
            if graph.value.startswith(STAGING_PREFIX):
                moves.drop(self._inner, graph.value)
        self.drop_graph(PENDING_GRAPH)
        self._inner.flush()
        scratch.remove()  # only now: an undo above needed its files until the markers went

    def add_marker(self, quads: list[ox.Quad]) -> None:
        """Write a load's marker, durably."""
        self.extend(quads)
        self.flush()

    def discard(self, markers: list[str], physicals: list[str]) -> None:
        """Undo or free what the load staged (this store has one writer: :meth:`recover`)."""
        self.recover()

    def clean_internal(self, graph: str) -> None:
        """Drop the internal graph (no load of another writer can be using it)."""
        self.drop_graph(graph)

    def split_staged(self, target: str, physical: str, *, replace: bool) -> int:
        """Turn a staged copy into its differences with ``target`` (see
        :func:`graph_loader.store.moves.split`); returns the count ``target`` will hold."""
        self._writable()
        scratch = self._scratch_store()
        if replace and scratch.holds(physical):
            return swap.prepare(self._inner, scratch, target, physical)
        return moves.split(self._inner, target, physical, replace=replace)

    #: New graphs are written in place (see :class:`StagedLoad`).
    stages_new_graphs = False

    def publish_text(self, target: str, physical: str, *, replace: bool) -> None:
        """None: the embedded store publishes by reversible steps (:meth:`apply_staged`)."""
        return None

    def apply_staged(self, target: str, physical: str, *, forward: bool) -> None:
        """Publish (or undo) a staged copy's differences (see :mod:`graph_loader.store.moves`)."""
        self._writable()
        self._apply(self._scratch_store(), target, physical, forward=forward)

    def _apply(self, scratch: swap.Scratch, target: str, physical: str, *, forward: bool) -> None:
        """A replace swapped whole (its versions on disk), else differences in the store."""
        if scratch.prepared(physical):
            swap.apply(self._inner, scratch, target, physical, forward=forward)
        else:
            moves.apply(self._inner, target, physical, forward=forward)

    # -- internals -----------------------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")


def _solutions(results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The solutions of a SELECT this module wrote (never a boolean or a graph)."""
    assert isinstance(results, ox.QuerySolutions)
    return results
