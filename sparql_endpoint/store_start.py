"""What ``lamcoop serve`` does to the store before it serves: build it when it is empty,
bring its index up to date, and write its state file, in a process spawned for the purpose.

Its own module, so that the spawned process imports only what this takes (the build itself
only when the store is empty), not the web stack: a server starts sooner.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import click

from graph_loader import index
from graph_loader.cli.state import AppState
from graph_loader.settings import Settings
from graph_loader.store import StoreError, open_configured
from sparql_endpoint.executor.served import publish_state, store_opener


def ensure_built(state: AppState) -> None:
    """Run ``lamcoop build`` when the store holds no graph yet, and bring the index up to
    date when it is missing or behind the store (made before there was one, or a write's
    refresh cut short).

    A store that has graphs is only looked at read-only, so checking never takes the
    write lock from a server already running on it.
    """
    path = state.settings.store_path
    if path.is_dir() or state.settings.remote_store:
        try:
            existing = open_configured(state.settings, read_only=True)
        except StoreError:
            existing = None
        if existing is not None:
            try:
                if existing.graphs() and not index.behind(
                    existing, base_iri=state.settings.base_iri
                ):
                    return
            finally:
                existing.close()
    try:
        store = open_configured(state.settings)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if not store.graphs():
            click.echo(f"the store at {state.settings.store_path} is empty: building it first")
            from graph_loader.build import BuildContext, build  # only to build: slow to import

            build(BuildContext(store, state.settings), echo=click.echo)
        elif index.behind(store, base_iri=state.settings.base_iri):
            where = state.settings.store_path
            click.echo(f"the index of the store at {where} is behind: updating it", err=True)
            index.refresh(store, [], base_iri=state.settings.base_iri)
    finally:
        store.close()


def _build_if_empty(values: dict[str, Any], origins: dict[str, str]) -> None:
    settings = Settings(**values, origins=origins)
    ensure_built(AppState(settings))
    publish_state(settings.store_path, store_opener(settings))


def ensure_built_apart(settings: Settings) -> None:
    """:func:`ensure_built` in a spawned process, so the server process never opens the store;
    it also writes the store's state file afresh (the graphs may have changed since the last
    run).

    RocksDB's background threads do not survive a fork: a store opened (even once, then
    closed) in the server's master leaves its forked workers unable to flush, so every
    write would hang.
    """
    args = (settings.values, dict(settings.origins))
    child = multiprocessing.get_context("spawn").Process(target=_build_if_empty, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise click.ClickException(f"could not open or build the store at {settings.store_path}")
