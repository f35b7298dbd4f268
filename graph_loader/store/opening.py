"""The one place that opens the store the settings name: a directory or a remote endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_loader.settings import Settings
from graph_loader.store.embedded import open_store
from graph_loader.store.interface import Store, StoreError

if TYPE_CHECKING:
    from graph_loader.store.remote import RemoteStore


def open_configured(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store of ``settings``: the embedded store in its directory, or a remote
    SPARQL store at its URL (its endpoints, credentials and engine from the ``store_*``
    settings; see docs/remote-store.md). A read-write open rolls back interrupted loads."""
    if not settings.remote_store:
        return open_store(settings.store_path, read_only=read_only)
    return open_remote(settings, read_only=read_only)


def open_remote(settings: Settings, *, read_only: bool = False) -> RemoteStore:
    """Open the remote store of ``settings``; it is asked for its graphs once, so a dead
    endpoint is named at once (``cannot reach ...: connection refused``)."""
    # Imported here: the HTTP clients are loaded only by commands over a remote store.
    from graph_loader.store.remote import RemoteStore
    from graph_loader.store.remote_http import Endpoints, RemoteClient

    endpoints = Endpoints.for_engine(
        settings.store,
        engine=settings.store_engine,
        update=settings.store_update,
        graph_store=settings.store_graph_store,
        user=settings.store_user,
        password=settings.store_password,
        auth=settings.store_auth,
    )
    client = RemoteClient(endpoints, timeout=settings.store_timeout, retries=settings.store_retries)
    store = RemoteStore(
        client,
        state_dir=settings.store_path,
        read_only=read_only,
        lease=settings.store_lease_seconds,
    )
    try:
        if read_only:
            store.has_graph(settings.graph_iri("ontology"))
        else:
            store.recover()
    except BaseException:
        store.close()
        raise
    return store


__all__ = ["Store", "StoreError", "open_configured", "open_remote"]
