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
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Protocol

import pyoxigraph as ox

from graph_loader.store.interface import ReadableStore
from graph_loader.store.layout import refuse_internal, term
from graph_loader.store.remote_http import RemoteClient
from graph_loader.store.remote_payloads import read_pieces
from graph_loader.store.remote_version import TOKEN, VERSION_GRAPH, now_micros, read_version
from graph_loader.store.staging import StagedLoad, StagingStore, keeping
from graph_loader.vocab import XSD

_NQ = ox.RdfFormat.N_QUADS
#: Where a line of pyoxigraph's N-Triples holds a typed literal (see :func:`held_count`).
_TYPED = b'"^^<'
#: Bytes of the spool read at a time (whole lines).
_BLOCK = 1 << 20
_V = ox.NamedNode(VERSION_GRAPH)
_VERSION = ox.NamedNode(VERSION_GRAPH + "#version")
_WRITTEN = ox.NamedNode(VERSION_GRAPH + "#written")
_TOKEN = ox.NamedNode(TOKEN)
_INTEGER = ox.NamedNode(XSD.integer.value)
#: Removes every version value and stamp below the largest (left by a direct load).
_TIDY = (
    f"DELETE {{ GRAPH {term(VERSION_GRAPH)} {{ ?s ?p ?low }} }} "
    f"WHERE {{ GRAPH {term(VERSION_GRAPH)} {{ ?s ?p ?low , ?high }} "
    f"FILTER(?p IN ({_VERSION}, {_WRITTEN}) && ?low < ?high) }}"
)


def held_count(lines: Iterable[bytes]) -> int:
    r"""How many triples the engine holds for these distinct lines of pyoxigraph's own
    N-Triples: typed literals in Oxigraph's canonical form (through an in-memory store), so
    ``"01"`` and ``"1"`` as ``xsd:integer`` count once. A line holds a typed literal where
    it holds ``"^^<``: an unescaped quote only ends a literal, and IRIs hold none.

    >>> i = "<http://www.w3.org/2001/XMLSchema#integer>"
    >>> typed = {f'<urn:x:s> <urn:x:p> "{n}"^^{i} .\n'.encode() for n in ("01", "1")}
    >>> held_count(typed | {b'<urn:x:s> <urn:x:p> "1" .\n'})
    2
    """
    plain, typed = 0, []
    for line in lines:
        if _TYPED in line:
            typed.append(line)
        else:
            plain += 1
    if not typed:
        return plain
    held = ox.Store()
    held.bulk_load(input=b"".join(typed), format=ox.RdfFormat.N_TRIPLES)
    return plain + len(held)


class RemoteTarget(ReadableStore, StagingStore, Protocol):
    """What a direct load needs of its store: reading, staging, and its HTTP client."""

    client: RemoteClient


def goes_direct(store: RemoteTarget, graph: str, format: ox.RdfFormat | None) -> bool:
    """Whether a load publishes in one request: a new graph, in a triples format, on
    Oxigraph server (a graph made meanwhile by another writer is seen under the load's
    claim, and staged then: :meth:`DirectLoad.commit`)."""
    if store.client.endpoints.engine != "oxigraph" or format is None or format.supports_datasets:
        return False
    refuse_internal(graph)
    return not store.has_graph(graph)


class DirectLoad(StagedLoad):
    """A load of one new graph, spooled as N-Quads, published by one bulk request."""

    def __init__(
        self,
        store: RemoteTarget,
        triples: Iterable[ox.Triple],
        *,
        target: str,
        keep: frozenset[str] = frozenset(),
    ):
        super().__init__(store, replace=True)
        self.remote = store
        self.target = target
        #: The triples as pyoxigraph writes N-Triples: one a line, each ending " .\n" (a
        #: literal's line breaks are escaped), so a line becomes a quad of ``target`` by
        #: writing the graph before its end.
        self.spool: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by commit)
        self.direct = False
        seen: set[bytes] = set()
        kept: list[ox.Triple | ox.Quad] = []
        try:
            read = keeping(triples, keep, kept) if keep else triples
            ox.serialize(read, output=self.spool, format=ox.RdfFormat.N_TRIPLES)
            self.spool.seek(0)
            while lines := self.spool.readlines(_BLOCK):
                seen.update(lines)
        except BaseException:
            self.spool.close()
            raise
        self.targets = {target: (target, "new")}
        self.counts = {target: held_count(seen)}
        if keep:
            self.kept = {target: kept}

    def _quads(self) -> Iterator[bytes]:
        """The spooled triples as N-Quads of the target, whole lines at a time."""
        end = f" {term(self.target)} .\n".encode()
        self.spool.seek(0)
        while lines := self.spool.readlines(_BLOCK):
            yield b"".join(lines).replace(b" .\n", end)

    def commit(self, *, also: str = "", additions: Sequence[ox.Quad] | None = None) -> None:
        """Publish in one bulk request when ``also`` is nothing, or is ``additions`` on a
        store where none of their subjects is yet described in its graph; otherwise stage
        the spooled triples and publish them the usual way. Either way the load first
        writes its marker and claims its graph, as every load does, so that no other
        writer publishes the graph meanwhile (:func:`~.remote_loads.claim`)."""
        counts, self.targets, self.counts = self.counts, {}, None
        physical = self.physical(self.target)  # the marker, kept alive by its heartbeat
        self.store.claim(self.markers)
        staged = also.strip() and (additions is None or self._described(additions))
        if staged or self.remote.has_graph(self.target):
            self._stage_spool(physical)
            super().commit(also=also)
            return
        self.counts = counts
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
            # Fresh tokens, as every write's: a node that saw a larger version meanwhile (a
            # write by another writer) still tells this graph written by its stamp's token.
            ox.Quad(ox.NamedNode(self.target), _TOKEN, ox.Literal(uuid.uuid4().hex), _V),
            ox.Quad(_V, _TOKEN, ox.Literal(uuid.uuid4().hex), _V),
        ]
        body = itertools.chain(self._quads(), [ox.serialize(extra, format=_NQ) or b""])
        try:
            self.remote.client.post_graph(None, body, "application/n-quads")
        except BaseException:
            self._release()
            raise
        finally:
            self.spool.close()
        self.direct = True
        self.committed = True

    def finish(self) -> None:
        """Remove the older version value and stamp the request left, then free the load's
        marker and claim (nothing was staged)."""
        if self.direct:
            self.remote.client.update(_TIDY)
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

    def _stage_spool(self, physical: str) -> None:
        """Stage the spooled triples in ``physical`` (its marker written), as any load."""
        self.spool.seek(0)
        with self.spool:
            self.remote.client.post_graph(
                physical, read_pieces(self.spool), "application/n-triples"
            )
