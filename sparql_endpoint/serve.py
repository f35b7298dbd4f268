"""``lamcoop serve``: build when the store is empty, then serve under gunicorn.

gunicorn runs ``workers`` processes (one per CPU by default), each serving one request at a
time and running its queries itself over its own read-only handle on the store; a query
past the time limit ends its process, which gunicorn replaces (see
:mod:`sparql_endpoint.direct`). The processes share their counters through a directory
made for the run. ``--get PATH`` runs the app in-process, prints the response to one
request and exits (a self-check, as datasette does).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from graph_loader.build import BuildContext, build
from graph_loader.cli import AppState, pass_state
from graph_loader.settings import Settings
from graph_loader.store import StoreError, open_store
from sparql_endpoint.app import close_app, create_app, query_workers
from sparql_endpoint.direct import publish_state


class _Gunicorn(BaseApplication):
    """gunicorn configured from lamcoop's settings, loading the app in each worker."""

    def __init__(self, settings: Settings, options: dict[str, Any], metrics_dir: Path):
        self.settings = settings
        self.options = options
        self.metrics_dir = metrics_dir
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self.close_worker)

    def load(self):
        self.app = create_app(self.settings, metrics_dir=self.metrics_dir)
        return self.app

    def close_worker(self, _server: Any, _worker: Any) -> None:
        """gunicorn's worker_exit hook: release the worker's handle on the store."""
        app = getattr(self, "app", None)
        if app is not None:
            close_app(app)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """Worker processes serving one request at a time (see :mod:`sparql_endpoint.worker`),
    gunicorn's own timeout well above the query limit (the watchdog stops queries; this
    only catches a stuck process)."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": query_workers(settings),
        "worker_class": "sparql_endpoint.worker.PromptCloseWorker",
        "timeout": int(settings.query_timeout) + 60,
        "graceful_timeout": 3,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "preload_app": False,
        "proc_name": "lamcoop",
    }


def ensure_built(state: AppState) -> None:
    """Run ``lamcoop build`` when the store holds no graph yet.

    A store that has graphs is only looked at read-only, so checking never takes the
    write lock from a server already running on it.
    """
    path = state.settings.store_path
    if path.is_dir():
        try:
            existing = open_store(path, read_only=True)
        except StoreError:
            existing = None
        if existing is not None:
            try:
                if existing.graphs():
                    return
            finally:
                existing.close()
    try:
        store = open_store(path)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        if not store.graphs():
            click.echo(f"the store at {state.settings.store_path} is empty: building it first")
            build(BuildContext(store, state.settings), echo=click.echo)
    finally:
        store.close()


def _build_if_empty(values: dict[str, Any], origins: dict[str, str]) -> None:
    settings = Settings(values, origins)
    ensure_built(AppState(settings))
    publish_state(settings.store_path)


def ensure_built_apart(settings: Settings) -> None:
    """:func:`ensure_built` in a spawned process, so the server process never opens the store;
    it also writes the store's state file afresh (the graphs may have changed since the last
    run).

    RocksDB's background threads do not survive a fork: a store opened (even once, then
    closed) in gunicorn's master leaves its forked web worker unable to flush, so every
    write would hang.
    """
    args = (dict(settings.values), dict(settings.origins))
    child = multiprocessing.get_context("spawn").Process(target=_build_if_empty, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise click.ClickException(f"could not open or build the store at {settings.store_path}")


def self_check(settings: Settings, path: str, accept: str | None) -> None:
    """Serve one GET in-process and print it; exit 1 when its status is an error."""
    app = create_app(settings)
    try:
        headers = {"Accept": accept} if accept else {}
        response = app.test_client().get(path, headers=headers)
        click.echo(f"{response.status}  {response.content_type}", err=True)
        sys.stdout.buffer.write(response.get_data())
        sys.stdout.flush()
    finally:
        close_app(app)
    if response.status_code >= 400:
        sys.exit(1)


@click.command("serve")
@click.option("--host", default=None, help="Address to listen on (LAMCOOP_HOST).")
@click.option("--port", type=int, default=None, help="Port to listen on (LAMCOOP_PORT).")
@click.option("--workers", type=int, default=None, help="Worker processes; 0: one per CPU.")
@click.option("--get", "get_path", default=None, metavar="PATH", help="Print one response, exit.")
@click.option("--accept", default=None, help="Accept header for --get.")
@pass_state
def serve_command(state: AppState, host, port, workers, get_path, accept) -> None:
    """Serve SPARQL (and the other surfaces) over HTTP; builds first if the store is empty."""
    overrides = {"host": host, "port": port, "workers": workers}
    settings = state.settings.replace(**{k: v for k, v in overrides.items() if v is not None})
    state.close()
    ensure_built_apart(state.settings)
    if get_path is not None:
        self_check(settings, get_path, accept)
        return
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    click.echo(
        f"lamcoop serving {settings.store_path} at http://{shown}:{settings.port}/sparql "
        f"({query_workers(settings)} worker processes, {settings.query_timeout:g} s limit)"
    )
    sys.stdout.flush()
    metrics_dir = Path(tempfile.mkdtemp(prefix="lamcoop-metrics-"))
    master = os.getpid()
    try:
        _Gunicorn(settings, gunicorn_options(settings), metrics_dir).run()
    finally:  # a worker leaves through here too (SystemExit): only the master cleans up
        if os.getpid() == master:
            shutil.rmtree(metrics_dir, ignore_errors=True)
