"""A remote engine that has gone away while lamcoop serves over it: every request that needs
the store is the store's failure, naming the endpoint and what went wrong (a write's a 502
"the store failed", a read's a 502 or a 503 "the store cannot be read"), never a 500 with
"the error is in the server's log", and no trace reaches the client.

Before the fix, a Graph Store PUT and a SPARQL update answered 500: the remote client's
``StoreError`` reached Flask's last handler. A fresh-clone run of the suite on 2026-12-07
saw one such 500, a Graph Store PUT through a node over Virtuoso while two other writers
ran (``tests/test_many_nodes.py``). An entity document whose worker still held its handle
on the store answered 500 too ("a query of this page failed"), when the read failed rather
than the opening. (The lists are left out: they are made from what the state directory
keeps, and answer without the engine.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.remote_support import OxigraphServer, load_by_command_line
from tests.servers import HTTP_DEADLINE, RunningServer

GRAPH = "urn:x-lamcoop-test:gone"
TOKEN = "gone-token-0123456789"
DATA = '<urn:x-lamcoop-test:s> <http://www.w3.org/2000/01/rdf-schema#label> "gone"@en .\n'
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def gone(tmp_path_factory) -> Iterator[RunningServer]:
    """A server over an Oxigraph server that is stopped once the server is up."""
    root = tmp_path_factory.mktemp("engine-gone")
    engine = OxigraphServer(root / "oxigraph")
    settings: dict[str, object] = {
        "state_dir": root / "state",
        "store_retries": 0,
        "workers": 1,
        "update_token": TOKEN,
    }
    try:
        load_by_command_line(engine.query_url, root, settings, graph=GRAPH, data=DATA)
        with RunningServer(engine.query_url, root, settings) as server:
            # The worker's handle on the store is open (a document read it) when the engine
            # goes; the pages tested below are not in the page cache.
            page = requests.get(server.url + "/doc/institution/warm.ttl", timeout=HTTP_DEADLINE)
            assert page.status_code == 404, page.text[:500]
            engine.stop()
            yield server
    finally:
        engine.stop()


def _failed(answer: requests.Response, *, reading: bool = False) -> None:
    """The store's failure: a write's is a 502 ("the store failed"); a read's a 502 or, when
    the worker cannot open the store at all, a 503 ("the store cannot be read")."""
    said = (answer.status_code, answer.text[:500])
    if reading and answer.status_code == 503:
        assert "the store cannot be read" in answer.text, said
    else:
        assert answer.status_code == 502 and "the store failed" in answer.text, said
    assert "127.0.0.1" in answer.text and "connection refused" in answer.text.lower(), said
    assert "Traceback" not in answer.text


def test_a_graph_store_put_is_the_stores_failure(gone):
    answer = requests.put(
        gone.url + "/graph-store",
        params={"graph": "urn:x-lamcoop-test:new"},
        data=b"<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> <urn:x-lamcoop-test:c> .",
        headers={"Content-Type": "text/turtle", **AUTH},
        timeout=HTTP_DEADLINE,
    )
    _failed(answer)


def test_an_update_is_the_stores_failure(gone):
    answer = requests.post(
        gone.url + "/sparql",
        data={"update": "INSERT DATA { <urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> 1 }"},
        headers=AUTH,
        timeout=HTTP_DEADLINE,
    )
    _failed(answer)


@pytest.mark.parametrize("path", ["/doc/institution/x.ttl", "/doc/institution/x.html"])
def test_a_page_is_the_stores_failure(gone, path):
    _failed(requests.get(gone.url + path, timeout=HTTP_DEADLINE), reading=True)


def test_a_query_is_the_stores_failure(gone):
    answer = requests.post(
        gone.url + "/sparql",
        data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    _failed(answer, reading=True)


@pytest.mark.parametrize(
    ("lang", "words"), [("fa", "پایگاه داده خطا داد"), ("zh-Hans", "存储库出错")]
)
def test_a_readers_page_says_it_in_the_readers_language(gone, lang, words):
    """A write from a browser (its page, always a 502: a read may be a 503 when the
    process answering it opens the store then)."""
    answer = requests.post(
        gone.url + "/sparql",
        params={"lang": lang},
        data={"update": "INSERT DATA { <urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> 2 }"},
        headers={"Accept": "text/html", **AUTH},
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code == 502 and words in answer.text, answer.text[:2000]
    assert f'lang="{lang}"' in answer.text and "connection refused" in answer.text.lower()
