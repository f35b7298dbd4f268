"""The HTTP server ``lamcoop serve`` runs (uWSGI, see sparql_endpoint/serve.py and wsgi.py),
on a real server with a single worker process: the worker is free for the next client as
soon as a response is sent, a request body the application left unread never cuts the
response short, and the counters' directories of ended servers are removed."""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from graph_loader.settings import resolve_settings
from sparql_endpoint.serve import metrics_dir, uwsgi_options
from tests.conftest import RunningServer, example_store

REQUEST = b"GET /-/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("worker")
    example_store(workdir / "store", things=10)
    with RunningServer(workdir / "store", workdir, {"workers": 1}) as running:
        yield running


def _exchange(port: int, *, close: bool) -> tuple[socket.socket, bytes, float]:
    """Send REQUEST on a new connection; read the response until the server's FIN."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    started = time.monotonic()
    sock.sendall(REQUEST)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    elapsed = time.monotonic() - started
    if close:
        sock.close()
    return sock, data, elapsed


def test_the_only_worker_serves_the_next_client_while_the_last_keeps_its_socket(server):
    # The first client reads its whole response (and the server's FIN) but never closes.
    # A server that lingers for the client's close (gunicorn's sync worker waits up to 2 s)
    # would serve nobody meanwhile.
    first, data, _ = _exchange(server.port, close=False)
    try:
        assert data.startswith(b"HTTP/1.1 200")
        assert b"connection: close" in data.lower()
        _, second, elapsed = _exchange(server.port, close=True)
        assert second.startswith(b"HTTP/1.1 200")
        assert elapsed < 1.5, f"the second client waited {elapsed:.2f} s"
    finally:
        first.close()


@pytest.mark.parametrize("size", [600_000, 3_000_000])
def test_a_body_left_unread_does_not_cut_the_response(server, size):
    # 415 is decided from the Content-Type alone: the app never reads this body. The server
    # reads the rest of it (up to 1 MiB) before closing; either way the client gets the
    # whole answer, not a reset.
    response = requests.post(
        server.url + "/sparql",
        data=b"x" * size,
        headers={"Content-Type": "text/plain"},
        timeout=30,
    )
    assert response.status_code == 415
    assert response.text.startswith("415 Unsupported Media Type:")
    assert response.text.endswith("\n")


def test_a_client_still_sending_its_body_can_finish_and_read_the_answer(server):
    # The answer (415) is ready before the body has arrived. Closing then would make every
    # later send of the client fail with a reset; the server reads the body to its end
    # first (it is under 1 MiB), so the client sends it all and reads the whole answer.
    piece, pieces = b"x" * 50_000, 8
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            + f"Content-Length: {len(piece) * pieces}\r\n\r\n".encode()
        )
        for _ in range(pieces):
            time.sleep(0.05)
            sock.sendall(piece)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    finally:
        sock.close()
    assert data.startswith(b"HTTP/1.1 415")
    assert data.endswith(b"\n")


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


def test_the_server_options_follow_the_settings():
    settings = resolve_settings(
        environ={},
        overrides={"host": "::1", "port": "9000", "workers": "3", "query_timeout": "5"},
        config_file=None,
    )
    options = uwsgi_options(settings)
    pairs = dict(itertools.pairwise(options))
    assert pairs["--http-socket"] == "[::1]:9000"
    assert pairs["--processes"] == "3"
    assert pairs["--harakiri"] == "65"
    assert pairs["--module"] == "sparql_endpoint.wsgi:application"


def _count(server, padding: int) -> requests.Response:
    query = "#" + "x" * padding + "\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    return requests.get(
        server.url + "/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )


def test_a_long_query_fits_in_a_get_request(server):
    response = _count(server, 25_000)
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_a_query_string_too_long_for_the_server_is_414_not_a_wrong_answer(server):
    # uWSGI drops a query string that does not fit its buffer; without the check the request
    # would look like a bare GET and be answered with the Service Description.
    response = _count(server, 45_000)
    assert response.status_code == 414
    assert "send the query by POST" in response.text
    assert requests.post(
        server.url + "/sparql",
        data={"query": "#" + "x" * 45_000 + "\nASK { ?s ?p ?o }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    ).json() == {"head": {}, "boolean": True}
