"""Hostile request bodies sent in chunks: each is read whole or refused (400 naming the byte
where it broke, 413 over the limit), never taken for a shorter body, and the store stays as
it was. They go to a real server (the front reads chunks, then uWSGI's router and workers),
and in process with uWSGI's chunked reader stood in for."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pytest
import requests

from graph_loader.store import Store, open_store
from tests.conftest import service_client
from tests.hostile.conftest import store_state
from tests.hostile.request_support import (
    NT,
    chunked_put,
    pieces,
    raw_request,
    served_state,
)
from tests.servers import HTTP_DEADLINE

# -- request bodies sent in chunks -----------------------------------------------------------

EX = "http://example.org/"
TRIPLES = b"".join(f"<{EX}a> <{EX}p> <{EX}o{n}> .\n".encode() for n in range(40))


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_a_chunked_put_replaces_the_graph_with_the_whole_body(http_server, size):
    graph = EX + "chunked-put"
    others = _data(served_state(http_server, without_void=True))
    others.pop(graph, None)
    response = requests.put(
        f"{http_server.url}/graph-store?graph={graph}",
        data=pieces(TRIPLES, size),
        headers={"Content-Type": NT, "Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    assert response.status_code in (201, 204), response.text
    after = _data(served_state(http_server, without_void=True))
    assert after.pop(graph) == 40
    assert after == others
    http_server.update(f"DROP GRAPH <{graph}>")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/sparql-query", b"SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        (
            "application/x-www-form-urlencoded",
            b"query=SELECT+%28COUNT%28*%29+AS+%3Fn%29+WHERE+%7B+GRAPH+%3Fg+%7B+%3Fs+%3Fp+%3Fo+%7D+%7D",
        ),
    ],
)
def test_a_chunked_query_is_read_whole(http_server, content_type, body):
    before = served_state(http_server)
    response = requests.post(
        http_server.url + "/sparql",
        data=pieces(body, 5),
        headers={"Content-Type": content_type, "Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 200, response.text
    count = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert count >= sum(before.values())
    assert served_state(http_server) == before


def test_a_chunked_update_is_read_whole(http_server):
    graph = EX + "chunked-update"
    before = _data(served_state(http_server, without_void=True))
    update = f"INSERT DATA {{ GRAPH <{graph}> {{ {TRIPLES.decode()} }} }}".encode()
    response = requests.post(
        http_server.url + "/sparql",
        data=pieces(update, 9),
        headers={
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {http_server.token}",
        },
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 204, response.text
    after = _data(served_state(http_server, without_void=True))
    assert after.pop(graph) == 40
    assert after == before
    http_server.update(f"DROP GRAPH <{graph}>")


def _data(state: dict[str, int]) -> dict[str, int]:
    """``state`` without the provenance graph, where a write records the graph it wrote."""
    return {g: n for g, n in state.items() if not g.endswith("/graph/provenance")}


_HALF = len(TRIPLES) // 2
BROKEN_CHUNKED = {
    "a size that is no number": (b"zz\r\n" + TRIPLES + b"\r\n0\r\n\r\n", "breaks at byte 0"),
    # uWSGI's reader took "zz" after a good chunk for the last chunk: half a body, as whole
    "a size that is no number mid-body": (
        b"%x\r\n" % _HALF + TRIPLES[:_HALF] + b"\r\nzz\r\n" + TRIPLES[_HALF:] + b"\r\n0\r\n\r\n",
        f"breaks at byte {len(b'%x' % _HALF) + 2 + _HALF + 2}: 'zz' is no chunk size",
    ),
    "a chunk not ended by CRLF": (
        b"%x\r\n" % _HALF + TRIPLES[:_HALF] + b"XX0\r\n\r\n",
        "does not end with CRLF",
    ),
    "a chunk extension, then half a triple": (
        b"5;x=1\r\n" + TRIPLES[:5] + b"\r\n0\r\n\r\n",
        "refused, nothing written",
    ),
}


@pytest.mark.parametrize(("body", "said"), BROKEN_CHUNKED.values(), ids=BROKEN_CHUNKED.keys())
def test_a_broken_chunked_put_is_400_and_changes_nothing(http_server, body, said):
    graph = EX + "g2"  # holds two statements
    before = served_state(http_server)
    status, text = raw_request(http_server, chunked_put(http_server, graph), body)
    assert status == 400, text
    assert said in text
    assert served_state(http_server) == before


def test_a_chunked_body_that_ends_inside_a_chunk_is_400_and_changes_nothing(http_server):
    before = served_state(http_server)
    head = chunked_put(http_server, EX + "g2") + "\r\nHost: x\r\n\r\n"
    with socket.create_connection(("127.0.0.1", http_server.port), timeout=HTTP_DEADLINE) as sock:
        sock.sendall(head.encode() + b"ffff\r\n" + TRIPLES)
        sock.shutdown(socket.SHUT_WR)  # the client has sent all it will
        answer = b""
        while data := sock.recv(65536):
            answer += data
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"ends inside a chunk" in answer
    assert served_state(http_server) == before


def test_an_empty_chunked_put_is_an_empty_body_as_with_content_length(http_server):
    """``0\\r\\n\\r\\n`` is an empty body read whole (the front reads chunks itself, so it
    can no longer be a broken size line read as the last chunk): the graph is emptied,
    exactly as by a PUT with ``Content-Length: 0``."""
    for framing in ("chunked", "length"):
        graph = EX + f"emptied-by-{framing}"
        http_server.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <{EX}a> <{EX}p> <{EX}o> }} }}")
        if framing == "chunked":
            status, text = raw_request(http_server, chunked_put(http_server, graph), b"0\r\n\r\n")
        else:
            response = requests.put(
                f"{http_server.url}/graph-store?graph={graph}",
                data=b"",
                headers={"Content-Type": NT, "Authorization": f"Bearer {http_server.token}"},
                timeout=HTTP_DEADLINE,
            )
            status, text = response.status_code, response.text
        assert status in (200, 204), text
        assert served_state(http_server).get(graph, 0) == 0


def test_a_chunked_body_over_the_limit_is_413_and_changes_nothing(http_server):
    before = served_state(http_server)
    line = f"<{EX}a> <{EX}p> <{EX}o> .\n".encode()
    body = line * (11 * 1024 * 1024 // len(line))  # past the default 10 MiB
    response = requests.put(
        f"{http_server.url}/graph-store?graph={EX}g2",
        data=pieces(body, 1024 * 1024),
        headers={"Content-Type": NT, "Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 413, response.text
    assert "over" in response.text
    assert served_state(http_server) == before


def test_a_chunked_put_cut_short_changes_nothing(http_server):
    """A client that stops in the middle of its body (then goes away): nothing is written,
    though no one is left to answer."""
    before = served_state(http_server)
    with socket.create_connection(("127.0.0.1", http_server.port), timeout=30) as sock:
        head = chunked_put(http_server, EX + "g2") + "\r\nHost: x\r\n\r\n"
        sock.sendall(head.encode() + b"%x\r\n" % (len(TRIPLES) + 100) + TRIPLES)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        assert served_state(http_server) == before
        time.sleep(0.5)


# -- the same refusals in process (uWSGI's chunked reader stood in for) ----------------------


@pytest.fixture
def writable(tmp_path, example_built) -> Iterator[Store]:
    opened = open_store(example_built.copy(tmp_path / "store"))
    yield opened
    opened.close()


def _served(client, read_chunk, *, max_body: int = 1000):
    from werkzeug.test import Client

    from sparql_endpoint.wsgi import ServedApp

    app = ServedApp(
        client.application, client_fd=lambda: -1, read_chunk=read_chunk, max_body=max_body
    )
    return Client(app)


def _reads(*chunks: bytes, fails: bool = False) -> Callable[[], Callable[[], bytes]]:
    """A maker of fresh stand-ins for uWSGI's chunked reader: each gives ``chunks``, then
    the end (``b""``), or fails as uWSGI does on a malformed or missing chunk."""

    def make() -> Callable[[], bytes]:
        left = list(chunks)

        def read_chunk() -> bytes:
            if left:
                return left.pop(0)
            if fails:
                raise OSError("unable to receive chunked part")
            return b""

        return read_chunk

    return make


#: A stand-in for uWSGI's chunked reader, the status and the message.
READERS = {
    "the reader fails": (_reads(fails=True), 400, "could not be read whole"),
    "it fails after data": (_reads(TRIPLES[:100], fails=True), 400, "could not be read whole"),
    "no data": (_reads(), 400, "has no data"),
    "over the limit": (_reads(*[TRIPLES] * 40), 413, "over 1000 bytes"),
}


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (f"/graph-store?graph={EX}g2", NT),
        ("/graph-store?default", NT),
        ("/sparql", "application/sparql-update"),
        ("/sparql", "application/x-www-form-urlencoded"),
    ],
)
def test_a_chunked_body_not_read_whole_is_refused(writable, reader, path, content_type):
    make_reader, status, message = reader
    before = store_state(writable)
    with service_client(writable, update_token="t") as client:
        served = _served(client, make_reader())
        method = "PUT" if path.startswith("/graph-store") else "POST"
        headers = {
            "Content-Type": content_type,
            "Authorization": "Bearer t",
            "Transfer-Encoding": "chunked",
        }
        response = served.open(path, method=method, headers=headers)
        assert response.status_code == status, response.get_data(as_text=True)
        assert message in response.get_data(as_text=True)
    assert store_state(writable) == before


@pytest.mark.parametrize(
    ("codings", "status", "said"),
    [
        ("chunked, chunked", 400, "must end with chunked, applied once"),
        ("gzip", 400, "must end with chunked, applied once"),
        ("chunked, gzip", 400, "must end with chunked, applied once"),
        ("", 400, "must end with chunked, applied once"),
        ("gzip, chunked", 501, "the only transfer coding taken is chunked"),
    ],
)
def test_transfer_codings_the_front_cannot_frame_are_refused(http_server, codings, status, said):
    """RFC 9112, 6.1: chunked must be the last transfer coding and applied once, or the end
    of the body cannot be told (400); another coding before it is one the server does not
    take (501). Before, every value but "chunked" was a 501 saying only chunked is taken,
    "chunked, chunked" and a request with no chunked at all included (found by fuzzing)."""
    graph = EX + "codings"
    before = served_state(http_server)
    head = (
        f"PUT /graph-store?graph={graph} HTTP/1.1\r\nContent-Type: {NT}\r\n"
        f"Authorization: Bearer {http_server.token}\r\nTransfer-Encoding: {codings}"
    )
    got, body = raw_request(http_server, head, b"5\r\n<a> .\r\n0\r\n\r\n")
    assert (got, said in body) == (status, True), body
    assert served_state(http_server) == before
