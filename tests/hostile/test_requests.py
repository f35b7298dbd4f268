"""Hostile requests: paths that are no IRI, absurd page numbers, and request bodies sent in
chunks. Each is answered 4xx naming the problem (never a 500, never internal query text)
and leaves the store as it was. Chunked bodies go to a real server (uWSGI's router and
workers are what read them), and in process with uWSGI's chunked reader stood in for."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
import requests

from graph_loader.store import Store, open_store
from tests.conftest import service_client
from tests.hostile.conftest import store_state
from tests.hostile.request_support import (
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

#: Paths whose characters no IRI may hold, percent-encoded as a client sends them: the IRI
#: as sent (``{base}id/a%20b``) is a valid one, known to nothing (``entity_paths``): 404,
#: naming it. Decoded, they made no IRI, and were a 400 before the IRI as sent was tried.
ENCODED_PATHS = [
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
#: The same characters sent raw, as a client that does not encode them sends them: no valid
#: IRI as sent nor as decoded, so a 400 naming the problem.
RAW_PATHS = [
    "/id/a<b>",
    "/id/x{y}",
    '/id/a"b',
    "/id/a\\b",
    "/id/a^b",
    "/id/a`b",
    "/id/a|b",
    "/doc/x{y}.jsonld",
    "/doc/institution/calis<.nt",
]


@pytest.mark.parametrize("path", ENCODED_PATHS)
def test_a_path_encoding_what_no_iri_holds_is_404_naming_it(client, store, path):
    before = store_state(store)
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404, _text(response)
    assert response.mimetype == "text/plain"
    assert f"nothing is known about <{BASE}" in _text(response)
    assert "\x00" not in _text(response) and "\t" not in _text(response)
    assert store_state(store) == before


@pytest.mark.parametrize("path", RAW_PATHS)
def test_a_path_that_makes_no_iri_is_400_naming_it(client, store, path):
    before = store_state(store)
    raw = {"REQUEST_URI": path}  # the target as the client sent it
    response = client.get(path, headers={"Accept": "text/turtle"}, environ_overrides=raw)
    assert response.status_code == 400, _text(response)
    assert response.mimetype == "text/plain"
    assert "does not name a valid IRI" in _text(response)
    assert store_state(store) == before


@pytest.mark.parametrize("path", ENCODED_PATHS[:4] + RAW_PATHS)
def test_a_real_server_answers_a_path_that_makes_no_iri_with_4xx(http_server, path):
    before = served_state(http_server)
    connection = http.client.HTTPConnection("127.0.0.1", http_server.port, timeout=HTTP_DEADLINE)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        text = response.read().decode("utf-8")
    finally:
        connection.close()
    assert response.status == (400 if path in RAW_PATHS else 404), text
    said = "does not name a valid IRI" if path in RAW_PATHS else "nothing is known about"
    assert said in text
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


class BrokenDescriptions:
    """The real store, whose descriptions are asked with a query its engine rejects (the
    engine's message quotes the query)."""

    def __init__(self, store: Store):
        self._store = store

    def describe_entity(self, iri: str, **_kwargs: object) -> object:
        return self._store.query("SELEC ?e WHERE { ?e ?p ?o }")

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def test_a_page_query_that_fails_shows_no_query_text(client, store):
    before = store_state(store)
    with service_client(BrokenDescriptions(store)) as fresh:  # no document made yet
        response = fresh.get("/doc/institution/calis.ttl")
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
