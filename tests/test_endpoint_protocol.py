"""The SPARQL 1.1 Protocol on a real ``lamcoop serve``: methods, dataset, formats, errors."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import requests

from tests.conftest import EX, RunningServer, example_store

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
MAX_ROWS = 50


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("protocol")
    counts = example_store(workdir / "store")
    with RunningServer(
        workdir / "store", workdir, {"max_rows": MAX_ROWS, "max_body_bytes": 20000}
    ) as running:
        running.counts = counts
        yield running


def sparql(server, **kwargs) -> requests.Response:
    return requests.get(server.url + "/sparql", timeout=30, **kwargs)


def count_of(response: requests.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_serve_prints_the_url(server):
    assert f"http://127.0.0.1:{server.port}/sparql" in server.output()


def test_get_post_form_and_direct_post_agree_with_the_store(server):
    total = sum(server.counts.values())
    assert count_of(sparql(server, params={"query": COUNT})) == total
    form = requests.post(server.url + "/sparql", data={"query": COUNT}, timeout=30)
    assert count_of(form) == total
    direct = requests.post(
        server.url + "/sparql",
        data=COUNT.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert count_of(direct) == total


def test_default_graph_is_the_union_and_the_dataset_can_be_chosen(server):
    g1, g2 = server.counts[EX + "g1"], server.counts[EX + "g2"]
    assert count_of(sparql(server, params={"query": COUNT})) == g1 + g2
    only_g2 = sparql(server, params={"query": COUNT, "default-graph-uri": EX + "g2"})
    assert count_of(only_g2) == g2
    from_g1 = f"SELECT (COUNT(*) AS ?n) FROM <{EX}g1> WHERE {{ ?s ?p ?o }}"
    assert count_of(sparql(server, params={"query": from_g1})) == g1
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    params = {"query": named, "named-graph-uri": EX + "g2", "default-graph-uri": EX + "g1"}
    assert count_of(sparql(server, params=params)) == g2


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
def test_select_results_follow_accept_with_q_values(server, accept, expected):
    response = sparql(server, params={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in response.headers["Vary"]
    fmt = ox.QueryResultsFormat.from_media_type(expected)
    if fmt != ox.QueryResultsFormat.CSV:
        rows = list(ox.parse_query_results(response.content, format=fmt))
        assert int(rows[0]["n"].value) == sum(server.counts.values())


def test_format_parameter_wins_over_accept(server):
    response = sparql(server, params={"query": COUNT, "format": "tsv"}, headers={"Accept": "x/y"})
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    assert response.text.splitlines()[0] == "?n"


def test_nothing_acceptable_is_406_naming_what_is_served(server):
    response = sparql(server, params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert "Accept" in response.headers["Vary"]
    wrong = sparql(
        server, params={"query": COUNT, "format": "turtle"}, headers={"Accept": "text/turtle"}
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
def test_construct_in_every_graph_format(server, media):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EX}g2> {{ ?s ?p ?o }} }}"
    response = sparql(server, params={"query": query}, headers={"Accept": media})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].split(";")[0] == media
    quads = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media)))
    assert {(q.subject.value, q.object.value) for q in quads} == {
        (EX + "a", EX + "b"),
        (EX + "b", EX + "c"),
    }


def test_ask_and_describe(server):
    ask = sparql(server, params={"query": f"ASK {{ <{EX}a> <{EX}knows> <{EX}b> }}"})
    assert ask.json()["boolean"] is True
    describe = sparql(
        server, params={"query": f"DESCRIBE <{EX}thing/3>"}, headers={"Accept": "text/turtle"}
    )
    triples = list(ox.parse(describe.content, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 3


def test_row_cap_is_signalled(server):
    rows = "SELECT ?s WHERE { ?s a ?type }"
    capped = sparql(server, params={"query": rows})
    assert capped.headers["X-Lamcoop-Truncated"] == "true"
    assert capped.headers["X-Lamcoop-Row-Limit"] == str(MAX_ROWS)
    assert len(capped.json()["results"]["bindings"]) == MAX_ROWS
    small = sparql(server, params={"query": rows + " LIMIT 7"})
    assert "X-Lamcoop-Truncated" not in small.headers
    assert len(small.json()["results"]["bindings"]) == 7


def test_syntax_error_is_400_with_the_parser_position(server):
    response = sparql(server, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "1:" in response.text and "syntax" in response.text
    assert "<html" not in response.text.lower()


def test_caller_mistakes_are_4xx_with_short_text(server):
    url = server.url + "/sparql"
    cases = [
        requests.post(url, data=b"x", headers={"Content-Type": "text/plain"}, timeout=30),
        requests.post(url, data={"query": COUNT, "update": "CLEAR ALL"}, timeout=30),
        requests.get(url, params=[("query", COUNT), ("query", COUNT)], timeout=30),
        requests.get(url, params={"update": "CLEAR ALL"}, timeout=30),
        requests.get(url, params={"query": "CLEAR ALL"}, timeout=30),
        requests.delete(url, timeout=30),
        requests.post(
            url,
            data=b"\xff\xfe",
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        ),
    ]
    assert [r.status_code for r in cases] == [415, 400, 400, 400, 400, 405, 400]
    for response in cases:
        assert response.headers["Content-Type"].startswith("text/plain")
        assert len(response.text) < 500


def test_body_over_the_limit_is_413(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30000
    direct = requests.post(
        server.url + "/sparql",
        data=big.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert direct.status_code == 413
    form = requests.post(server.url + "/sparql", data={"query": big}, timeout=30)
    assert form.status_code == 413


def test_cors_on_reads(server):
    response = sparql(server, params={"query": COUNT}, headers={"Origin": "https://x.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Lamcoop-Truncated" in response.headers["Access-Control-Expose-Headers"]
    preflight = requests.options(
        server.url + "/sparql",
        headers={
            "Origin": "https://x.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_json_results_are_pyoxigraphs_serialisation(server):
    query = f"SELECT ?l WHERE {{ <{EX}thing/5> <{EX}label> ?l }}"
    body = sparql(server, params={"query": query}).content
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


def test_relative_iris_resolve_against_each_requests_own_url(server):
    """The base IRI is kept per host and path: a second Host gets its own, not the first."""
    query = "SELECT ?i WHERE { BIND(<thing/1> AS ?i) }"
    for host in (f"127.0.0.1:{server.port}", "lamcoop.example", f"127.0.0.1:{server.port}"):
        response = sparql(server, params={"query": query}, headers={"Host": host})
        assert response.status_code == 200, response.text
        iri = response.json()["results"]["bindings"][0]["i"]["value"]
        assert iri == f"http://{host}/thing/1"


def test_each_accept_header_gets_its_own_format_when_headers_alternate(server):
    """The choice kept for one Accept header is never served to another."""
    wanted = [
        ("text/csv", "text/csv"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("text/csv;q=0.2, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("image/png", None),
    ]
    for accept, media in wanted * 2:
        response = sparql(server, params={"query": COUNT}, headers={"Accept": accept})
        if media is None:
            assert response.status_code == 406
        else:
            assert response.status_code == 200, response.text
            assert response.headers["Content-Type"].split(";")[0] == media
