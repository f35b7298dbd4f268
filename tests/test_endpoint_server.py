"""The HTTP server ``lamcoop serve`` runs (uWSGI, see sparql_endpoint/serve.py and wsgi.py),
on the session's real server: connections stay open between requests without holding a
worker, a request body the application left unread never cuts the response short, a query
string too long for a GET is refused, the processes run with the allocator setting, and the
directories of ended servers are removed."""

from __future__ import annotations

import http.client
import itertools
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from graph_loader.settings import resolve_settings
from sparql_endpoint.allocator import TCACHE_COUNT, TUNABLE
from sparql_endpoint.serve import (
    RUN_PREFIX,
    listening_socket,
    metrics_dir,
    run_directory,
    uwsgi_options,
)
from tests.conftest import put_example_data
from tests.servers import HTTP_DEADLINE


@pytest.fixture(scope="module")
def server(http_server):
    put_example_data(http_server, things=10)
    return http_server


def _health(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    connection.request("GET", "/-/health", headers={"Accept": "application/json"})
    response = connection.getresponse()
    response.read()
    return response


def test_idle_open_connections_do_not_hold_the_workers(server):
    # As many clients as there are workers keep their connections open after an answer.
    # The router holds them, not the workers: one more client is answered, and each of the
    # first can then send its next request on the same connection. Were a worker held by an
    # idle connection, the new client would be answered only once the server had dropped
    # that connection, and its next request would fail.
    idle = [
        http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_DEADLINE)
        for _ in range(server.workers)
    ]
    try:
        kept = []
        for connection in idle:
            answer = _health(connection)
            assert answer.status == 200
            assert (answer.getheader("Connection") or "").lower() != "close"
            kept.append(connection.sock.getsockname())
        another = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_DEADLINE)
        assert _health(another).status == 200
        another.close()
        for connection, name in zip(idle, kept, strict=True):
            assert _health(connection).status == 200
            assert connection.sock is not None and connection.sock.getsockname() == name
    finally:
        for connection in idle:
            connection.close()


def test_accepted_connections_have_no_nagle_delay(tmp_path):
    # The router writes a response in pieces; with Nagle's algorithm each piece after the
    # first would wait for the client's delayed ACK. The listener's TCP_NODELAY is inherited
    # by every connection it accepts (checked here on a real accepted connection).
    settings = resolve_settings(
        environ={}, overrides={"host": "127.0.0.1", "port": "0"}, config_file=None
    )
    with listening_socket(settings) as listener:
        assert listener.get_inheritable()
        client = socket.create_connection(listener.getsockname()[:2], timeout=HTTP_DEADLINE)
        accepted, _ = listener.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_an_address_in_use_is_a_clear_error():
    settings = resolve_settings(
        environ={}, overrides={"host": "127.0.0.1", "port": "0"}, config_file=None
    )
    with listening_socket(settings) as taken:
        port = taken.getsockname()[1]
        busy = settings.replace(port=port)
        with pytest.raises(Exception, match=f"cannot listen on 127.0.0.1:{port}"):
            listening_socket(busy)


@pytest.mark.parametrize("size", [600_000, 3_000_000])
def test_a_body_left_unread_does_not_cut_the_response(server, size):
    # 415 is decided from the Content-Type alone: the app never reads this body. The server
    # reads the rest of it (up to 1 MiB) before closing; either way the client gets the
    # whole answer, not a reset.
    response = requests.post(
        server.url + "/sparql",
        data=b"x" * size,
        headers={"Content-Type": "text/plain"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 415
    assert response.text.startswith("415 Unsupported Media Type:")
    assert response.text.endswith("\n")


def test_a_client_still_sending_its_body_can_finish_and_read_the_answer(server):
    # The answer (415) is ready before the body has arrived. Closing then would make every
    # later send of the client fail with a reset; the server reads the body to its end
    # first (it is under 1 MiB), so the client sends it all and reads the whole answer.
    piece, pieces = b"x" * 50_000, 8
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE)
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            + f"Content-Length: {len(piece) * pieces}\r\n\r\n".encode()
        )
        for _ in range(pieces):
            time.sleep(0.05)
            sock.sendall(piece)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        body = answer.read()
    finally:
        sock.close()
    assert answer.status == 415
    assert body.startswith(b"415 Unsupported Media Type:") and body.endswith(b"\n")


def test_expect_100_continue_is_answered_before_the_body_is_sent(server):
    # curl -T and other clients send Expect: 100-continue before a body and wait for it.
    form = b"query=ASK+%7B+%7D"
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE)
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
            b"Accept: application/sparql-results+json\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(form)}\r\n\r\n".encode()
        )
        interim = b""
        while not interim.endswith(b"\r\n\r\n"):
            interim += sock.recv(1)
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(form)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        assert answer.status == 200 and b'"boolean"' in answer.read()
    finally:
        sock.close()


def test_the_counters_of_servers_that_ended_are_removed(tmp_path):
    settings = resolve_settings(environ={}, overrides={"store": str(tmp_path)}, config_file=None)
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    gone = tmp_path / "lamcoop-metrics" / ended.stdout.strip()
    alive = tmp_path / "lamcoop-metrics" / str(os.getppid())  # pytest's parent: running
    for path in (gone, alive):
        path.mkdir(parents=True)
        (path / "metrics_1.db").write_bytes(b"")
    mine = metrics_dir(settings)
    assert mine == tmp_path / "lamcoop-metrics" / str(os.getpid()) and mine.is_dir()
    assert not gone.exists()
    assert alive.exists()


def test_run_directories_of_servers_that_ended_are_removed():
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    temp = Path(tempfile.gettempdir())
    gone = temp / f"{RUN_PREFIX}{ended.stdout.strip()}-test"
    alive = temp / f"{RUN_PREFIX}{os.getppid()}-test"  # pytest's parent: running
    for path in (gone, alive):
        path.mkdir()
    try:
        mine = run_directory()
        assert mine.name.startswith(f"{RUN_PREFIX}{os.getpid()}-")
        assert mine.stat().st_mode & 0o777 == 0o700
        assert not gone.exists()
        assert alive.exists()
        mine.rmdir()
    finally:
        alive.rmdir()


def test_the_server_options_follow_the_settings():
    settings = resolve_settings(
        environ={},
        overrides={"host": "::1", "port": "9000", "workers": "3", "query_timeout": "5"},
        config_file=None,
    )
    options = uwsgi_options(settings, run_dir=Path("/run/x"))
    pairs = dict(itertools.pairwise(options))
    assert pairs["--http"] == "/run/x/router.sock"
    assert pairs["--http-to"] == pairs["--socket"] == "/run/x/workers.sock"
    assert pairs["--buffer-size"] == "65535"
    assert pairs["--http-timeout"] == "65"
    assert "--http-keepalive=15" in options
    assert pairs["--processes"] == "3"
    assert pairs["--harakiri"] == "65"
    assert pairs["--module"] == "sparql_endpoint.wsgi:application"
    assert not [option for option in options if option.startswith("--procname")]


def _count(server, padding: int) -> requests.Response:
    query = "#" + "x" * padding + "\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    return requests.get(
        server.url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )


def test_a_long_query_fits_in_a_get_request(server):
    response = _count(server, 25_000)
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_a_query_string_too_long_for_a_get_request_is_refused_and_post_takes_it(server):
    # uWSGI's router passes a request to a worker in one packet of at most 64 KiB, which
    # holds the query string twice; the front answers a request that would not fit with
    # 414 (the router would close the connection). The same query by POST is answered.
    refused = _count(server, 45_000)
    assert refused.status_code == 414
    assert "POST" in refused.text and refused.headers["Content-Type"].startswith("text/plain")
    assert requests.post(
        server.url + "/sparql",
        data={"query": "#" + "x" * 45_000 + "\nASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    ).json() == {"head": {}, "boolean": True}


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's own")
def test_the_server_and_its_workers_run_with_the_allocator_setting(server):
    # glibc reads GLIBC_TUNABLES only at start: `lamcoop serve` starts itself again with it
    # (same process id), and the processes it forks (router, workers) inherit it.
    served = [
        pid for pid in server.processes() if b"lamcoop" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(served) >= 3  # the master, the router, the worker
    for pid in served:
        tunables = _environ(pid).get("GLIBC_TUNABLES", "")
        assert f"{TUNABLE}={TCACHE_COUNT}" in tunables.split(":"), pid
