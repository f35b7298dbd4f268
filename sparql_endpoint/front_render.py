"""Entity documents and ``/id`` redirects made in the front process itself, on one thread of
its own, when that thread is free (the ``front_documents`` setting).

A document the front has not kept used to go through uWSGI's router to a worker and back:
two more hops, and about 0.2 ms of uWSGI's own CPU in the worker besides the app's
(docs/benchmarks.md). The front now holds the same app as the workers
(:func:`~sparql_endpoint.app.create_app` from the settings ``lamcoop serve`` resolved, over
its own read-only handle on the store) and calls it directly for a plain GET or HEAD of
``/doc`` or ``/id`` (what :func:`~sparql_endpoint.front_cache.request_key` takes) when its
thread is idle and no worker is busy for the front, or one has been for a second
(:meth:`~sparql_endpoint.front.Front.takes_documents`: under load the thread would contend
with the event loop for the interpreter). Every other request goes to a worker as before,
so one client is answered without the hops, under load the workers make the documents,
and while long queries hold the workers documents are still answered. The answer is the
app's own, kept by the front's cache as a worker's would be.

Only these two surfaces are called here: they run no query text a client sent, so the
front needs no network sandbox for them, and their reads are bounded by a document's page.
They are not under the watchdog, which would end the process (here the front, and every
connection with it): a read that runs long keeps the thread busy, and meanwhile the workers
answer. A call that fails outside the app's own error handling sends the request to a
worker.
"""

from __future__ import annotations

import asyncio
import gc
import io
import logging
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

from sparql_endpoint.app import create_app
from sparql_endpoint.front_heads import Head
from sparql_endpoint.worker_settings import settings_from_env

log = logging.getLogger(__name__)

#: A WSGI application, as the front calls it.
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Seconds past which a call is logged (the render thread was held that long).
SLOW_SECONDS = 5.0

#: How long a thread holds the interpreter's lock when another waits for it, in the front.
SWITCH_SECONDS = 0.001

#: Statuses whose answers have no body (besides answers to HEAD).
BODILESS = (204, 304)


def environ_of(head: Head, *, server: tuple[str, str]) -> dict[str, Any] | None:
    """The WSGI environ of a bodiless request, as uWSGI's router would make it, or ``None``
    when the request names no host (a worker's to answer).

    >>> env = environ_of((b"GET /doc/a%20b.ttl?page=2 HTTP/1.1",
    ...                   [b"Host: example.org:8080", b"Accept: text/turtle",
    ...                    b"Accept: text/n3"]), server=("127.0.0.1", "8080"))
    >>> env["PATH_INFO"], env["QUERY_STRING"], env["HTTP_HOST"], env["HTTP_ACCEPT"]
    ('/doc/a b.ttl', 'page=2', 'example.org:8080', 'text/turtle, text/n3')
    >>> environ_of((b"GET / HTTP/1.1", []), server=("h", "80")) is None
    True
    """
    request_line, fields = head
    method, target, protocol = request_line.split(b" ")
    path, _, query = target.partition(b"?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method.decode("latin-1"),
        "REQUEST_URI": target.decode("latin-1"),
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query.decode("latin-1"),
        "SCRIPT_NAME": "",
        "SERVER_PROTOCOL": protocol.decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": server[1],
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for field in fields:
        name, _, value = field.partition(b":")
        key = name.strip().upper().replace(b"-", b"_").decode("latin-1")
        key = key if key == "CONTENT_TYPE" else f"HTTP_{key}"
        text = value.strip(b" \t").decode("latin-1")
        environ[key] = f"{environ[key]}, {text}" if key in environ else text
    return environ if "HTTP_HOST" in environ else None


def call(app: WsgiApp, environ: dict[str, Any]) -> tuple[list[bytes], bytes]:
    """The app's answer to ``environ``: its status line and fields, and its whole body (a
    ``Content-Length`` added where the app gave none and the answer has a body).

    >>> def app(environ, start_response):
    ...     start_response("200 OK", [("Content-Type", "text/plain")])
    ...     return [b"o", b"k"]
    >>> call(app, {"REQUEST_METHOD": "GET"})
    ([b'HTTP/1.1 200 OK', b'Content-Type: text/plain', b'Content-Length: 2'], b'ok')
    """
    said: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        said[:] = [status, headers]
        return lambda _data: None  # the app writes through its iterable only

    answer = app(environ, start_response)
    try:
        body = b"".join(answer)
    finally:
        closing = getattr(answer, "close", None)
        if closing is not None:
            closing()
    status, headers = said
    lines = [b"HTTP/1.1 " + status.encode("latin-1")]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in headers]
    sized = any(name.lower() == "content-length" for name, _ in headers)
    bodiless = environ["REQUEST_METHOD"] == "HEAD" or int(status[:3]) in BODILESS
    if not sized and not bodiless:
        lines.append(b"Content-Length: %d" % len(body))
    return lines, body


class Renderer:
    """The front's one render thread and the app it calls; :meth:`start` makes the app on
    that thread, and until it is made (or when making it failed) nothing is taken."""

    def __init__(self, make_app: Callable[[], WsgiApp], *, server: tuple[str, str]):
        self._make_app = make_app
        self._server = server
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lamcoop-render")
        self._app: WsgiApp | None = None
        self._busy = False

    def start(self) -> None:
        """Make the app, on the render thread (it opens the store: not in the event loop)."""
        self._busy = True
        self._pool.submit(self._made)

    def _made(self) -> None:
        try:
            self._app = self._make_app()
            # What the app holds from now on stays out of the collector's walks, which
            # would otherwise pause the event loop's cached answers (as serve freezes
            # before forking the workers).
            gc.freeze()
        except Exception:
            log.exception("the front could not make the app: every document goes to a worker")
        finally:
            self._busy = False

    @property
    def idle(self) -> bool:
        """Whether a request given now would be answered here at once."""
        return self._app is not None and not self._busy

    async def answer(self, head: Head) -> tuple[list[bytes], bytes] | None:
        """The app's answer to ``head`` (a plain GET or HEAD of a document or a redirect),
        or ``None``: the request goes to a worker. The thread counts as busy until the call
        returns, even when the client has gone before."""
        app = self._app
        if app is None or self._busy:
            return None
        environ = environ_of(head, server=self._server)
        if environ is None:
            return None
        self._busy = True
        started = time.monotonic()
        made = self._pool.submit(call, app, environ)
        made.add_done_callback(lambda _done: self._done(head, started))
        try:
            return await asyncio.wrap_future(made)
        except Exception:
            log.exception("the front's call of the app failed; a worker answers")
            return None

    def _done(self, head: Head, started: float) -> None:
        """On the render thread, as a call ends: free again."""
        self._busy = False
        seconds = time.monotonic() - started
        if seconds >= SLOW_SECONDS:
            target = head[0].split(b" ")[1][:200].decode("latin-1")
            log.warning("the front took %.1f s to make %s", seconds, target)


def renderer_for(settings_json: str) -> Renderer:
    """The front's renderer for the settings ``lamcoop serve`` resolved (as the workers
    read them: :mod:`sparql_endpoint.worker_settings`), its app made on its thread."""
    settings, metrics_dir = settings_from_env(settings_json)
    front_cache = settings.front_cache_mb > 0

    def make_app() -> WsgiApp:
        return create_app(settings, metrics_dir=metrics_dir, front_cache=front_cache, watched=False)

    # The event loop's thread waits for the interpreter's lock while the render thread
    # holds it: by default up to 5 ms, which stalled every other connection's request.
    sys.setswitchinterval(SWITCH_SECONDS)
    renderer = Renderer(make_app, server=(settings.host, str(settings.port)))
    renderer.start()
    return renderer
