"""The worker ``lamcoop serve`` runs (sparql_endpoint/worker.py), on a real server with a
single worker process: it is free for the next client as soon as a response is sent, and a
request body the application left unread never cuts the response short."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from tests.conftest import RunningServer, example_store

REQUEST = b"GET /-/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("worker")
    example_store(workdir / "store", things=10)
    running = RunningServer(workdir / "store", workdir, {"workers": 1})
    yield running
    running.stop()


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
    # gunicorn's sync worker would wait up to 2 s for that close before serving anyone.
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
    # 415 is decided from the Content-Type alone: the app never reads this body. The worker
    # reads the rest of it (up to 1 MiB) and closes at once, or else lingers as gunicorn
    # does; either way the client gets the whole answer, not a reset.
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
    # later send of the client fail with a reset; the worker reads the body to its end
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
