"""Hostile requests: paths that are no IRI, absurd page numbers, and request bodies sent in
chunks. Each is answered 4xx naming the problem (never a 500, never internal query text)
and leaves the store as it was. Chunked bodies go to a real server (uWSGI's router and
workers are what read them), and in process with uWSGI's chunked reader stood in for."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import pyoxigraph as ox
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

BASE = "https://w3id.org/lamcoop/"
CALIS = BASE + "id/institution/calis"
GRAPH = BASE + "graph/hostile"
#: Words of the pages' own queries, none of which may reach a client.
QUERY_WORDS = ("SELECT", "WHERE", "OFFSET", "LIMIT", "PREFIX")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[Store]:
    """A store where ``{base}id/institution/calis`` has a label, and 150 things point at it
    (two pages of incoming statements)."""
    opened = open_store(tmp_path_factory.mktemp("hostile-pages") / "store")
    lines = [f'<{CALIS}> <http://www.w3.org/2000/01/rdf-schema#label> "CALIS"@en .\n']
    lines += [f"<{BASE}id/thing/{n}> <{BASE}ns#memberOf> <{CALIS}> .\n" for n in range(150)]
    opened.load_graph("".join(lines).encode(), graph=GRAPH, format=ox.RdfFormat.N_TRIPLES)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def client(store):
    with service_client(store) as test_client:
        yield test_client


def _text(response) -> str:
    return response.get_data(as_text=True)


# -- paths that make no valid IRI ------------------------------------------------------------

INVALID_PATHS = [
    "/id/a%20b",
    "/id/institution/calis%00",
    "/id/a%3Cb%3E",
    "/id/x%7By%7D",
    "/id/a%22b",
    "/id/a%5Cb",
    "/id/a%5Eb",
    "/id/a%60b",
    "/id/a%7Cb",
    "/id/tab%09here",
    "/id/a%7Fb",
    "/id/50%25",
    "/doc/institution/calis%00.html",
    "/doc/a%20b",
    "/doc/a%20b.ttl",
    "/doc/x%7By%7D.jsonld",
    "/doc/institution/calis%3C.nt",
]


@pytest.mark.parametrize("path", INVALID_PATHS)
def test_a_path_that_makes_no_iri_is_400_naming_it(client, store, path):
    before = store_state(store)
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 400, _text(response)
    assert response.mimetype == "text/plain"
    assert "does not name a valid IRI" in _text(response)
    assert "\x00" not in _text(response)
    assert store_state(store) == before


@pytest.mark.parametrize("path", INVALID_PATHS)
def test_a_real_server_answers_a_path_that_makes_no_iri_with_400(http_server, path):
    before = served_state(http_server)
    response = requests.get(http_server.url + path, timeout=HTTP_DEADLINE, allow_redirects=False)
    assert response.status_code == 400, response.text
    assert "does not name a valid IRI" in response.text
    assert served_state(http_server) == before


@pytest.mark.parametrize("path", ["/id/no-such-thing", "/doc/no-such-thing.ttl", "/audit/a%20b"])
def test_a_valid_iri_of_nothing_is_404(client, store, path):
    before = store_state(store)
    response = client.get(path)
    assert response.status_code == 404, _text(response)
    assert store_state(store) == before


def test_the_entity_itself_is_still_served(client):
    response = client.get("/doc/institution/calis.ttl")
    assert response.status_code == 200, _text(response)
    assert "CALIS" in _text(response)
    assert client.get("/doc/institution/calis.ttl?page=2").status_code == 200


# -- page numbers ----------------------------------------------------------------------------

BAD_PAGES = [
    "0" * 30,
    "1" + "0" * 30,
    "9" * 5000,  # past Python's own limit on digits it turns into a number
    "1000001",
    "0",
    "-1",
    "1.5",
    "1e3",
    "²",  # a digit to str.isdigit, not to int()
    "١",  # an Arabic-Indic digit
    "",
    "%00",
]


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("route", ["/doc/institution/calis.ttl", "/id/institution/calis"])
def test_a_page_out_of_range_is_400_without_query_text(client, store, route, page):
    before = store_state(store)
    response = client.get(route, query_string={"page": page})
    body = _text(response)
    assert response.status_code == 400, body
    assert "page must be a whole number from 1 to 1000000" in body
    assert not any(word in body for word in QUERY_WORDS)
    assert store_state(store) == before


@pytest.mark.parametrize("page", BAD_PAGES[:4])
def test_a_real_server_answers_a_page_out_of_range_with_400(http_server, page):
    before = served_state(http_server)
    response = requests.get(
        http_server.url + "/id/institution/calis",
        params={"page": page},
        timeout=HTTP_DEADLINE,
        allow_redirects=False,
    )
    assert response.status_code == 400, response.text
    assert "page must be a whole number from 1 to 1000000" in response.text
    assert not any(word in response.text for word in QUERY_WORDS)
    assert served_state(http_server) == before


def test_the_last_allowed_page_is_past_the_end(client):
    response = client.get("/doc/institution/calis.ttl?page=1000000")
    assert response.status_code == 404
    assert "past the last page" in _text(response)


def test_a_page_query_that_fails_shows_no_query_text(client, store, monkeypatch):
    import graph_loader.describe

    broken = "SELEC ?e WHERE { ?e ?p ?o } LIMIT %(limit)d OFFSET %(offset)d"
    monkeypatch.setattr(graph_loader.describe, "INCOMING_QUERY", broken)
    before = store_state(store)
    response = client.get("/doc/institution/calis.ttl")
    body = _text(response)
    assert response.status_code == 500
    assert "the error is in the server's log" in body
    assert not any(word in body for word in (*QUERY_WORDS, "SELEC"))
    assert store_state(store) == before


def test_an_unexpected_error_shows_no_internal_text(client, monkeypatch):
    from sparql_endpoint.linked_data import entities

    def failing(*_args, **_kwargs):
        raise RuntimeError("SELECT ?secret WHERE { ?secret ?p ?o }")

    monkeypatch.setattr(entities, "exists", failing)
    response = client.get("/id/institution/calis")
    assert response.status_code == 500
    assert not any(word in _text(response) for word in (*QUERY_WORDS, "secret"))


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
