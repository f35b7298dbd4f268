"""``lamcoop serve``: build when the store is empty, then serve under gunicorn.

gunicorn runs one web process with a thread per connection; the queries themselves run in
the app's pool of query-worker processes (``workers``, one per CPU by default), which is
where the time limit can stop them. ``--get PATH`` runs the app in-process, prints the
response to one request and exits (a self-check, as datasette does).
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from graph_loader.build import BuildContext, build
from graph_loader.cli import AppState, pass_state
from graph_loader.settings import Settings
from graph_loader.store import StoreError, open_store
from sparql_endpoint.app import close_app, create_app, query_workers


class _Gunicorn(BaseApplication):
    """gunicorn configured from lamcoop's settings, loading the app in its worker."""

    def __init__(self, settings: Settings, options: dict[str, Any]):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("worker_exit", self.stop_workers)

    def load(self):
        self.app = create_app(self.settings)
        return self.app

    def stop_workers(self, _server: Any, _worker: Any) -> None:
        """gunicorn's worker_exit hook: stop the query workers with the web process."""
        app = getattr(self, "app", None)
        if app is not None:
            close_app(app)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    """One web process, threads for connections, timeouts above the query limit."""
    threads = max(8, 4 * query_workers(settings))
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": int(settings.query_timeout) + 60,
        "graceful_timeout": 3,
        "keepalive": 5,
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
    ensure_built(AppState(Settings(values, origins)))


def ensure_built_apart(settings: Settings) -> None:
    """:func:`ensure_built` in a spawned process, so the server process never opens the store.

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
@click.option("--workers", type=int, default=None, help="Query worker processes; 0: one per CPU.")
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
        f"({query_workers(settings)} query workers, {settings.query_timeout:g} s limit)"
    )
    sys.stdout.flush()
    _Gunicorn(settings, gunicorn_options(settings)).run()
