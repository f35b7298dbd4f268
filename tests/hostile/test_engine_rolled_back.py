"""An engine that rolls a request's transaction back: Virtuoso answers 500 ``Virtuoso 40001
Error SR172: Transaction deadlocked`` when writers meet (every write bumps the one data
version) and its own tries run out. Nothing of the request stays, so lamcoop sends the same
request again, a few times, before it gives up with a ``StoreError`` naming the endpoint and
Virtuoso's words (a 502 to the client); a refusal (another SQL state) is never sent again.

Before: the deadlock was the engine's failure at once, and the write a 500 ("the server
failed"); a fresh-clone run of the many-nodes test met it over Virtuoso. The engine here is a
small HTTP server on 127.0.0.1 that answers as Virtuoso does, since a real deadlock cannot
be made to happen on demand; the real Virtuoso's answers are the ones
``tests/hostile/test_virtuoso_refusals.py`` and the many-nodes test meet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from graph_loader.store import StoreError
from graph_loader.store.engine_errors import ROLLED_BACK_RETRIES, StoreRefused
from graph_loader.store.remote_http import Endpoints, RemoteClient

DEADLOCK = b"Virtuoso 40001 Error SR172: Transaction deadlocked\n"
REFUSAL = b"Virtuoso 22012 Error SR084: Division by 0.\n"


class _Engine:
    """What the fake Virtuoso answers: ``failures`` times ``body`` with a 500, then 200."""

    def __init__(self) -> None:
        self.failures = 0
        self.body = DEADLOCK
        self.updates: list[bytes] = []


@pytest.fixture
def engine() -> Iterator[tuple[_Engine, str]]:
    state = _Engine()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.updates.append(self.rfile.read(length))
            if len(state.updates) <= state.failures:
                self.send_response(500)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def _client(url: str) -> RemoteClient:
    endpoints = Endpoints.for_engine(url, engine="virtuoso", user="dba", password="dba")
    return RemoteClient(endpoints, timeout=10, retries=0)


UPDATE = "INSERT DATA { GRAPH <urn:x-lamcoop-test:g> { <urn:x:s> <urn:x:p> 1 } }"


def test_an_update_deadlocked_twice_is_sent_again_until_it_is_kept(engine):
    state, url = engine
    state.failures = 2
    _client(url).update(UPDATE)
    assert len(state.updates) == 3
    assert len(set(state.updates)) == 1  # the same request each time


def test_an_update_that_stays_deadlocked_fails_naming_the_endpoint_and_the_words(engine):
    state, url = engine
    state.failures = 100
    with pytest.raises(StoreError) as failed:
        _client(url).update(UPDATE)
    assert not isinstance(failed.value, StoreRefused)
    assert "sparql-auth" in str(failed.value) and "SR172" in str(failed.value)
    assert len(state.updates) == 1 + ROLLED_BACK_RETRIES


def test_a_refusal_is_not_sent_again(engine):
    state, url = engine
    state.failures, state.body = 100, REFUSAL
    with pytest.raises(StoreRefused):
        _client(url).update(UPDATE)
    assert len(state.updates) == 1


@pytest.mark.parametrize("streamed", [False, True], ids=["bytes", "spooled"])
def test_a_graph_store_upload_deadlocked_is_sent_again_whole(engine, streamed):
    state, url = engine
    state.failures = 2
    data = b"<urn:x:s> <urn:x:p> <urn:x:o> .\n" * 1000
    body = iter([data[:10_000], data[10_000:]]) if streamed else data
    _client(url).post_graph("urn:x-lamcoop-test:g", body, "application/n-triples")
    assert state.updates == [data] * 3
