"""Over-long request lines and headers (issue 13, item 13), sent as raw bytes to a real
server: each gets 414 or 431 with a short text body saying the limit (and, for a long
query, to use POST), never a closed connection; requests just under the limits are served;
the server keeps serving and its store is unchanged.

uWSGI's router closes the connection of a request whose head does not fit its 64 KiB
packet; the front (:mod:`sparql_endpoint.front`) answers those itself.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
from urllib.parse import quote

import pytest
import requests

from sparql_endpoint.front import MAX_FIELDS
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE

ASK = "\nASK { ?s ?p ?o }"


def exchange(port: int, data: bytes) -> bytes:
    """Send ``data`` on a new connection and read the answer to its end (the server closes
    the connection after it: every request here says ``Connection: close``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=HTTP_DEADLINE) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)  # (the answer may come before all of it is sent)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def padded_query(size: int) -> str:
    """An ASK query of about ``size`` characters (a comment, then the query)."""
    return "#" + "x" * (size - len(ASK) - 1) + ASK


def get_line(target: str) -> bytes:
    return (
        f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
        "Connection: close\r\n\r\n"
    ).encode()


def status_and_body(answer: bytes) -> tuple[int, bytes]:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]  # an answer, not a closed socket
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body


@pytest.fixture(scope="module")
def server(http_server):
    return http_server


@pytest.mark.parametrize("size", [32 * 1024, 64 * 1024, 1024 * 1024])
def test_an_over_long_request_line_is_414_saying_to_post(server, size):
    before = served_state(server)
    target = "/sparql?query=" + "x" * size
    status, body = status_and_body(exchange(server.port, get_line(target)))
    assert status == 414
    assert b"POST" in body and b"KiB" in body and body.count(b"\n") == 1
    assert served_state(server) == before
    assert requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).status_code == 200


def test_a_get_query_of_30_kb_is_served(server):
    before = served_state(server)
    target = "/sparql?query=" + quote(padded_query(30_000), safe="")
    assert 30_000 < len(target) < 31_000
    status, body = status_and_body(exchange(server.port, get_line(target)))
    assert status == 200 and b'"boolean":true' in body
    assert served_state(server) == before


def test_the_same_long_query_by_post_is_served(server):
    response = requests.post(
        server.url + "/sparql",
        data=padded_query(1024 * 1024).encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_an_accept_header_of_100_kb_is_431(server):
    before = served_state(server)
    head = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: " + b"a/b," * 25_000
    status, body = status_and_body(exchange(server.port, head + b"\r\nConnection: close\r\n\r\n"))
    assert status == 431 and b"64 KiB" in body
    assert served_state(server) == before


def test_headers_that_fit_one_by_one_but_not_together_are_431(server):
    fields = b"".join(b"X-Padding-%d: %s\r\n" % (n, b"p" * 8000) for n in range(9))
    head = b"GET /-/health HTTP/1.1\r\nHost: x\r\n" + fields + b"Connection: close\r\n\r\n"
    status, body = status_and_body(exchange(server.port, head))
    assert status == 431 and b"bytes" in body


def test_a_thousand_header_fields_are_431(server):
    before = served_state(server)
    fields = b"".join(b"X-Field-%d: v\r\n" % n for n in range(1000))
    head = b"GET /-/health HTTP/1.1\r\nHost: x\r\n" + fields + b"Connection: close\r\n\r\n"
    status, body = status_and_body(exchange(server.port, head))
    assert status == 431 and str(MAX_FIELDS).encode() in body
    assert served_state(server) == before


def test_as_many_header_fields_as_allowed_are_served(server):
    fields = b"".join(b"X-Field-%d: v\r\n" % n for n in range(MAX_FIELDS - 2))
    head = b"GET /-/health HTTP/1.1\r\nHost: x\r\n" + fields + b"Connection: close\r\n\r\n"
    status, _ = status_and_body(exchange(server.port, head))
    assert status == 200


def test_a_request_line_that_is_no_request_line_is_400(server):
    status, body = status_and_body(exchange(server.port, b"NONSENSE\r\n\r\n"))
    assert status == 400 and b"METHOD TARGET HTTP/VERSION" in body


def test_a_refused_head_answers_head_without_a_body(server):
    head = b"HEAD /sparql?query=" + b"x" * 40_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = exchange(server.port, head)
    status, body = status_and_body(answer)
    assert status == 414 and body == b""
    assert b"Content-Length: " in answer


def test_a_kept_alive_connection_serves_on_then_gets_its_414(server):
    """Requests on one connection go through the front to the router and back, in order; an
    over-long one then gets its answer on that same connection."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=HTTP_DEADLINE)
    try:
        for _ in range(3):
            connection.request("GET", "/-/health")
            response = connection.getresponse()
            assert response.status == 200 and response.read()
        connection.request("GET", "/sparql?query=" + "x" * 50_000)
        refused = connection.getresponse()
        assert refused.status == 414 and b"POST" in refused.read()
    finally:
        connection.close()
    assert requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).status_code == 200


def test_a_body_framed_two_ways_is_400_and_writes_nothing(server):
    """Content-Length and Transfer-Encoding together (how requests are smuggled past a
    proxy) are refused before anything reaches the router."""
    before = served_state(server)
    body = b"<urn:x-lamcoop-test:s> <urn:x-lamcoop-test:p> <urn:x-lamcoop-test:o> .\n"
    head = (
        "PUT /graph-store?graph=urn:x-lamcoop-test:smuggled HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Type: application/n-triples\r\n"
        f"Content-Length: {len(body)}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    status, text = status_and_body(exchange(server.port, head + body))
    assert status == 400 and b"Content-Length or Transfer-Encoding" in text
    assert served_state(server) == before


@pytest.mark.parametrize("length", [b"abc", b"-1", b"5, 6"])
def test_a_content_length_that_is_no_number_is_400(server, length):
    before = served_state(server)
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    answer = exchange(server.port, head + b"Content-Length: " + length + b"\r\n\r\nASK {}")
    status, text = status_and_body(answer)
    assert status == 400 and b"Content-Length" in text
    assert served_state(server) == before
