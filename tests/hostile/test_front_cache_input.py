"""Requests that reach the front's cache (sparql_endpoint/front_cache.py) in ways a normal
client does not, sent as raw bytes to a real server: none gets an answer meant for another
request, none is a 5xx or a dropped connection, the server keeps serving, and the store is
unchanged. What the front reads now (request fields for its key, ``If-None-Match``, the
workers' answers) must never let one request's answer reach another."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
import requests

from graph_loader.graphs import SHIPPED_BASE
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE, RunningServer

GRAPH = "urn:x-lamcoop-test:front-hostile"
STEM = "x-lamcoop-test/hostile-thing"
THING = f"{SHIPPED_BASE}id/{STEM}"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@pytest.fixture(scope="module")
def server(http_server: RunningServer) -> RunningServer:
    http_server.update(
        f"DROP SILENT GRAPH <{GRAPH}> ; INSERT DATA {{ GRAPH <{GRAPH}> {{ "
        f'<{THING}> <{LABEL}> "hostile"@en }} }}'
    )
    return http_server


def answers(
    port: int, data: bytes, count: int, heads: tuple[int, ...] = ()
) -> list[tuple[bytes, bytes]]:
    """Send ``data`` on one connection and read ``count`` answers (head, body), each framed
    by its Content-Length (the answers numbered in ``heads``, to HEAD requests, and 304s
    have none to read)."""
    with socket.create_connection(("127.0.0.1", port), timeout=HTTP_DEADLINE) as sock:
        sock.sendall(data)
        buffer, found = b"", []
        while len(found) < count:
            while b"\r\n\r\n" not in buffer:
                chunk = sock.recv(65536)
                assert chunk, f"the connection ended after {len(found)} answers"
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = 0
            bodiless = b" 304 " in head.split(b"\r\n")[0] or len(found) in heads
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length" and not bodiless:
                    length = int(value)
            while len(buffer) < length:
                chunk = sock.recv(65536)
                assert chunk, "the connection ended inside an answer"
                buffer += chunk
            found.append((head, buffer[:length]))
            buffer = buffer[length:]
    return found


def status(head: bytes) -> int:
    return int(head.split(b" ")[1])


def field(head: bytes, name: bytes) -> bytes | None:
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def get(target: str, *fields: str) -> bytes:
    return ("\r\n".join([f"GET {target} HTTP/1.1", "Host: h", *fields]) + "\r\n\r\n").encode()


def test_odd_requests_never_get_another_requests_answer(server):
    before = served_state(server)
    doc = f"/doc/{STEM}"
    plain_turtle = get(doc, "Accept: text/turtle")
    cases = [
        get(doc, "Accept: text/html", "Accept: text/turtle"),  # the field twice
        get(doc, "Accept:text/html"),  # no space
        get(doc, "accept: TEXT/HTML"),  # other case
        get(doc, "Accept: text/html", "Host: other.example"),  # another host
        get(doc + ".ttl", "If-None-Match: " + '"' * 5000),  # a broken condition
        get(doc + ".ttl", "If-None-Match: " + ", ".join(f'"t{n}"' for n in range(3000))),
        get(doc + ".ttl", "Range: bytes=0-9"),
        get(doc + ".ttl", "If-Modified-Since: yesterday"),
        get(doc + ".ttl", "Origin: https://elsewhere.example"),
        get(f"http://127.0.0.1{doc}.ttl"),  # absolute form
        get(doc + ".ttl?page=1&page=2"),
        get(doc + ".ttl%00"),
    ]
    for _ in range(2):  # the second time, whatever the front kept answers
        for case in cases:
            (head, _body), (turtle_head, turtle) = answers(server.port, case + plain_turtle, 2)
            assert status(head) < 500, (case, head)
            assert status(turtle_head) == 200, (case, turtle_head)
            assert field(turtle_head, b"content-type").startswith(b"text/turtle"), case
            assert THING.encode() in turtle and b"other.example" not in turtle, case
            assert b"x-lamcoop-front-cache" not in head.lower() + turtle_head.lower()
    assert served_state(server) == before


def test_header_lines_uwsgi_misreads_are_refused_with_a_400(server):
    # uWSGI's router dropped a line without a colon without a word, and read a folded
    # line as a field of its own and then ended the connection; the front refuses both.
    before = served_state(server)
    for line, problem in (
        ("NoColonHere", b"header line 3 has no colon"),
        (" text/turtle", b"header line 3 continues the line before"),
    ):
        [(head, body)] = answers(server.port, get(f"/doc/{STEM}", "Accept: x", line), 1)
        assert status(head) == 400 and problem in body
    assert requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).status_code == 200
    assert served_state(server) == before


def test_a_head_first_never_leaves_an_empty_body_behind(server):
    target = f"/doc/{STEM}.nt"
    head_request = get(target).replace(b"GET ", b"HEAD ", 1)
    found = answers(server.port, head_request + get(target) + get(target), 3, heads=(0,))
    (_, none), (first_head, first), (_, second) = found
    assert none == b"" and first and first == second and THING.encode() in first
    assert field(first_head, b"content-length") == str(len(first)).encode()


def test_pipelined_requests_are_answered_in_order(server):
    targets = [f"/doc/{STEM}.ttl", f"/doc/{STEM}.nt", f"/id/{STEM}", f"/doc/{STEM}.ttl"]
    data = b"".join(get(t, "Accept: text/html") for t in targets)
    for _ in range(2):
        found = answers(server.port, data, len(targets))
        kinds = [field(head, b"content-type") or field(head, b"location") for head, _ in found]
        assert kinds[0].startswith(b"text/turtle") and kinds[3].startswith(b"text/turtle")
        assert kinds[1].startswith(b"application/n-triples")
        assert status(found[2][0]) == 303 and field(found[2][0], b"location").endswith(b".html")


def test_an_http_1_0_request_gets_its_answer_and_the_end_of_the_connection(server):
    target = f"/doc/{STEM}.ttl"
    requests.get(server.url + target, timeout=HTTP_DEADLINE)  # kept by the front
    with socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: h\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):  # read to the end: the server must close
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert status(head) == 200 and THING.encode() in body
    assert field(head, b"content-length") == str(len(body)).encode()


def _front(server: RunningServer) -> int:
    """The process id of the server's front."""
    for pid in server.processes()[1:]:
        if b"sparql_endpoint.front" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise AssertionError("no front process")


def _sockets(pid: int) -> int:
    """How many sockets the process ``pid`` holds open (a descriptor closed between the
    listing and its reading is not counted: the front closes connections meanwhile)."""
    found = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found += os.readlink(fd).startswith("socket:")
        except FileNotFoundError:
            continue
    return found


def test_a_client_gone_after_its_answers_leaves_no_router_connection_open(server):
    """Found by a fuzzing run: a client that closed its connection after its answer left
    the front waiting for the router's next answer on the router connection, until the
    router's keep-alive time (15 s) ended it, both connections open meanwhile (and the
    collector destroyed some of those waits, "Task was destroyed but it is pending!"). With
    no answer on its way, the front now ends both at once."""
    front = _front(server)
    before = _sockets(front)
    for n in range(30):  # each relayed to a worker, on its own connection, closed after it
        [(head, _)] = answers(server.port, get(f"/-/health?n={n}", "Connection: keep-alive"), 1)
        assert status(head) == 200
    deadline = time.monotonic() + 5  # well inside the router's keep-alive time
    while _sockets(front) > before + 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _sockets(front) <= before + 2
