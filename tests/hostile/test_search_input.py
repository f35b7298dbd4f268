"""Hostile input to search, suggestions and the kind lists: empty, 10 KB, control
characters, regular-expression and full-text-query syntax, forged page keys and absurd
sizes. Each is answered 200 or 400 naming the parameter, never 5xx, and the store is the
same before and after (the index is read-only to these pages)."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from graph_loader import index
from graph_loader.store import Store, open_store
from tests.conftest import service_client
from tests.hostile.conftest import store_state

EX = "http://example.org/x-lamcoop-test/"
GRAPH = "urn:x-lamcoop-test:hostile-search"

HOSTILE_Q = [
    "",
    " ",
    "x" * 10_000,
    "\x00\x01\x02\x1b[31m",
    "a\x00b",
    ".*(",
    "[a-z]+$^",
    '"',
    '"unclosed',
    "NEAR(a b)",
    "a OR b NOT c",
    "col:abc",
    "abc*",
    "%_%",
    "\\",
    "'; DROP TABLE term; --",
    "\u202e\u200f\u200c",
    "\ud7ff\ufffd",
    "图",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[Store]:
    """A store with a few labelled libraries, indexed as a load would."""
    opened = open_store(tmp_path_factory.mktemp("hostile-search") / "store")
    lamc = "https://w3id.org/lamcoop/ontology#"
    ttl = "".join(
        f"<{EX}lib{i}> a <{lamc}Institution> ; <http://www.w3.org/2000/01/rdf-schema#label> "
        f'"Library {i} .*( \\"quoted\\""@en .\n'
        for i in range(30)
    )
    opened.load_graph(ttl.encode(), graph=GRAPH, format=ox.RdfFormat.TURTLE)
    index.refresh(opened, [GRAPH], base_iri="https://w3id.org/lamcoop/")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def client(store):
    with service_client(store) as c:
        yield c


@pytest.mark.parametrize("q", HOSTILE_Q, ids=range(len(HOSTILE_Q)))
@pytest.mark.parametrize("path", ["/search", "/search/complete"])
def test_hostile_queries_are_answered_200_or_400(client, store, path, q):
    before = store_state(store)
    for params in ({"q": q}, {"q": q, "format": "json"}):
        r = client.get(path, query_string=params)
        assert r.status_code in (200, 400), (q, r.status_code, r.text[:300])
        if r.status_code == 400:
            assert "q is longer than" in r.text
        assert "Traceback" not in r.text and "sqlite" not in r.text.lower()
    assert store_state(store) == before


def test_quotes_and_regex_characters_are_text(client):
    found = client.get("/search", query_string={"q": '.*( "quoted"', "format": "json"})
    assert found.status_code == 200
    assert found.get_json()["total"] == 30


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/search", {"q": "library", "page": "0"}, "page"),
        ("/search", {"q": "library", "page": "-1"}, "page"),
        ("/search", {"q": "library", "page": "9" * 40}, "page"),
        ("/search", {"q": "library", "type": "<script>"}, "type"),
        ("/list/institutions", {"after": "not-a-key"}, "after="),
        ("/list/institutions", {"after": "W1td"}, "after="),  # base64 of [[]
        ("/list/institutions", {"after": "\x00"}, "after="),
        ("/list/institutions", {"size": "0"}, "size"),
        ("/list/institutions", {"size": "1e9"}, "size"),
        ("/list/institutions", {"size": "501"}, "size"),
        # one reading of page= and size= for every page: no other script's digits, no
        # number too long to read (5,000 digits made int() fail: a 500)
        ("/search", {"q": "library", "page": "٣"}, "page"),
        ("/search", {"q": "library", "page": "9" * 5000}, "page"),
        ("/list/institutions", {"size": "۵"}, "size"),
        ("/list/institutions", {"size": "9" * 5000}, "size"),
    ],
)
def test_bad_parameters_are_400_naming_them(client, store, path, params, named):
    before = store_state(store)
    r = client.get(path, query_string=params)
    assert r.status_code == 400, r.text
    assert named in r.text
    assert store_state(store) == before


def test_a_forged_but_well_formed_key_just_pages(client, store):
    from sparql_endpoint.linked_data.summary_reader import encode_key

    before = store_state(store)
    r = client.get(
        "/list/institutions",
        query_string={"after": encode_key(("\U0010ffff", "")), "format": "json"},
    )
    assert r.status_code == 200 and r.get_json()["items"] == []
    assert store_state(store) == before


@pytest.mark.parametrize(
    "call",
    [
        "text:score(1, 2)",
        "text:score(?x)",
        "text:score(?x, ?x, ?x)",
        'text:matches("a")',
        'text:matches(<http://ex.org/>, "a")',
        'text:score(?x, "")',
        'text:score(?x, "\\u0000\\"*")',
        'text:matches("x", "' + "y" * 10_000 + '")',
    ],
)
def test_the_sparql_text_functions_with_odd_arguments_are_never_a_500(client, store, call):
    before = store_state(store)
    query = (
        "PREFIX text: <https://w3id.org/lamcoop/text#> "
        f"SELECT ?v WHERE {{ ?x a ?t . BIND({call} AS ?v) }} LIMIT 3"
    )
    r = client.get(
        "/sparql",
        query_string={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code in (200, 400), r.text
    if r.status_code == 200:
        assert all("v" not in row or row["v"]["value"] in ("false", "true") for row in
                   r.get_json()["results"]["bindings"])  # fmt: skip
    assert store_state(store) == before
