"""Writes to the store (SPARQL Update, Graph Store PUT/POST/DELETE), each followed by the
index (:mod:`graph_loader.index`, for the graphs written) and VoID.

Every write goes through :meth:`~sparql_endpoint.executor.Executor.write`, which (in the
server) holds the store read-write while no query runs in any process. A write the store
rejects is a 400 naming the problem and changes nothing; a remote store that fails or
cannot be reached is a 502 naming it, as for a query.

Each write keeps the provenance of the graphs it wrote true (see
:func:`graph_loader.provenance.record_writes`): a Graph Store PUT or POST publishes the
graph and its record (source "HTTP PUT" or "HTTP POST", time, the body's SHA-256, the new
triple count; never the token) in one transaction, as a load does; a DELETE removes the
record with the graph; an update records every graph whose triple count it changed (one
that keeps its count is not told apart).
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox
from flask import Response, abort

from graph_loader import index, provenance
from graph_loader.bounded import locate
from graph_loader.publish.void import void_graph, write_void
from graph_loader.store import InternalGraphError, Store, StoreError
from graph_loader.store.engine_errors import StoreRefused
from graph_loader.store.leases import LoadLost
from sparql_endpoint.context import service
from sparql_endpoint.executor import Unavailable
from sparql_endpoint.outbound import OUTBOUND_FAILURE, OutboundFailure, failed_outbound
from sparql_endpoint.refusals import N_, Refused, Said, refuse, store_failed

T = TypeVar("T")
log = logging.getLogger(__name__)


def write(
    action: Callable[[Store], T],
    graphs: list[str] | None = None,
    *,
    body: tuple[bytes, ox.RdfFormat] | None = None,
) -> T:
    """Run ``action`` on the writable store, then refresh the index for ``graphs`` and any
    graph that appeared, went or changed size (an update's), and the VoID description.

    ``body`` is the RDF the action parses (and its syntax): a parsing failure is then a 400
    naming its place in the body, found by :func:`graph_loader.bounded.locate.explain`.
    """
    svc = service()

    after: dict[str, int] = {}

    def with_void(store: Store) -> T:
        result = action(store)
        counted = store.graphs()  # one count for all three (each is a pass over the store)
        index.refresh(store, graphs or [], base_iri=svc.settings.base_iri, counted=counted)
        write_void(store, svc.settings, counted=counted)
        # The state's counts, as the write left them: the VoID graph counted again (small).
        void = void_graph(svc.settings)
        after.update({g.iri: g.triples for g in counted})
        after[void] = store.triple_count(void)
        return result

    try:
        return svc.executor.write(with_void, lambda: after or None)
    except InternalGraphError as exc:
        abort(400, f"refused, nothing written: {exc}")
    except LoadLost as exc:
        # Another writer took this write for dead (docs/remote-store.md, Loads are atomic).
        abort(409, str(exc))
    except (SyntaxError, MemoryError) as exc:
        refused = locate.explain(exc, *body) if body is not None else None
        if refused is not None:
            abort(400, f"refused, nothing written: {refused.in_body()}")
        if isinstance(exc, MemoryError):
            raise
        refuse(400, N_("syntax error: %(why)s"), why=exc)
    except OutboundFailure:
        refuse(400, N_("the update failed: %(why)s"), why=Said(OUTBOUND_FAILURE, {}))
    except (ValueError, OSError) as exc:
        refuse(400, N_("the store refused the write: %(why)s"), why=exc)
    except Unavailable as exc:
        raise Refused(503, exc.said) from None
    except StoreError as exc:  # a remote engine that failed or could not be reached
        log.warning("a write failed in the store: %s", exc)
        store_failed(exc)


def run_update(text: str, base_iri: str | None = None, *, calls_out: bool = False) -> Response:
    """Apply a SPARQL 1.1 Update (relative IRIs resolved against ``base_iri``); 204 when done.

    An update that fails is undone whole, except where the engine keeps the operations before
    the one it refused (Virtuoso): those are then recorded and published as any write's, and
    the 400 says so. When it ``calls_out`` (names a LOAD or a SERVICE),
    or fails on the network, the caller gets the one answer to a failed outbound call
    (:mod:`sparql_endpoint.outbound`), never the cause.

    The update's text is not inspected: inside the same exclusive write, the store's internal
    graphs are compared before and after, and whatever the update put in one is dropped
    (then a 400 names the graph; the update's other changes stand).
    """

    kept: list[StoreRefused] = []  # refused, the operations before the refused one kept

    def action(store: Store) -> list[str]:
        before = store.internal_graphs()
        counts = _sizes(store)
        try:
            store.update(text, base_iri=base_iri)
        except StoreRefused as exc:
            # Virtuoso commits the operations before the one it refuses: what they wrote is
            # then recorded, indexed and published as any write's (the version moves).
            if _sizes(store) == counts:
                raise
            kept.append(exc)
        except (OSError, ValueError, RuntimeError) as exc:
            if not isinstance(exc, SyntaxError) and failed_outbound(exc, calls_out=calls_out):
                raise OutboundFailure from None
            if isinstance(exc, RuntimeError) and not isinstance(exc, StoreError):
                # pyoxigraph ran it and refused it (a remote store's failures are StoreErrors)
                raise StoreRefused(f"{exc}; nothing was changed") from None
            raise
        after = store.internal_graphs()
        touched = [g for g, n in after.items() if before.get(g) != n]
        for graph in touched:
            store.clean_internal(graph)
        now = _sizes(store)
        changed = {g: n for g, n in now.items() if counts.get(g) != n}
        changed.update({g: -1 for g in counts if g not in now})
        _record(store, changed, "SPARQL Update", text.encode("utf-8"))
        return touched

    touched = write(action)
    if touched:
        names = ", ".join(f"<{g}>" for g in touched)
        abort(400, f"the update wrote to {names}, internal to the store: undone (the rest stands)")
    if kept:
        abort(
            400,
            f"the store refused the write: {kept[0]}; the operations before the refused one "
            "stay (this engine does not undo them), and every node now shows them",
        )
    return Response(status=204)


def _sizes(store: Store) -> dict[str, int]:
    """Each graph of ``store`` and its triple count."""
    return {g.iri: g.triples for g in store.graphs()}


def put_graph(graph: str | None, data: bytes, fmt: ox.RdfFormat) -> bool:
    """Replace ``graph`` (``None``: the default graph) with ``data``; True if it was new."""

    def action(store: Store) -> bool:
        if graph is None:
            quads = _parsed(data, fmt)
            store.clear_default_graph()
            store.extend(quads)
            return False
        created = not store.has_graph(graph)
        _load(store, graph, data, fmt, replace=True)
        return created

    return write(action, [] if graph is None else [graph], body=(data, fmt))


def post_graph(graph: str | None, data: bytes, fmt: ox.RdfFormat) -> bool:
    """Add ``data`` to ``graph`` (``None``: the default graph); True if it was new."""

    def action(store: Store) -> bool:
        if graph is None:
            store.extend(_parsed(data, fmt))
            return False
        created = not store.has_graph(graph)
        _load(store, graph, data, fmt, replace=False)
        return created

    return write(action, [] if graph is None else [graph], body=(data, fmt))


def delete_graph(graph: str | None) -> None:
    """Remove ``graph``, or empty the default graph."""

    def action(store: Store) -> None:
        if graph is None:
            store.clear_default_graph()
        else:
            store.drop_graph(graph)
            _record(store, {graph: -1}, "HTTP DELETE", b"")

    write(action, [] if graph is None else [graph])


def _load(store: Store, graph: str, data: bytes, fmt: ox.RdfFormat, *, replace: bool) -> None:
    """Publish ``data`` into ``graph`` with its provenance in one transaction, as a load."""
    staged = store.stage(io.BytesIO(data), graph=graph, format=fmt, base_iri=graph, replace=replace)
    provenance.commit(
        store,
        staged,
        source="HTTP PUT" if replace else "HTTP POST",
        sha256=hashlib.sha256(data).hexdigest(),
        base_iri=service().settings.base_iri,
        graph=graph,
    )
    staged.finish()


def _record(store: Store, counts: dict[str, int], source: str, body: bytes) -> None:
    provenance.record_writes(
        store,
        counts,
        source=source,
        sha256=hashlib.sha256(body).hexdigest(),
        base_iri=service().settings.base_iri,
    )


def _parsed(data: bytes, fmt: ox.RdfFormat) -> list[ox.Quad]:
    """Every triple of ``data`` as a quad of the default graph (parsed before any change).

    Bodies are parsed from a reader, as files are, so that one token limit holds for both
    (pyoxigraph bounds its buffer only when it reads)."""
    return [
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for q in ox.parse(io.BytesIO(data), format=fmt)
    ]
