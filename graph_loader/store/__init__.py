"""The one place that opens a store, and the interface every caller types against.

>>> store = open_store(None)
>>> store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> 1 } }")
>>> [(g.iri, g.triples) for g in store.graphs()]
[('http://example.org/g', 1)]
"""

from graph_loader.store.embedded import OxigraphStore
from graph_loader.store.interface import (
    GraphInfo,
    InternalGraphError,
    ReadableStore,
    Store,
    StoreError,
)
from graph_loader.store.layout import PENDING_GRAPH, STAGING_PREFIX, refuse_internal
from graph_loader.store.opening import open_configured, open_store
from graph_loader.store.staging import PendingLoad, StagedLoad

__all__ = [
    "PENDING_GRAPH",
    "STAGING_PREFIX",
    "GraphInfo",
    "InternalGraphError",
    "OxigraphStore",
    "PendingLoad",
    "ReadableStore",
    "StagedLoad",
    "Store",
    "StoreError",
    "open_configured",
    "open_store",
    "refuse_internal",
]
