"""The system and dataset surfaces over the dataset of record (Flask's test client on the
session's dataset store): health, metrics, OpenAPI, VoID, the editor, the example queries;
and ``lamcoop serve`` itself building an empty store first and answering ``--get``."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from sparql_endpoint.examples import EXAMPLES, READER
from sparql_endpoint.openapi import undeclared_routes
from sparql_endpoint.yasgui import installed
from tests.conftest import service_client

VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def client(dataset_reader):
    with service_client(dataset_reader) as opened:
        yield opened


@pytest.mark.slow
def test_serve_builds_an_empty_store_first(lamcoop, tmp_path):
    served = lamcoop("--store", str(tmp_path / "empty"), "serve", "--get", "/-/health")
    assert served.returncode == 0, served.stderr.decode()[-2000:]
    log = served.stdout.decode()
    assert "is empty: building it first" in log
    assert "void:" in log
    health = json.loads(log.splitlines()[-1])
    assert health["status"] == "ok" and health["graphs"] >= 3


def test_health(client):
    body = client.get("/-/health").get_json()
    assert body["status"] == "ok" and body["store"] == "reachable"
    assert body["graphs"] >= 3
    assert isinstance(body["data_version"], int)
    assert "remote_watch" not in body  # only over a remote store (tests/test_remote_watch.py)


def test_metrics_count_requests_by_route_and_status(client):
    client.get("/sparql", query_string={"query": "ASK {}"})
    client.get("/sparql", query_string={"query": "ASK {"})
    text = client.get("/-/metrics").text
    assert 'lamcoop_http_requests_total{route="/sparql",status="200"}' in text
    assert 'lamcoop_http_requests_total{route="/sparql",status="400"}' in text
    assert "lamcoop_query_duration_seconds_count" in text
    assert "lamcoop_query_timeouts_total 0" in text


def test_openapi_describes_every_route(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert undeclared_routes(client.application) == []
    paths = {p.replace("{", "<").replace("}", ">") for p in document["paths"]}
    for rule in client.application.url_map.iter_rules():
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)
        assert path in paths, rule.rule
        declared = document["paths"][path.replace("<", "{").replace(">", "}")]
        assert {m.lower() for m in rule.methods or ()} - {"options"} <= set(declared), rule


def test_openapi_declares_the_bearer_token_on_every_write(client):
    document = client.get("/openapi.json").get_json()
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    writes = [("/graph-store", "put"), ("/graph-store", "post"), ("/graph-store", "delete")]
    for path, method in writes:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"bearerAuth": []}]
        assert {"401", "403", "503"} <= set(operation["responses"])
        expected = {"404"} if method == "delete" else {"201", "204", "413", "415"}
        assert expected <= set(operation["responses"])
    sparql_post = document["paths"]["/sparql"]["post"]
    assert sparql_post["security"] == [{}, {"bearerAuth": []}]  # queries anonymous, updates not
    assert "security" not in document["paths"]["/sparql"]["get"]


def test_openapi_declares_statuses_parameters_and_media_types(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    query = paths["/sparql"]["get"]
    assert {"200", "400", "406", "414", "431", "503"} <= set(query["responses"])
    assert "application/sparql-results+json" in query["responses"]["200"]["content"]
    assert "text/turtle" in query["responses"]["200"]["content"]
    assert query["responses"]["400"]["content"] == {
        t: {"schema": {"type": "string"}} for t in ("text/plain", "text/html")
    }  # one line of text, or a page for a browser
    names = {p["name"] for p in query["parameters"]}
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= names
    post = paths["/sparql"]["post"]
    assert {"application/sparql-query", "application/sparql-update"} <= set(
        post["requestBody"]["content"]
    )
    assert {"204", "413", "415"} <= set(post["responses"])
    assert "303" in paths["/id/{rest}"]["get"]["responses"]
    assert {"206", "304", "416"} <= set(paths["/dumps/{name}"]["get"]["responses"])
    page = next(p for p in paths["/doc/{rest}"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["type"] == "integer" and page["schema"]["minimum"] == 1


def test_void_describes_the_graphs_the_store_holds(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
    counts = {
        t.subject.value: int(t.object.value)
        for t in triples
        if t.predicate.value == VOID + "triples"
    }
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = client.get("/sparql", query_string={"query": query}).get_json()
    in_store = {r["g"]["value"]: int(r["n"]["value"]) for r in rows["results"]["bindings"]}
    for graph, count in in_store.items():
        if not graph.endswith("/graph/void"):
            assert counts[graph] == count
    predicates = {t.predicate.value for t in triples}
    assert {
        VOID + "classPartition",
        VOID + "propertyPartition",
        VOID + "sparqlEndpoint",
    } <= predicates


def test_editor_page_is_served_with_its_own_files(client):
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "lamcoop SPARQL" in page.text
    assert EXAMPLES[0].name in page.text
    if not installed():
        pytest.skip("YASGUI is not installed (run make yasgui); the plain form was served")
    assert "/-/static/yasgui/yasgui.min.js" in page.text
    script = client.get("/-/static/yasgui/yasgui.min.js")
    assert script.status_code == 200 and len(script.data) > 100_000
    assert "cdn" not in page.text.lower()


@pytest.mark.parametrize("lang", ["en", "fa", "zh-Hans"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name[:40])
def test_example_queries_answer_on_the_dataset_of_record(client, example, lang):
    """Each example finds something in every reader's language, and gives it labels in
    that language where it asks for the reader's."""
    response = client.get("/sparql", query_string={"query": example.query_in(lang)})
    assert response.status_code == 200, response.text
    rows = response.get_json()["results"]["bindings"]
    assert rows, f"the example {example.name!r} finds nothing in the dataset of record"
    if READER in example.text:
        tags = {v["xml:lang"].lower() for r in rows for v in r.values() if "xml:lang" in v}
        assert tags == {lang.lower()}, (example.name, tags)


def test_the_editor_offers_the_examples_in_the_readers_language(client):
    page = client.get("/sparql?lang=fa&editor=form", headers={"Accept": "text/html"})
    assert "langMatches(LANG(?label), &#34;fa&#34;)" in page.text
    assert "&#34;READER&#34;" not in page.text and "READER" not in page.text


def test_serve_get_self_check(dataset_store, lamcoop):
    store = str(dataset_store.path)
    result = lamcoop("--store", store, "serve", "--get", "/-/health", "--workers", "1")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["status"] == "ok"
    missing = lamcoop("--store", store, "serve", "--get", "/nothing-here")
    assert missing.returncode == 1
