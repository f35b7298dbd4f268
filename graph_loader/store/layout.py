"""Where the store keeps its own bookkeeping: the internal graphs and their IRIs."""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader.graphs import INTERNAL_PREFIX

PENDING_GRAPH = "urn:lamcoop:pending-loads"
STAGING_PREFIX = "urn:lamcoop:staging:"
_PENDING = "urn:lamcoop:pending#"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why."""


class InternalGraphError(StoreError):
    """A request named one of the store's bookkeeping graphs (under ``urn:lamcoop:``)."""

    def __init__(self, graph: str):
        super().__init__(f"<{graph}> is an internal graph of the store: it cannot be written")
        self.graph = graph


def refuse_internal(iri: str) -> None:
    """Raise :class:`InternalGraphError` if ``iri`` is an internal graph."""
    if internal(iri):
        raise InternalGraphError(iri)


def term(iri: str) -> str:
    """An IRI written for update text by pyoxigraph itself (validated and escaped)."""
    return str(ox.NamedNode(iri))


def internal(iri: str) -> bool:
    """Whether ``iri`` is one of the store's bookkeeping graphs (the catalogue's internal
    prefix): no load, import, update or Graph Store request may read or write one."""
    return iri.startswith(INTERNAL_PREFIX)


def count(rows) -> int:
    first = next(iter(rows), None)
    return 0 if first is None else int(first["n"].value)
