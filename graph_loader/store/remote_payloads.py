"""What a remote store sends: quads as an update's data, uploads, and bodies read in pieces
(:mod:`graph_loader.store.remote`)."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    from graph_loader.store.remote_http import RemoteClient


def upload_quads(client: RemoteClient, routed: Iterable[ox.Quad]) -> None:
    """Upload routed quads: spooled first (routing commits markers), then one body per
    request, so a document's blank nodes stay one node each within a graph."""
    with tempfile.TemporaryFile() as spool:
        ox.serialize(routed, output=spool, format=ox.RdfFormat.N_QUADS)
        spool.seek(0)
        if client.endpoints.engine == "oxigraph":
            client.post_graph(None, read_pieces(spool), "application/n-quads")
            return
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in ox.parse(spool, format=ox.RdfFormat.N_QUADS):
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)
        for name, triples in by_graph.items():
            data = serialised(triples, ox.RdfFormat.N_TRIPLES)
            client.post_graph(name, data, "application/n-triples")


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """Quads as the body of INSERT DATA (one request: blank nodes stay one node each)."""
    by_graph: dict[str, list[str]] = {}
    for q in quads:
        name = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        by_graph.setdefault(name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    parts = []
    for name, lines in by_graph.items():
        text = " ".join(lines)
        parts.append(f"GRAPH {name} {{ {text} }}" if name else text)
    return " ".join(parts)


def serialised(items: Iterable[Any], format: ox.RdfFormat) -> bytes:
    return ox.serialize(items, format=format) or b""


def started(body: Iterator[bytes]) -> Iterator[bytes]:
    """The body, its first piece read before the request starts: a file that does not
    parse at all fails here, before anything is sent."""
    return itertools.chain([next(body, b"")], body)


def read_pieces(handle: IO[bytes]) -> Iterator[bytes]:
    while piece := handle.read(1 << 20):
        yield piece
