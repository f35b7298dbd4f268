"""The application each ``lamcoop serve`` worker process loads (uWSGI's ``--module``).

A worker reads the settings ``lamcoop serve`` resolved (see
:mod:`sparql_endpoint.worker_settings`) once, when uWSGI imports this module after the fork,
and builds the app, so each worker opens the store itself (RocksDB does not survive a fork).
Only uWSGI imports this module.

Before it builds the app, a worker enters the network sandbox when the settings want it
(:func:`sparql_endpoint.network_sandbox.enter`): from then on it cannot open a network
connection. A worker that cannot enter it ends (``lamcoop serve`` checked beforehand that
it can).

:class:`ServedApp` is the app as uWSGI calls it. It tells the watchdog which connection to
answer on when a query runs past the limit (:data:`~sparql_endpoint.responses.CLIENT_FD`:
the worker's connection from uWSGI's router, which passes the answer on to the client), and
once a response is sent it reads what is left of a request body the app did not read (up to
:data:`DRAIN_BYTES`): a worker that closes with body unread makes the router drop the
client's connection, which would cut the answer short for a client still sending its body.

A body sent in chunks (``Transfer-Encoding: chunked``, without ``Content-Length``) reaches
the worker as it came (the router's ``--http-chunked-input``): :class:`ServedApp` reads it
whole with uWSGI's chunked reader before the app sees the request, and hands the app the
bytes with ``wsgi.input_terminated`` (werkzeug then reads them to their end). A chunked body
that cannot be read whole (a malformed chunk, a client that stops sending, one over the size
limit) is refused (400, or 413) when the app reads it, never taken as empty. So is one with
no data at all: uWSGI reads a chunk size it cannot parse (``zz``) as the last chunk's, so an
empty chunked body is more likely broken than meant (an empty body needs no chunks).
"""

from __future__ import annotations

import io
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.wsgi import ClosingIterator

from sparql_endpoint import network_sandbox
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


#: Seconds the worker waits for each chunk of a chunked request body.
CHUNK_TIMEOUT = 30


def is_chunked(environ: dict[str, Any]) -> bool:
    """Whether the request's body comes in chunks (``Transfer-Encoding: chunked``)."""
    codings = environ.get("HTTP_TRANSFER_ENCODING", "").lower().split(",")
    return "chunked" in (coding.strip() for coding in codings)


class UnreadBody(io.RawIOBase):
    """A request body that could not be read whole: reading it raises ``refusal`` (a 400
    or a 413 naming why), so that no handler takes it as empty."""

    def __init__(self, refusal: HTTPException):
        super().__init__()
        self.refusal = refusal

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise self.refusal


def read_chunked(read_chunk: Callable[[], bytes], *, limit: int) -> io.IOBase:
    """The whole chunked body, read with ``read_chunk`` (``b""`` after the last chunk), or
    an :class:`UnreadBody` saying why not (see the module's docstring).

    >>> read_chunked(iter([b"Wiki", b"pedia", b""]).__next__, limit=9).read()
    b'Wikipedia'
    >>> read_chunked(iter([b"Wiki", b"pedia", b""]).__next__, limit=8).refusal.description
    'the body is over 8 bytes'
    """
    parts: list[bytes] = []
    size = 0
    try:
        while chunk := read_chunk():
            size += len(chunk)
            if size > limit:
                return UnreadBody(RequestEntityTooLarge(f"the body is over {limit} bytes"))
            parts.append(chunk)
    except (OSError, ValueError) as exc:  # uWSGI: a malformed chunk, or none in time
        reason = str(exc) or type(exc).__name__
        return UnreadBody(BadRequest(f"the chunked request body could not be read whole: {reason}"))
    if not parts:
        return UnreadBody(
            BadRequest(
                "the chunked request body has no data (or a chunk size that is no hexadecimal"
                " number); send an empty body with Content-Length: 0"
            )
        )
    return io.BytesIO(b"".join(parts))


class ServedApp:
    """The Flask app as the server calls it (see the module's docstring)."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        *,
        client_fd: Callable[[], int],
        read_chunk: Callable[[], bytes],
        max_body: int,
    ):
        self.app = app
        self.client_fd = client_fd
        self.read_chunk = read_chunk
        self.max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ[CLIENT_FD] = self.client_fd()
        if is_chunked(environ):  # read whole here: nothing is left to drain
            environ["wsgi.input"] = read_chunked(self.read_chunk, limit=self.max_body)
            environ["wsgi.input_terminated"] = True
            return self.app(environ, start_response)
        body = environ["wsgi.input"]
        return ClosingIterator(
            self.app(environ, start_response), [lambda: drain(body, DRAIN_BYTES)]
        )


def _load() -> ServedApp:
    if not IN_UWSGI:
        raise RuntimeError("sparql_endpoint.wsgi is loaded by `lamcoop serve` (uWSGI) only")
    settings, metrics_dir = settings_from_env(os.environ[SETTINGS_ENV])
    sandbox = network_sandbox.enter(settings)  # before the store's threads start
    front_cache = settings.front_cache_mb > 0
    app = create_app(settings, metrics_dir=metrics_dir, sandbox=sandbox, front_cache=front_cache)
    return ServedApp(
        app,
        client_fd=uwsgi.connection_fd,
        read_chunk=lambda: uwsgi.chunked_read(CHUNK_TIMEOUT),
        max_body=settings.max_body_bytes,
    )


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
