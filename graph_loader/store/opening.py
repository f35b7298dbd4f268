"""The one place that opens a store: the embedded store in a directory (:func:`open_store`),
or the store the settings name, a directory or a remote endpoint (:func:`open_configured`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph_loader.settings import Settings
from graph_loader.store.embedded import OxigraphStore
from graph_loader.store.interface import Store, StoreError

if TYPE_CHECKING:
    from graph_loader.store.remote import RemoteStore


def open_configured(settings: Settings, *, read_only: bool = False, create: bool = True) -> Store:
    """Open the store of ``settings``: the embedded store in its directory (made there only
    when ``create``), or a remote SPARQL store at its URL (its endpoints, credentials and
    engine from the ``store_*`` settings; see docs/remote-store.md). A read-write open rolls
    back interrupted loads."""
    if not settings.remote_store:
        return open_store(settings.store_path, read_only=read_only, create=create)
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


def open_store(
    path: str | Path | None, *, read_only: bool = False, create: bool = True
) -> OxigraphStore:
    """Open the embedded store at ``path`` (``None``: in memory); a new one is made there
    only when ``create`` (and not ``read_only``).

    A read-write open first rolls back loads a crash interrupted. A read-only open of a
    store that has such a load refuses, rather than show half a graph.
    """
    if path is None:
        return OxigraphStore(ox.Store(), read_only=read_only)
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise StoreError(f"{path} is a file, not a store's directory")
    if (read_only or not create) and not (path / "CURRENT").is_file():
        raise StoreError(f"no store at {path}: run 'lamcoop build' first")
    try:
        if read_only:
            inner = ox.Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            inner = ox.Store(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store at {path}: {exc}") from None
    store = OxigraphStore(inner, read_only=read_only, path=path)
    if store.pending_loads():
        if read_only:
            raise StoreError(
                f"the store at {path} has an interrupted load; open it read-write "
                "(any 'lamcoop' data command) to roll it back"
            )
        store.recover()
    return store
