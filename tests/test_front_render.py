"""Documents and redirects made by the front's own app (sparql_endpoint/front_render.py), in
real servers: with every worker stopped, a document the front has not kept is still
answered (and with ``front_documents`` off it is not); and every answer, in every format,
language and error, is the one a worker gives, byte for byte but for the time fields."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests

from graph_loader.graphs import SHIPPED_BASE
from graph_loader.store import open_store
from tests.servers import HTTP_DEADLINE, RunningServer

pytestmark = pytest.mark.slow

#: Fields that differ between two servers of the same data: the time of the answer, the
#: time each server published its data version, and the digest of a body that names the
#: server's own address (each is then only checked to be there in both or neither).
APART = {"date", "last-modified", "etag"}


GRAPH = "urn:x-lamcoop-test:front-render"
STEM = "x-lamcoop-test/front-render/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KNOWS = "http://xmlns.com/foaf/0.1/knows"
THINGS = 60


def _data() -> bytes:
    """``THINGS`` entities labelled in three languages, each knowing the first (which then
    has more statements pointing at it than one page holds)."""
    lines = []
    for n in range(THINGS):
        thing = ox.NamedNode(f"{SHIPPED_BASE}id/{STEM}{n}")
        for text, lang in ((f"thing {n}", "en"), (f"چیز {n}", "fa"), (f"东西 {n}", "zh-Hans")):
            lines.append(f"{thing} <{LABEL}> {ox.Literal(text, language=lang)} .")
        lines.append(f"{thing} <{KNOWS}> <{SHIPPED_BASE}id/{STEM}0> .")
    return "\n".join(lines).encode()


@pytest.fixture(scope="module")
def servers(example_built, tmp_path_factory) -> Iterator[dict[str, RunningServer]]:
    """Two servers over copies of the same store: the front makes documents (the default)
    in one, only the workers do in the other."""
    work = tmp_path_factory.mktemp("front-render")
    on_store = example_built.copy(work / "on")
    opened = open_store(on_store)
    try:
        opened.load_graph(_data(), graph=GRAPH, format=ox.RdfFormat.N_TRIPLES)
    finally:
        opened.close()
    off_store = shutil.copytree(on_store, work / "off")
    with (
        RunningServer(on_store, work, {"workers": 2}) as on,
        RunningServer(off_store, work, {"workers": 2, "front_documents": "false"}) as off,
    ):
        yield {"on": on, "off": off}


def _stems(count: int, *, start: int = 0) -> list[str]:
    """``count`` entity paths (under ``/id/``) of the test's data."""
    return [f"{STEM}{n}" for n in range(start, start + count)]


def _workers(server: RunningServer) -> list[int]:
    """The server's uWSGI worker processes (not its master, router or front)."""
    mine = []
    for pid in server.processes()[1:]:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"sparql_endpoint.front" in command or b"remote_watch" in command:
            continue
        mine.append(pid)
    return mine


@contextmanager
def _stopped(server: RunningServer) -> Iterator[None]:
    """Every worker of ``server`` and its router stopped (SIGSTOP) for the block."""
    pids = _workers(server)
    assert len(pids) >= 3  # two workers and the router
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


def test_with_every_worker_stopped_the_front_still_makes_a_document(servers):
    on, off = servers["on"], servers["off"]
    stem = _stems(1, start=40)[0]  # asked of neither server before
    with _stopped(on):
        with pytest.raises(requests.Timeout):  # the workers really are stopped
            requests.get(on.url + "/sparql", params={"query": "ASK {}"}, timeout=2)
        made = requests.get(f"{on.url}/doc/{quote(stem)}.ttl", timeout=HTTP_DEADLINE)
        assert made.status_code == 200 and SHIPPED_BASE + "id/" + stem in made.text
        moved = requests.get(f"{on.url}/id/{quote(stem)}", allow_redirects=False, timeout=10)
        assert moved.status_code == 303
    with _stopped(off), pytest.raises(requests.Timeout):  # off: only a worker makes one
        requests.get(f"{off.url}/doc/{quote(stem)}.ttl", timeout=2)
    again = requests.get(f"{off.url}/doc/{quote(stem)}.ttl", timeout=HTTP_DEADLINE)
    assert again.status_code == 200 and _own(off, again.content) == _own(on, made.content)


def test_a_document_is_made_by_the_front_while_the_workers_are_held(servers):
    """A query held by the (stopped) workers for over a second: the front takes documents
    again (it leaves them to the workers while they answer quickly)."""
    on = servers["on"]
    stem = _stems(1, start=41)[0]
    with _stopped(on), socket.create_connection(("127.0.0.1", on.port), timeout=30) as held:
        held.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: h\r\n\r\n")
        time.sleep(1.5)  # past the front's STUCK_SECONDS
        made = requests.get(f"{on.url}/doc/{quote(stem)}.jsonld", timeout=HTTP_DEADLINE)
        assert made.status_code == 200 and stem in made.text


def _asks(stem: str) -> list[tuple[str, str, dict[str, str]]]:
    """Requests (method, target, headers) of every kind the front may take."""
    doc = f"/doc/{quote(stem)}"
    return [
        ("GET", f"{doc}.ttl", {}),
        ("GET", f"{doc}.jsonld", {}),
        ("GET", f"{doc}.nq", {}),
        ("GET", f"{doc}.rdf", {}),
        ("GET", f"{doc}.html?lang=fa", {}),
        ("GET", f"{doc}.html", {"Accept-Language": "zh-CN,zh;q=0.9"}),
        ("GET", doc, {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}),
        ("GET", doc, {"Accept": "text/n3"}),
        ("GET", doc, {"Accept": "image/png"}),  # 406
        ("HEAD", f"{doc}.trig", {}),
        ("GET", f"{doc}.ttl?page=x", {}),  # 400
        ("GET", f"{doc}.ttl?page=2", {}),  # the next page of statements pointing at it
        ("GET", f"{doc}.ttl?page=9999", {}),  # 404 past the last page
        ("GET", f"/id/{quote(stem)}", {"Accept": "application/ld+json"}),  # 303
        ("GET", "/id/no/such/thing", {"Accept": "text/turtle"}),
        ("GET", "/doc/no-such-thing.html", {"Accept": "text/html"}),  # a page in 404
        ("GET", "/doc/%ff%fe.ttl", {}),  # not UTF-8
        ("GET", "/doc/a%00b.ttl", {}),  # a NUL: no valid IRI
        ("GET", "/doc/%3Cscript%3E.html", {"Accept": "text/html"}),
        ("GET", "/doc/" + "x/" * 2000 + "y.ttl", {}),
    ]


def _own(server: RunningServer, body: bytes) -> bytes:
    """``body`` with the server's own address (a document names its own URL) made neutral."""
    return body.replace(server.url.encode(), b"http://server")


def _ask(server: RunningServer, method: str, target: str, headers: dict[str, str]):
    return requests.request(
        method, server.url + target, headers=headers, allow_redirects=False, timeout=60
    )


def test_every_answer_is_the_one_a_worker_gives(servers):
    on, off = servers["on"], servers["off"]
    stem = _stems(1)[0]
    statuses: set[int] = set()
    for method, target, headers in _asks(stem):
        mine, theirs = _ask(on, method, target, headers), _ask(off, method, target, headers)
        said = f"{method} {target[:80]} {headers}"
        assert mine.status_code == theirs.status_code, said
        statuses.add(mine.status_code)
        assert _own(on, mine.content) == _own(off, theirs.content), said
        fields = {k.lower(): v for k, v in mine.headers.items() if k.lower() not in APART}
        others = {k.lower(): v for k, v in theirs.headers.items() if k.lower() not in APART}
        assert fields == others, said
        assert "x-lamcoop-front-cache" not in fields, said
        for name in APART:
            assert (name in mine.headers) == (name in theirs.headers), f"{said}: {name}"
    assert statuses == {200, 303, 400, 404, 406}  # every kind of answer was compared


def test_a_conditional_request_is_answered_304_by_the_front_too(servers):
    on = servers["on"]
    stem = _stems(1, start=1)[0]
    first = requests.get(f"{on.url}/doc/{quote(stem)}.nt", timeout=HTTP_DEADLINE)
    weak = "W/" + first.headers["ETag"]
    with _stopped(on):  # the front's cache, then the front's app, answer without a worker
        again = requests.get(
            f"{on.url}/doc/{quote(stem)}.nt", headers={"If-None-Match": weak}, timeout=10
        )
        assert again.status_code == 304 and again.headers["ETag"] == first.headers["ETag"]
        fresh = requests.get(
            f"{on.url}/doc/{quote(stem)}.ttl",
            headers={"If-None-Match": '"no-such-tag"'},
            timeout=HTTP_DEADLINE,
        )
        assert fresh.status_code == 200 and fresh.headers["ETag"] != first.headers["ETag"]


def _raw(server: RunningServer, head: bytes) -> bytes:
    """The status line the server answers ``head`` with (one request, then the close)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE) as conn:
        conn.sendall(head)
        answer = b""
        while b"\r\n" not in answer and (chunk := conn.recv(65536)):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


def test_odd_heads_get_the_answer_a_worker_gives(servers):
    on, off = servers["on"], servers["off"]
    stem = quote(_stems(1, start=2)[0]).encode()
    doc = b"/doc/" + stem + b".ttl"
    heads = [
        b"GET " + doc + b" HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  # two hosts
        b"GET " + doc + b" HTTP/1.1\r\nHost: a b\r\n\r\n",
        b"GET " + doc + b" HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
        b"GET " + doc + b" HTTP/1.1\r\nHost: h\r\nX\tY: 1\r\nAccept: \xe4\r\n\r\n",
        b"GET "
        + doc
        + b" HTTP/1.1\r\nHost: h\r\nAccept-Language: "
        + b"fa;q=0.1," * 500
        + b"\r\n\r\n",
        b"GET " + doc + b"?page=2&page=x&lang=%ff HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET /doc/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET /doc/x%2Fy.ttl HTTP/1.1\r\nHost: h\r\n\r\n",
        b"GET /doc/ HTTP/1.1\r\nHost: h\r\n\r\n",
        b"HEAD /id/" + stem + b" HTTP/1.1\r\nHost: h\r\nAccept: text/html\r\n\r\n",
    ]
    statuses = set()
    for head in heads:
        mine = _raw(on, head)
        assert mine == _raw(off, head), head[:120]
        statuses.add(mine)
    # lang=%ff is no UTF-8: a 400 naming it (sparql_endpoint.request_encoding), both ways
    expected = {b"HTTP/1.1 200 OK", b"HTTP/1.1 303 SEE OTHER", b"HTTP/1.1 404 NOT FOUND"}
    assert statuses == expected | {b"HTTP/1.1 400 BAD REQUEST"}
    assert requests.get(on.url + "/-/health", timeout=HTTP_DEADLINE).status_code == 200
