"""The SPARQL 1.1 Protocol: methods, dataset, formats, errors (Flask's test client over the
session's example store; the real server's part is in test_endpoint_server.py)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from werkzeug.test import TestResponse

from tests.conftest import EX, service_client

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MAX_ROWS = 50


@pytest.fixture(scope="module")
def client(example_reader):
    with service_client(example_reader, max_rows=MAX_ROWS, max_body_bytes=20000) as opened:
        yield opened


@pytest.fixture(scope="module")
def counts(example_built) -> dict[str, int]:
    return example_built.counts


def sparql(client, params=None, **kwargs) -> TestResponse:
    return client.get("/sparql", query_string=params, **kwargs)


def count_of(response: TestResponse) -> int:
    assert response.status_code == 200, response.text
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def test_serve_prints_the_url(http_server):
    assert f"http://127.0.0.1:{http_server.port}/sparql" in http_server.output()


def test_get_post_form_and_direct_post_agree_with_the_store(client, counts):
    total = sum(counts.values())
    assert count_of(sparql(client, params={"query": COUNT})) == total
    form = client.post("/sparql", data={"query": COUNT})
    assert count_of(form) == total
    direct = client.post(
        "/sparql", data=COUNT.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert count_of(direct) == total


def test_default_graph_is_the_union_and_the_dataset_can_be_chosen(client, counts):
    g1, g2 = counts[EX + "g1"], counts[EX + "g2"]
    assert count_of(sparql(client, params={"query": COUNT})) == g1 + g2
    only_g2 = sparql(client, params={"query": COUNT, "default-graph-uri": EX + "g2"})
    assert count_of(only_g2) == g2
    from_g1 = f"SELECT (COUNT(*) AS ?n) FROM <{EX}g1> WHERE {{ ?s ?p ?o }}"
    assert count_of(sparql(client, params={"query": from_g1})) == g1
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    params = {"query": named, "named-graph-uri": EX + "g2", "default-graph-uri": EX + "g1"}
    assert count_of(sparql(client, params=params)) == g2


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "application/sparql-results+json"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_results_follow_accept_with_q_values(client, counts, accept, expected):
    response = sparql(client, params={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]
    fmt = ox.QueryResultsFormat.from_media_type(expected)
    if fmt != ox.QueryResultsFormat.CSV:
        rows = list(ox.parse_query_results(response.data, format=fmt))
        assert int(rows[0]["n"].value) == sum(counts.values())


def test_format_parameter_wins_over_accept(client):
    response = sparql(client, params={"query": COUNT, "format": "tsv"}, headers={"Accept": "x/y"})
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    assert response.text.splitlines()[0] == "?n"


def test_nothing_acceptable_is_406_naming_what_is_served(client):
    response = sparql(client, params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert "Accept" in response.headers["Vary"]
    wrong = sparql(
        client, params={"query": COUNT, "format": "turtle"}, headers={"Accept": "text/turtle"}
    )
    assert wrong.status_code == 406


@pytest.mark.parametrize(
    "media",
    [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-quads",
        "application/trig",
    ],
)
def test_construct_in_every_graph_format(client, media):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EX}g2> {{ ?s ?p ?o }} }}"
    response = sparql(client, params={"query": query}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media
    quads = list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media)))
    assert {(q.subject.value, q.object.value) for q in quads} == {
        (EX + "a", EX + "b"),
        (EX + "b", EX + "c"),
    }


def test_ask_and_describe(client):
    ask = sparql(client, params={"query": f"ASK {{ <{EX}a> <{EX}knows> <{EX}b> }}"})
    assert ask.get_json()["boolean"] is True
    describe = sparql(
        client, params={"query": f"DESCRIBE <{EX}thing/3>"}, headers={"Accept": "text/turtle"}
    )
    triples = list(ox.parse(describe.data, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 3


def test_row_cap_is_signalled(client):
    rows = "SELECT ?s WHERE { ?s a ?type }"
    capped = sparql(client, params={"query": rows})
    assert capped.headers["X-Lamcoop-Truncated"] == "true"
    assert capped.headers["X-Lamcoop-Row-Limit"] == str(MAX_ROWS)
    assert len(capped.get_json()["results"]["bindings"]) == MAX_ROWS
    small = sparql(client, params={"query": rows + " LIMIT 7"})
    assert "X-Lamcoop-Truncated" not in small.headers
    assert len(small.get_json()["results"]["bindings"]) == 7


def test_syntax_error_is_400_with_the_parser_position(client):
    response = sparql(client, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "1:" in response.text and "syntax" in response.text
    assert "<html" not in response.text.lower()


def test_caller_mistakes_are_4xx_with_short_text(client):
    url = "/sparql"
    cases = [
        client.post(url, data=b"x", headers={"Content-Type": "text/plain"}),
        client.post(url, data={"query": COUNT, "update": "CLEAR ALL"}),
        client.get(url, query_string=[("query", COUNT), ("query", COUNT)]),
        client.get(url, query_string={"update": "CLEAR ALL"}),
        client.get(url, query_string={"query": "CLEAR ALL"}),
        client.delete(url),
        client.post(url, data=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}),
    ]
    assert [r.status_code for r in cases] == [415, 400, 400, 400, 400, 405, 400]
    for response in cases:
        assert response.headers["Content-Type"].startswith("text/plain")
        assert len(response.text) < 500


def test_body_over_the_limit_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30000
    direct = client.post(
        "/sparql", data=big.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert direct.status_code == 413
    form = client.post("/sparql", data={"query": big})
    assert form.status_code == 413


def test_cors_on_reads(client):
    response = sparql(client, params={"query": COUNT}, headers={"Origin": "https://x.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Lamcoop-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://x.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_json_results_are_pyoxigraphs_serialisation(client):
    query = f"SELECT ?l WHERE {{ <{EX}thing/5> <{EX}label> ?l }}"
    body = sparql(client, params={"query": query}).data
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode(EX + "thing/5"),
            ox.NamedNode(EX + "label"),
            ox.Literal("thing 5", language="en"),
        )
    )
    assert json.loads(body) == json.loads(
        store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
    )


def test_relative_iris_resolve_against_each_requests_own_url(client):
    """The base IRI is kept per host and path: a second Host gets its own, not the first."""
    query = "SELECT ?i WHERE { BIND(<thing/1> AS ?i) }"
    for host in ("127.0.0.1:8080", "lamcoop.example", "127.0.0.1:8080"):
        response = sparql(client, params={"query": query}, headers={"Host": host})
        assert response.status_code == 200, response.text
        iri = response.get_json()["results"]["bindings"][0]["i"]["value"]
        assert iri == f"http://{host}/thing/1"


def test_each_accept_header_gets_its_own_format_when_headers_alternate(client):
    """The choice kept for one Accept header is never served to another."""
    wanted = [
        ("text/csv", "text/csv"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/csv;q=0.2, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("image/png", None),
    ]
    for accept, media in wanted * 2:
        response = sparql(client, params={"query": COUNT}, headers={"Accept": accept})
        if media is None:
            assert response.status_code == 406
        else:
            assert response.status_code == 200, response.text
            assert response.headers["Content-Type"].split(";")[0] == media
