"""A remote SPARQL 1.1 store behind the :class:`~graph_loader.store.interface.Store` interface.

Queries and updates go over the SPARQL Protocol, uploads and graph downloads over the Graph
Store Protocol (:mod:`graph_loader.store.remote_http`). Answers come back as pyoxigraph's
own objects (solutions, booleans, triples), so callers cannot tell the stores apart.

Loads are atomic. A new graph on Oxigraph server goes in one bulk request with its
provenance (:mod:`~graph_loader.store.remote_direct`). Otherwise every graph a load writes
is first uploaded to a staging graph under ``urn:lamcoop:staging:`` beside a sealed marker
(:class:`~graph_loader.store.staging.StagedLoad`); publishing is one SPARQL update that
empties the target (when the load replaces), adds the staged copy and records the load's
provenance. A load killed, or an engine stopped, before that update leaves the published
graphs as they were; a later read-write open drops what was staged, once the load's
heartbeat is older than the lease (:mod:`graph_loader.store.leases`: several processes may
write one remote store at once, and none drops another's running load).

What lamcoop keeps beside a remote store (the text index, the key that seals markers) is
in a local directory, the ``state_dir`` setting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from graph_loader.store import remote_loads
from graph_loader.store.describing import DescribedByQuery
from graph_loader.store.dialect import (
    accept_for,
    as_embedded,
    insert_text,
    results,
    system_graph,
    with_dataset,
)
from graph_loader.store.engine_errors import StoreRefused
from graph_loader.store.interface import DatasetGraph, GraphInfo, Source, StoreError
from graph_loader.store.layout import count, internal, marker_key, seal, term
from graph_loader.store.leases import owner
from graph_loader.store.moves import chunks
from graph_loader.store.remote_answers import OXIGRAPH_GIVES, EngineAnswer, query_request
from graph_loader.store.remote_direct import DirectLoad, goes_direct
from graph_loader.store.remote_http import RemoteClient
from graph_loader.store.remote_payloads import insert_data, serialised, started, upload_quads
from graph_loader.store.remote_version import (
    bump_text,
    drop_internal_text,
    ensure_text,
    stamp_text,
)
from graph_loader.store.staging import PendingLoad, StagedLoad, keeping

#: Triples or quads serialised per piece of an upload's body.
UPLOAD_BATCH = 20_000

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { } }"
_NAMES = "SELECT DISTINCT ?g WHERE { { GRAPH ?g { } } UNION { GRAPH ?g { ?s ?p ?o } } }"


class RemoteStore(DescribedByQuery):
    """A SPARQL 1.1 store over HTTP (Oxigraph server, Virtuoso, or another engine)."""

    #: Every graph a load writes is staged, new ones too: nothing shows before publishing.
    stages_new_graphs = True

    def __init__(
        self,
        client: RemoteClient,
        *,
        state_dir: Path,
        read_only: bool = False,
        lease: float = 60.0,
    ):
        self.client = client
        #: Seconds after its last heartbeat that another writer's load is taken for dead.
        self.lease: float | None = lease
        self._lease = lease
        self.read_only = read_only
        self.path = state_dir
        self.url = client.endpoints.query
        self._engine = client.endpoints.engine
        self._key = marker_key(None if read_only else self._state())

    def _state(self) -> Path:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot make the state directory {self.path}: {exc}") from None
        return self.path

    def side_file(self, name: str) -> Path:
        """A file of data derived from the store, in the local state directory."""
        return self._state() / name

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
        """Run a SPARQL query in the remote engine (see :meth:`Store.query`; the request
        is :func:`~graph_loader.store.remote_answers.query_request`'s)."""
        text, params = query_request(
            self.client,
            sparql,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
            use_default_graph_as_union=use_default_graph_as_union,
            base_iri=base_iri,
            custom_functions=custom_functions,
        )
        engine = self.client.endpoints.engine
        accept = accept_for(engine, text)  # by the query's form, before Virtuoso's pragmas
        media, body = self.client.query(*with_dataset(engine, text, params), accept)
        return results(media, body, self.url)

    def engine_answer(
        self, sparql: str, media_type: str, *, seconds: float | None = None, **dataset: Any
    ) -> EngineAnswer | None:
        """The engine's own answer to ``sparql`` in ``media_type``, to be passed on as its
        bytes (``dataset``: :meth:`query`'s other arguments); ``None`` when the engine's
        bytes cannot stand as lamcoop's answer (an engine other than Oxigraph server, whose
        answers lamcoop reads back: see :mod:`~graph_loader.store.dialect`; a format it
        does not write)."""
        if self._engine != "oxigraph" or media_type not in OXIGRAPH_GIVES:
            return None
        try:
            text, params = query_request(self.client, sparql, **dataset)
        except StoreRefused:
            raise
        except StoreError as exc:  # the request cannot be written: the query's fault
            raise StoreRefused(str(exc)) from None
        return EngineAnswer(self.client, text, params, media_type, seconds=seconds)

    def _rows(self, sparql: str, **bound: str) -> ox.QuerySolutions:
        subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bound.items()}
        results = self.query(sparql, substitutions=subs or None, use_default_graph_as_union=False)
        assert isinstance(results, ox.QuerySolutions)
        return results

    def _names(self) -> list[str]:
        # Oxigraph server lists every named graph, empty or not, from its table of graphs.
        oxigraph = self._engine == "oxigraph"
        found = {row["g"].value for row in self._rows(_GRAPHS if oxigraph else _NAMES)}
        return sorted(g for g in found if not system_graph(self.client.endpoints.engine, g))

    def graphs(self) -> list[GraphInfo]:
        """Every named graph with its triple count, sorted by IRI (internal graphs left out)."""
        rows = self._rows("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        found = {row["g"].value: int(row["n"].value) for row in rows}
        for name in self._names():
            found.setdefault(name, 0)
        engine = self.client.endpoints.engine
        return [
            GraphInfo(iri, n)
            for iri, n in sorted(found.items())
            if not internal(iri) and not system_graph(engine, iri)
        ]

    def triple_count(self, graph: str) -> int:
        return count(self._rows(_COUNT, g=graph))

    def has_graph(self, graph: str) -> bool:
        found = self.query(
            "ASK { { GRAPH ?g { } } UNION { GRAPH ?g { ?s ?p ?o } } }",
            substitutions={ox.Variable("g"): ox.NamedNode(graph)},
            use_default_graph_as_union=False,
        )
        return bool(found)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one graph (downloaded, then read)."""
        if graph is not None:
            name = ox.NamedNode(graph)
            data = self.client.get_graph(graph, "application/n-triples")
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, name)
            return
        rows = self._rows("SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        for row in rows:
            g = row["g"]
            yield ox.Quad(row["s"], row["p"], row["o"], ox.DefaultGraph() if g is None else g)

    def dump_graph(self, graph: str, *, format: ox.RdfFormat) -> bytes:
        """The triples of ``graph`` in ``format``, serialised here by pyoxigraph (so every
        engine's dump reads alike)."""
        triples = [q.triple for q in self.quads(graph)] if self.has_graph(graph) else []
        return ox.serialize(triples, format=format) or b""

    # -- writing -------------------------------------------------------------------------
    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in the remote engine (one request), the data version moved
        on in the same request (:mod:`~graph_loader.store.remote_version`)."""
        self._writable()
        text = f"BASE {term(base_iri)}\n{sparql}" if base_iri else sparql
        self.client.update(f"{text} ;\n{bump_text()}", added_lines=1 if base_iri else 0)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one update (for small, generated graphs)."""
        self._writable()
        listed = list(quads)
        body = insert_data(listed)
        if body:
            # The store's own bookkeeping (load markers) does not move the data version.
            shown = any(
                isinstance(q.graph_name, ox.DefaultGraph) or not internal(q.graph_name.value)
                for q in listed
            )
            self.client.update(
                insert_text(self.client.endpoints.engine, body)
                + (f" ;\n{bump_text()}" if shown else "")
            )

    def create_graph(self, graph: str) -> None:
        self.update(f"CREATE SILENT GRAPH {term(graph)}")

    def drop_graph(self, graph: str) -> None:
        stamp = "" if internal(graph) else f" ;\n{stamp_text(graph)}"
        self.update(f"DROP SILENT GRAPH {term(graph)}{stamp}")

    def clear_default_graph(self) -> None:
        self.update("CLEAR SILENT DEFAULT")

    def load_graph(
        self, source: IO[bytes] | bytes, *, graph: str, format: ox.RdfFormat, base_iri=None
    ) -> list[str]:
        """Add the data to ``graph`` atomically; returns the graphs written."""
        return self._load(source, graph, format, base_iri, replace=False)

    def replace_graph(
        self, source: IO[bytes] | bytes, *, graph: str, format: ox.RdfFormat, base_iri=None
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
        keep: frozenset[str] = frozenset(),
    ) -> StagedLoad:
        """Upload the data to staging graphs (see the module); read here, by pyoxigraph, so
        that errors and their places are the embedded store's. A new graph's triples of the
        predicates in ``keep`` are kept (:attr:`StagedLoad.kept`)."""
        self._writable()
        staged = StagedLoad(self, replace=replace)
        given = {"path": str(source)} if isinstance(source, Path) else {"input": source}
        try:
            if goes_direct(self, graph, format):  # a new graph: one atomic bulk request
                read = ox.parse(**given, format=format, base_iri=base_iri)
                return DirectLoad(self, read, target=graph, keep=keep)
            if format is None or format.supports_datasets:
                quads: Iterable[ox.Quad] = (
                    cast(Iterable[ox.Quad], source)
                    if format is None
                    else ox.parse(**given, format=format, base_iri=base_iri)
                )
                routed = (staged.route(q, graph) for q in quads)
                pieces = chunks(routed, UPLOAD_BATCH)
                upload_quads(self.client, (q for p in pieces for q in as_embedded(self._engine, p)))
            else:
                physical = staged.physical(graph)
                triples: Iterable[ox.Quad] = ox.parse(**given, format=format, base_iri=base_iri)
                if keep and replace and self._engine == "oxigraph":  # the file is the graph
                    staged.kept[graph] = []
                    triples = keeping(triples, keep, staged.kept[graph])
                nt = ox.RdfFormat.N_TRIPLES
                body = (
                    serialised(as_embedded(self._engine, piece), nt)
                    for piece in chunks(triples, UPLOAD_BATCH)
                )
                self.client.post_graph(physical, started(body), "application/n-triples")
        except BaseException:
            staged.abort()
            raise
        return staged

    def flush(self) -> None:
        """Nothing to do: each request of a remote store is durable when answered."""

    def close(self) -> None:
        """Close the pooled connections; a second call does nothing."""
        self.client.close()

    # -- pending loads -------------------------------------------------------------------
    def internal_graphs(self) -> dict[str, int]:
        """The store's own bookkeeping graphs (empty ones too) with their triple counts
        (:func:`remote_loads.internal_counts`: what a user's update may not change)."""
        return remote_loads.internal_counts(self, self._names())

    def clean_internal(self, graph: str) -> None:
        """Drop the internal graph; of the marker graph, only what no load's marker holds."""
        if graph != remote_loads.PENDING_GRAPH:
            self.update(drop_internal_text(graph))
            return
        text = remote_loads.foreign_text(remote_loads.read_markers(self))
        if text:
            self.update(text)

    def pending_loads(self) -> list[PendingLoad]:
        """Every load whose marker is still present (its heartbeat's age with it)."""
        return remote_loads.pending_loads(self)

    def seal(self, marker: str, target: str, physical: str, mode: str) -> str:
        """The seal a marker of this store bears (see :func:`layout.seal`)."""
        return seal(self._key, marker, target, physical, mode)

    def recover(self) -> None:
        """Drop what dead loads staged and their markers (see :mod:`remote_loads`): a
        load either passed its one publishing update or never showed, and one whose
        heartbeat is younger than the lease is running in another process and kept."""
        self._writable()
        steps = remote_loads.recover_text(self, self._names(), lease=self._lease)
        self.client.update(" ;\n".join(s for s in (steps, ensure_text()) if s))

    def add_marker(self, quads: list[ox.Quad]) -> None:
        """Write a load's marker with its owner and heartbeat (the data version unmoved)."""
        self._writable()
        self.client.update(remote_loads.marker_text(quads, owner()))

    def beat(self, markers: list[str]) -> bool:
        """Refresh the heartbeat of ``markers``; whether they are all still there."""
        if markers:
            self.client.update(remote_loads.beat_text(markers))
        return remote_loads.present(self, markers)

    def guard(self, markers: list[str]) -> str:
        return remote_loads.guard(markers)

    def claim(self, markers: Mapping[str, str]) -> None:
        """Publish one load at a time per graph (:func:`remote_loads.claim`)."""
        remote_loads.claim(self, markers, lease=self._lease)

    def discard(self, markers: list[str], physicals: list[str]) -> None:
        """Drop one load's staging graphs and markers (nothing of another load)."""
        self._writable()
        text = remote_loads.discard_text(markers, physicals)
        if text:
            self.client.update(text)

    def split_staged(self, target: str, physical: str, *, replace: bool) -> int:
        """How many triples ``target`` will hold once the staged copy is published."""
        if replace:
            return self.triple_count(physical)
        # What both hold counts once (a staged blank node is never one of the target's).
        both = count(
            self._rows(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?t { ?s ?p ?o } GRAPH ?c { ?s ?p ?o } }",
                t=target,
                c=physical,
            )
        )
        return self.triple_count(target) + self.triple_count(physical) - both

    def publish_text(self, target: str, physical: str, *, replace: bool) -> str:
        """The update that publishes a staged copy (:func:`remote_loads.publish_text`)."""
        # By its differences on Oxigraph server, which runs one update at a time; Virtuoso
        # runs them side by side, and two such updates deadlocked there (SR172).
        return remote_loads.publish_text(
            target, physical, replace=replace, differences=self._engine == "oxigraph"
        )

    def apply_staged(self, target: str, physical: str, *, forward: bool) -> None:
        """Publish a staged copy by itself (unused: the commit point's update does it)."""
        if forward:
            self.update(self.publish_text(target, physical, replace=False))

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
