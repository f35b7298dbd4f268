"""The application each ``lamcoop serve`` worker process loads (uWSGI's ``--module``).

A worker reads the settings ``lamcoop serve`` resolved (see
:mod:`sparql_endpoint.worker_settings`) once, when uWSGI imports this module after the fork,
and builds the app, so each worker opens the store itself (RocksDB does not survive a fork).
Only uWSGI imports this module.

:class:`ServedApp` is the app as uWSGI calls it. It tells the watchdog which connection to
answer on when a query runs past the limit (:data:`~sparql_endpoint.responses.CLIENT_FD`:
the worker's connection from uWSGI's router, which passes the answer on to the client), and
once a response is sent it reads what is left of a request body the app did not read (up to
:data:`DRAIN_BYTES`): a worker that closes with body unread makes the router drop the
client's connection, which would cut the answer short for a client still sending its body.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wsgi import ClosingIterator

from sparql_endpoint.app import create_app
from sparql_endpoint.responses import CLIENT_FD
from sparql_endpoint.worker_settings import SETTINGS_ENV, settings_from_env

try:  # uWSGI's own module exists only inside a uWSGI worker
    import uwsgi

    IN_UWSGI = True
except ImportError:
    IN_UWSGI = False

#: Most bytes of an unread request body read before the connection is closed.
DRAIN_BYTES = 1024 * 1024

#: uWSGI's exit status for a worker whose app failed to load.
FAILED_APP_STATUS = 22


def drain(stream: Any, limit: int) -> None:
    """Read and drop what is left of a request body, up to ``limit`` bytes."""
    read = 0
    try:
        while read <= limit and (chunk := stream.read(64 * 1024)):
            read += len(chunk)
    except (OSError, ValueError):  # the client went away, or stopped sending
        pass


class ServedApp:
    """The Flask app as the server calls it (see the module's docstring)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], *, client_fd: Callable[[], int]):
        self.app = app
        self.client_fd = client_fd

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ[CLIENT_FD] = self.client_fd()
        body = environ["wsgi.input"]
        return ClosingIterator(
            self.app(environ, start_response), [lambda: drain(body, DRAIN_BYTES)]
        )


def _load() -> ServedApp:
    if not IN_UWSGI:
        raise RuntimeError("sparql_endpoint.wsgi is loaded by `lamcoop serve` (uWSGI) only")
    settings, metrics_dir = settings_from_env(os.environ[SETTINGS_ENV])
    app = create_app(settings, metrics_dir=metrics_dir)
    return ServedApp(app, client_fd=uwsgi.connection_fd)


def _load_or_exit() -> ServedApp:
    """:func:`_load`, or the reason it failed on stderr and the worker's end: an import that
    fails would otherwise crash uWSGI's loader without a word."""
    try:
        return _load()
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(FAILED_APP_STATUS)


application: ServedApp | None = _load_or_exit() if IN_UWSGI else None
