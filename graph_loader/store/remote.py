"""A remote SPARQL 1.1 store behind the :class:`~graph_loader.store.interface.Store` interface.

Queries and updates go over the SPARQL Protocol, uploads and graph downloads over the Graph
Store Protocol (:mod:`graph_loader.store.remote_http`). Answers come back as pyoxigraph's
own objects (solutions, booleans, triples), so callers cannot tell the stores apart.

Loads are atomic: every graph a load writes, new or not, is first uploaded to a staging
graph under ``urn:lamcoop:staging:`` beside a sealed pending-load marker
(:class:`~graph_loader.store.staging.StagedLoad`); publishing is one SPARQL update that
empties the target (when the load replaces), adds the staged copy and records the load's
provenance. A load killed, or an engine stopped, before that update leaves the published
graphs as they were; the next read-write open drops what was staged.

What lamcoop keeps beside a remote store (the text index, the key that seals markers) is
in a local directory, the ``state_dir`` setting.
"""

from __future__ import annotations

import hmac
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from graph_loader.store.bindings import bind
from graph_loader.store.dialect import (
    accept_for,
    as_embedded,
    insert_text,
    results,
    system_graph,
    with_base,
)
from graph_loader.store.interface import (
    DatasetGraph,
    ExpandingFunctions,
    GraphInfo,
    Source,
    StoreError,
)
from graph_loader.store.layout import (
    _PENDING,
    PENDING_GRAPH,
    STAGING_PREFIX,
    count,
    internal,
    marker_key,
    seal,
    term,
)
from graph_loader.store.moves import chunks
from graph_loader.store.remote_http import RemoteClient
from graph_loader.store.remote_payloads import insert_data, read_pieces, serialised, started
from graph_loader.store.remote_version import (
    FOREIGN_BOUND,
    FOREIGN_COUNT,
    VERSION_GRAPH,
    bump_text,
    ensure_text,
    stamp_text,
)
from graph_loader.store.staging import PendingLoad, StagedLoad

#: Triples or quads serialised per piece of an upload's body.
UPLOAD_BATCH = 20_000

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_NAMES = "SELECT DISTINCT ?g WHERE { { GRAPH ?g { } } UNION { GRAPH ?g { ?s ?p ?o } } }"


class RemoteStore:
    """A SPARQL 1.1 store over HTTP (Oxigraph server, Virtuoso, or another engine)."""

    #: Every graph a load writes is staged, new ones too: nothing shows before publishing.
    stages_new_graphs = True

    def __init__(self, client: RemoteClient, *, state_dir: Path, read_only: bool = False):
        self.client = client
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
        """Run a SPARQL query in the remote engine (see :meth:`Store.query`).

        ``custom_functions`` cannot run in the engine: those that can (lamcoop's text
        functions, which read the local index) are written into the query as the values
        they stand for first (:class:`ExpandingFunctions`); others are refused."""
        if custom_functions:
            if not isinstance(custom_functions, ExpandingFunctions):
                raise StoreError("a remote store cannot run custom functions in its engine")
            sparql = custom_functions.expand(sparql)
        text = bind(sparql, substitutions) if substitutions else sparql
        if base_iri:
            text = with_base(self.client.endpoints.engine, base_iri, text)
        params: list[tuple[str, str]] = []
        listed = (
            []
            if default_graph is None
            else list(default_graph)
            if isinstance(default_graph, Sequence)
            else [default_graph]
        )
        # The engine's own default graph alone: Oxigraph server's default graph when no
        # graph is named and the union is not asked for.
        own = (
            listed == [ox.DefaultGraph()]
            and not named_graphs
            and self.client.endpoints.engine == "oxigraph"
        )
        for graph in [] if own else listed:
            if not isinstance(graph, ox.NamedNode):
                raise StoreError("a remote store's query cannot name its own default graph")
            params.append(("default-graph-uri", graph.value))
        params += [("named-graph-uri", g.value) for g in named_graphs or ()]
        union = (
            default_graph is None
            if use_default_graph_as_union is None
            else bool(use_default_graph_as_union)
        )
        engine = self.client.endpoints.engine
        if union and engine == "oxigraph":
            params.append(("union-default-graph", "true"))
        media, body = self.client.query(text, params, accept_for(engine, text))
        return results(media, body, self.url)

    def _rows(self, sparql: str, **bound: str) -> ox.QuerySolutions:
        subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bound.items()}
        results = self.query(sparql, substitutions=subs or None, use_default_graph_as_union=False)
        assert isinstance(results, ox.QuerySolutions)
        return results

    def _names(self) -> list[str]:
        found = {row["g"].value for row in self._rows(_NAMES)}
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
        self.client.update(f"{text} ;\n{bump_text()}")

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
    ) -> StagedLoad:
        """Upload the data to staging graphs (see the module); read here, by pyoxigraph, so
        that errors and their places are the embedded store's."""
        self._writable()
        staged = StagedLoad(self, replace=replace)
        given = {"path": str(source)} if isinstance(source, Path) else {"input": source}
        try:
            if format is None or format.supports_datasets:
                quads: Iterable[ox.Quad] = (
                    cast(Iterable[ox.Quad], source)
                    if format is None
                    else ox.parse(**given, format=format, base_iri=base_iri)
                )
                routed = (staged.route(q, graph) for q in quads)
                pieces = chunks(routed, UPLOAD_BATCH)
                self._upload_quads(q for p in pieces for q in as_embedded(self._engine, p))
            else:
                physical = staged.physical(graph)
                triples = ox.parse(**given, format=format, base_iri=base_iri)
                nt = ox.RdfFormat.N_TRIPLES
                body = (
                    serialised(as_embedded(self._engine, piece), nt)
                    for piece in chunks(triples, UPLOAD_BATCH)
                )
                self.client.post_graph(physical, started(body), "application/n-triples")
        except BaseException:
            self.recover()
            raise
        return staged

    def _upload_quads(self, routed: Iterable[ox.Quad]) -> None:
        """Upload routed quads: spooled first (routing commits markers), then one body per
        request, so a document's blank nodes stay one node each within a graph."""
        with tempfile.TemporaryFile() as spool:
            ox.serialize(routed, output=spool, format=ox.RdfFormat.N_QUADS)
            spool.seek(0)
            if self.client.endpoints.engine == "oxigraph":
                self.client.post_graph(None, read_pieces(spool), "application/n-quads")
                return
            by_graph: dict[str, list[ox.Triple]] = {}
            for q in ox.parse(spool, format=ox.RdfFormat.N_QUADS):
                by_graph.setdefault(q.graph_name.value, []).append(q.triple)
            for name, triples in by_graph.items():
                data = serialised(triples, ox.RdfFormat.N_TRIPLES)
                self.client.post_graph(name, data, "application/n-triples")

    def flush(self) -> None:
        """Nothing to do: each request of a remote store is durable when answered."""

    def close(self) -> None:
        """Close the pooled connections; a second call does nothing."""
        self.client.close()

    # -- pending loads -------------------------------------------------------------------
    def internal_graphs(self) -> dict[str, int]:
        """The store's own bookkeeping graphs (empty ones too) with their triple counts; of
        the version graph, which every update rewrites, only the triples not lamcoop's own
        (so a ``DROP ALL`` it survives is no write to it, a foreign triple is)."""
        return {
            name: (
                count(self._rows(FOREIGN_COUNT, **FOREIGN_BOUND))
                if name == VERSION_GRAPH
                else self.triple_count(name)
            )
            for name in self._names()
            if internal(name)
        }

    def pending_loads(self) -> list[PendingLoad]:
        """Every load whose marker is still present."""
        rows = self._rows(
            """SELECT * WHERE { GRAPH ?g {
                 ?x ?target ?t ; ?physical ?p ; ?mode ?m ; ?state ?s
                 OPTIONAL { ?x ?seal ?k } } }""",
            g=PENDING_GRAPH,
            **{k: _PENDING + k for k in ("target", "physical", "mode", "state", "seal")},
        )
        found = []
        for r in rows:
            x, t, p, m = (r[k].value for k in ("x", "t", "p", "m"))
            sealed = r["k"] is not None and hmac.compare_digest(r["k"].value, self.seal(x, t, p, m))
            found.append(PendingLoad(x, t, p, m, r["s"].value, sealed=sealed))
        return found

    def seal(self, marker: str, target: str, physical: str, mode: str) -> str:
        """The seal a marker of this store bears (see :func:`layout.seal`)."""
        return seal(self._key, marker, target, physical, mode)

    def recover(self) -> None:
        """Drop what unfinished loads staged and their markers: publishing is one update,
        so a load either passed it (and only its staging is left) or never showed."""
        self._writable()
        staging = [n for n in self._names() if n.startswith(STAGING_PREFIX)]
        steps = [f"DROP SILENT GRAPH {term(n)}" for n in staging]
        steps.append(f"DROP SILENT GRAPH {term(PENDING_GRAPH)}")
        steps.append(ensure_text())
        self.client.update(" ;\n".join(steps))

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
        """The update that publishes a staged copy: empty the target when the load
        replaces, then add the copy (blank nodes keep their identity). Each step holds only
        while the copy's marker is there: a copy another process's recovery dropped is never
        published as an empty graph."""
        t, c = term(target), term(physical)
        marked = f"GRAPH {term(PENDING_GRAPH)} {{ ?load {term(_PENDING + 'physical')} {c} }}"
        into = f"GRAPH {t} {{ ?s ?p ?o }}"
        steps = [f"CREATE SILENT GRAPH {t}"]
        if replace:
            steps.append(f"DELETE {{ {into} }} WHERE {{ {marked} {into} }}")
        steps.append(f"INSERT {{ {into} }} WHERE {{ {marked} GRAPH {c} {{ ?s ?p ?o }} }}")
        steps.append(stamp_text(target, when=marked))  # the commit's update moves the version
        return " ;\n".join(steps)

    def apply_staged(self, target: str, physical: str, *, forward: bool) -> None:
        """Publish a staged copy by itself (unused: the commit point's update does it)."""
        if forward:
            self.update(self.publish_text(target, physical, replace=False))

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
