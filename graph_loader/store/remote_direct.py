"""A new graph loaded into Oxigraph server in one atomic request, without a staging copy.

Oxigraph server's Graph Store ``POST`` with ``no_transaction`` runs its bulk loader: the
body is parsed and sorted into SST files, and only once the whole body has been read are
they ingested, every index at once (RocksDB's ``IngestExternalFiles``, atomic across its
column families). A body cut short (the loader killed, the connection lost) or an engine
stopped before the ingestion leaves nothing; after it, everything. That is the same
guarantee as an update's transaction, for a third of its cost (docs/remote-store.md,
"Speed"), but it can only add.

So a load whose target graph does not exist yet (nothing to delete) is published by one
such request holding the graph's triples, its provenance (when the target has no earlier
description, nothing to delete there either), the graph's stamp and a new data version
(:mod:`~graph_loader.store.remote_version`; readers take the largest version, so the older
value left beside it is harmless, and :meth:`DirectLoad.finish` removes it). Any other
load, or a commit whose extra text cannot be written as added statements, goes through the
staging graph as before (:class:`~graph_loader.store.staging.StagedLoad`).

The triples are read and checked by pyoxigraph into a temporary file first, so a broken
file fails before anything is sent; they are counted as the engine will hold them (typed
literals in Oxigraph's canonical form, duplicates once).
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO, Protocol

import pyoxigraph as ox

from graph_loader.store.interface import ReadableStore
from graph_loader.store.layout import term
from graph_loader.store.moves import chunks
from graph_loader.store.remote_http import RemoteClient
from graph_loader.store.remote_payloads import read_pieces
from graph_loader.store.remote_version import VERSION_GRAPH, now_micros, read_version
from graph_loader.store.staging import StagedLoad, StagingStore
from graph_loader.vocab import RDF, XSD

_NQ = ox.RdfFormat.N_QUADS
_PLAIN = frozenset({XSD.string.value, RDF + "langString"})
_V = ox.NamedNode(VERSION_GRAPH)
_VERSION = ox.NamedNode(VERSION_GRAPH + "#version")
_WRITTEN = ox.NamedNode(VERSION_GRAPH + "#written")
_INTEGER = ox.NamedNode(XSD.integer.value)
#: Removes every version value and stamp below the largest (left by a direct load).
_TIDY = (
    f"DELETE {{ GRAPH {term(VERSION_GRAPH)} {{ ?s ?p ?low }} }} "
    f"WHERE {{ GRAPH {term(VERSION_GRAPH)} {{ ?s ?p ?low , ?high }} "
    f"FILTER(?p IN ({_VERSION}, {_WRITTEN}) && ?low < ?high) }}"
)


def canonical(piece: Sequence[ox.Triple]) -> list[ox.Triple]:
    """The triples as Oxigraph holds them: typed literals (``"01"^^xsd:integer``) in their
    canonical form, through an in-memory store; plain and language-tagged ones as read.

    >>> n = ox.Literal("01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    >>> t = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), n)
    >>> canonical([t])[0].object.value
    '1'
    """
    typed = [
        t
        for t in piece
        if isinstance(t.object, ox.Literal) and t.object.datatype.value not in _PLAIN
    ]
    if not typed:
        return list(piece)
    held = ox.Store()
    held.extend(ox.Quad(t.subject, t.predicate, t.object) for t in typed)
    moved = set(typed)
    return [t for t in piece if t not in moved] + [q.triple for q in held]


class RemoteTarget(ReadableStore, StagingStore, Protocol):
    """What a direct load needs of its store: reading, staging, and its HTTP client."""

    client: RemoteClient


class DirectLoad(StagedLoad):
    """A load of one new graph, spooled as N-Quads, published by one bulk request."""

    def __init__(
        self, store: RemoteTarget, triples: Iterable[ox.Triple], *, target: str, batch: int
    ):
        super().__init__(store, replace=True)
        self.remote = store
        self.target = target
        self.spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by commit)
        self.direct = False
        self.batch = batch
        graph = ox.NamedNode(target)
        seen: set[bytes] = set()
        try:
            read = iter(triples)
            while piece := list(itertools.islice(read, batch)):
                quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in canonical(piece))
                data = ox.serialize(quads, format=_NQ) or b""
                seen.update(data.splitlines())
                self.spool.write(data)
        except BaseException:
            self.spool.close()
            raise
        self.targets = {target: (target, "new")}
        self.counts = {target: len(seen)}

    def commit(self, *, also: str = "", additions: Sequence[ox.Quad] | None = None) -> None:
        """Publish in one bulk request when ``also`` is nothing, or is ``additions`` on a
        store where none of their subjects is yet described in its graph; otherwise stage
        the spooled triples and publish them the usual way."""
        if also.strip() and (additions is None or self._described(additions)):
            self._stage_spool()
            super().commit(also=also)
            return
        before = read_version(self.remote)
        version = max(before + 1, now_micros())
        extra = [
            *(additions or ()),
            ox.Quad(_V, _VERSION, ox.Literal(str(version), datatype=_INTEGER), _V),
            ox.Quad(
                ox.NamedNode(self.target),
                _WRITTEN,
                ox.Literal(str(before + 1), datatype=_INTEGER),
                _V,
            ),
        ]
        self.spool.write(ox.serialize(extra, format=_NQ) or b"")
        self.spool.seek(0)
        try:
            self.remote.client.post_graph(None, read_pieces(self.spool), "application/n-quads")
        finally:
            self.spool.close()
        self.direct = True
        self.committed = True

    def finish(self) -> None:
        """Remove the older version value and stamp the request left (nothing was staged)."""
        if self.direct:
            self.remote.client.update(_TIDY)
        else:
            super().finish()

    def abort(self) -> None:
        self.spool.close()
        super().abort()

    def _described(self, additions: Sequence[ox.Quad]) -> bool:
        """Whether a subject of ``additions`` already has statements in its graph."""
        pairs = {(q.subject, q.graph_name) for q in additions}
        for subject, graph in pairs:
            if not isinstance(subject, ox.NamedNode) or not isinstance(graph, ox.NamedNode):
                return True
            bound = {ox.Variable("g"): graph, ox.Variable("s"): subject}
            found = self.remote.query("ASK { GRAPH ?g { ?s ?p ?o } }", substitutions=bound)
            if found:
                return True
        return False

    def _stage_spool(self) -> None:
        """Stage the spooled triples (a marker, then a copy), as any other load."""
        self.targets, self.counts = {}, None
        physical = ox.NamedNode(self.physical(self.target))
        self.spool.seek(0)
        with self.spool:
            moved = (
                ox.Quad(q.subject, q.predicate, q.object, physical)
                for q in ox.parse(self.spool, format=_NQ)
            )
            body = (ox.serialize(p, format=_NQ) or b"" for p in chunks(moved, self.batch))
            self.remote.client.post_graph(None, body, "application/n-quads")
