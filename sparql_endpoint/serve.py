"""``lamcoop serve``: build when the store is empty, then serve under uWSGI.

The front (:mod:`sparql_endpoint.front`, a process of its own) holds the listening socket
and answers request heads too long for uWSGI's router with 414 or 431. uWSGI (the
``pyuwsgi`` wheel, run in this process as its master) runs its HTTP router (in C; it keeps
client connections open between requests) and ``workers`` processes (one per CPU by
default), each serving one request at a time and running its queries itself over
its own read-only handle on the store; a query past the time limit ends its process, which
uWSGI replaces (see :mod:`sparql_endpoint.executor.served`). Each worker loads
:mod:`sparql_endpoint.wsgi`, which reads the settings resolved here. The processes share
their counters through a directory beside the store. ``--get PATH`` runs the app
in-process, prints the response to one request and exits (a self-check, as datasette does).
"""

from __future__ import annotations

import gc
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import click
import pyuwsgi

from graph_loader.cli.state import AppState, pass_state
from graph_loader.settings import Settings
from sparql_endpoint import network_sandbox
from sparql_endpoint.allocator import restart_tuned
from sparql_endpoint.app import close_app, create_app, query_workers
from sparql_endpoint.front import PACKET_LIMIT, start_front
from sparql_endpoint.store_start import ensure_built_apart
from sparql_endpoint.watch_keeper import start_watch
from sparql_endpoint.worker_settings import SETTINGS_ENV, settings_to_env

#: Seconds past the query limit after which uWSGI itself ends a worker that is still busy
#: (the watchdog answers and ends it at the limit; this only catches a stuck process).
HARAKIRI_MARGIN = 60


#: The router's and the workers' sockets, in the server run's own directory.
ROUTER_SOCKET = "router.sock"
WORKERS_SOCKET = "workers.sock"


def keepalive_seconds(settings: Settings) -> int:
    """Seconds an idle client connection stays open (the setting, at least 1), for the
    front and uWSGI's router alike.

    >>> keepalive_seconds(Settings(keepalive_seconds=0))
    1
    """
    return max(1, settings.keepalive_seconds)


def uwsgi_options(settings: Settings, *, run_dir: Path) -> list[str]:
    """uWSGI's command line for ``settings``, its sockets in ``run_dir``.

    The front (:mod:`sparql_endpoint.front`, a process of its own) takes the connections on
    the listening socket and reads each request's head: one the router could not take gets 414
    or 431 from it; the others go on to uWSGI's HTTP router (one process, in C) on its unix
    socket, which keeps connections open between requests and hands each request to
    whichever worker is free, over the workers' socket. The workers load the app after the
    fork and serve one request at a time, so a slow query holds up only its own worker,
    never a client's connection.

    No option renames the processes: run from pyuwsgi, uWSGI writes the new name into its
    copy of the command line and past the end of it, which corrupted the heap (workers
    aborted at start with "malloc(): unaligned tcache chunk detected").
    """
    stuck = str(int(settings.query_timeout) + HARAKIRI_MARGIN)
    return [
        "--http", str(run_dir / ROUTER_SOCKET),
        f"--http-keepalive={keepalive_seconds(settings)}",  # optional value: only with "="
        "--http-timeout", stuck,
        "--http-to", str(run_dir / WORKERS_SOCKET),
        "--http-chunked-input",  # a chunked body reaches the worker, which reads it whole
        "--chunked-input-limit", str(settings.max_body_bytes),  # the largest chunk it takes
        "--http-manage-expect",  # "Expect: 100-continue" answered at once (curl -T sends it)
        "--socket", str(run_dir / WORKERS_SOCKET),
        "--chmod-socket=600",
        "--vacuum",
        "--master",
        "--processes", str(query_workers(settings)),
        "--module", "sparql_endpoint.wsgi:application",
        "--lazy-apps",  # each worker opens the store itself, after the fork
        "--need-app",
        "--single-interpreter",
        "--enable-threads",  # the watchdog's thread
        "--die-on-term",
        "--skip-atexit-teardown",  # a worker told to stop just ends (no Py_Finalize)
        "--thunder-lock",
        "--listen", str(listen_backlog()),
        "--buffer-size", str(PACKET_LIMIT),  # a request's variables (the front's limit)
        "--harakiri", stuck,
        "--worker-reload-mercy", "3",
        # A worker the watchdog ended (time or memory limit) is replaced at once: uWSGI's
        # master otherwise sleeps 2 s whenever workers end faster than it has processes,
        # and a flood of such queries kept the service down long after it stopped.
        "--forkbomb-delay", "0",
        "--disable-logging",
        "--ignore-sigpipe",
        "--ignore-write-errors",
        "--disable-write-exception",
    ]  # fmt: skip


def listening_socket(settings: Settings) -> socket.socket:
    """The server's socket on the configured address, for the front to inherit.

    It has ``TCP_NODELAY``, which every connection it accepts inherits: the router writes a
    response in several pieces (which the front passes on as they come), and without it the
    kernel holds back each piece after the first until the client acknowledges that one,
    which a client delays by up to 40 ms.
    """
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    address = f"{_bracketed(settings.host)}:{settings.port}"
    try:
        listener = socket.create_server(
            (settings.host, settings.port), family=family, backlog=listen_backlog()
        )
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {address}: {exc.strerror or exc}") from None
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.set_inheritable(True)
    return listener


def listen_backlog(wanted: int = 1024) -> int:
    """The listen queue: ``wanted``, or the kernel's maximum when that is lower (uWSGI
    refuses to start above it)."""
    try:
        return min(wanted, int(Path("/proc/sys/net/core/somaxconn").read_text()))
    except (OSError, ValueError):
        return 128


def metrics_dir(settings: Settings) -> Path:
    """The counters' directory of this server run, beside the store: one per serving
    process, named by its pid; those of servers no longer running are removed."""
    parent = settings.store_path / "lamcoop-metrics"
    parent.mkdir(exist_ok=True)
    _remove_ended(parent.iterdir(), lambda old: old.name)
    path = parent / str(os.getpid())
    path.mkdir(exist_ok=True)
    return path


#: The name of a server run's directory (see :func:`run_directory`) starts with this.
RUN_PREFIX = "lamcoop-run-"


def run_directory() -> Path:
    """A new directory that only this user may enter, for the sockets between the front and
    uWSGI's router, and between the router and the workers (uWSGI's own protocol, which no
    one else may speak to them).

    Its name carries this process's id: uWSGI ends the process without returning here, so
    each start removes this user's directories of servers that are no longer running.
    """
    temp = Path(tempfile.gettempdir())
    mine = [
        old
        for old in temp.glob(f"{RUN_PREFIX}*")
        if old.is_dir() and not old.is_symlink() and old.lstat().st_uid == os.getuid()
    ]
    _remove_ended(mine, lambda old: old.name.removeprefix(RUN_PREFIX).split("-", 1)[0])
    return Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-", dir=temp))


def _remove_ended(directories: Iterable[Path], pid_of: Callable[[Path], str]) -> None:
    """Remove each directory whose server process (the pid in its name) is not running."""
    for old in directories:
        pid = pid_of(old)
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(old, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        pass
    return True


def _bracketed(host: str) -> str:
    """``host`` as it goes before ``:port`` (an IPv6 address in brackets)."""
    return f"[{host}]" if ":" in host else host


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
    if get_path is None:
        restart_tuned()  # the allocator reads its settings only when a process starts
    overrides = {"host": host, "port": port, "workers": workers}
    settings = state.settings.replace(**{k: v for k, v in overrides.items() if v is not None})
    state.close()
    ensure_built_apart(state.settings)
    if get_path is not None:
        self_check(settings, get_path, accept)
        return
    try:
        sandbox = network_sandbox.check_before_serving(settings)
    except network_sandbox.SandboxError as exc:
        raise click.ClickException(f"cannot serve: {exc}") from None
    listener = listening_socket(settings)
    click.echo(
        f"lamcoop serving {settings.store_path} at http://{_bracketed(settings.host)}:"
        f"{settings.port}/sparql "
        f"({query_workers(settings)} worker processes, {settings.query_timeout:g} s limit, "
        f"network sandbox {sandbox.detail})"
    )
    sys.stdout.flush()
    os.environ[SETTINGS_ENV] = settings_to_env(settings, metrics_dir(settings))
    # Objects made so far stay out of the collector's reach in the workers. The collector
    # of a fresh worker, walking what it inherited from this process, crashed it while it
    # imported the app (a segfault in a clean install); Python's documentation also
    # recommends freezing before forking workers, which keeps memory shared.
    gc.freeze()
    run_dir = run_directory()
    start_front(
        listener,
        str(run_dir / ROUTER_SOCKET),
        keepalive_seconds(settings),
        settings.max_body_bytes,
        cache_bytes=settings.front_cache_mb * 1024 * 1024,
        store=str(settings.store_path.resolve()),
        render=settings.front_documents,
    )
    listener.close()  # the front's now
    if settings.remote_store:
        start_watch()  # writes through other nodes (sparql_endpoint.remote_watch), kept alive
    pyuwsgi.run(uwsgi_options(settings, run_dir=run_dir))
