"""The system and dataset surfaces on a real server built from the dataset of record:
``lamcoop serve`` building an empty store, health, metrics, OpenAPI, VoID, the editor."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import requests

from sparql_endpoint.app import close_app, create_app
from sparql_endpoint.examples import EXAMPLES
from sparql_endpoint.yasgui import installed
from tests.conftest import RunningServer

VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("system")
    with RunningServer(workdir / "store", workdir, {"workers": 1}, ready_timeout=600) as running:
        yield running


@pytest.mark.slow
def test_serve_builds_an_empty_store_first(server):
    log = server.output()
    assert "is empty: building it first" in log
    assert "void:" in log
    assert f"http://127.0.0.1:{server.port}/sparql" in log


def test_health(server):
    body = requests.get(server.url + "/-/health", timeout=30).json()
    assert body["status"] == "ok" and body["store"] == "reachable"
    assert body["graphs"] >= 3
    assert isinstance(body["data_version"], int)


def test_metrics_count_requests_by_route_and_status(server):
    requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=30)
    requests.get(server.url + "/sparql", params={"query": "ASK {"}, timeout=30)
    text = requests.get(server.url + "/-/metrics", timeout=30).text
    assert 'lamcoop_http_requests_total{route="/sparql",status="200"}' in text
    assert 'lamcoop_http_requests_total{route="/sparql",status="400"}' in text
    assert "lamcoop_query_duration_seconds_count" in text
    assert "lamcoop_query_timeouts_total 0" in text


def test_openapi_describes_every_route(server, tmp_path):
    document = requests.get(server.url + "/openapi.json", timeout=30).json()
    assert document["openapi"].startswith("3.")
    app = create_app(store=ox_store())
    try:
        rules = {r.rule for r in app.url_map.iter_rules() if r.endpoint != "static"}
    finally:
        close_app(app)
    paths = {p.replace("{", "<").replace("}", ">") for p in document["paths"]}
    normalised = {_strip_converters(r) for r in rules}
    assert normalised <= paths
    assert "post" in document["paths"]["/sparql"] and "put" in document["paths"]["/graph-store"]


def _strip_converters(rule: str) -> str:
    import re

    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule)


def ox_store():
    from graph_loader.store import open_store

    return open_store(None)


def test_void_describes_the_graphs_the_store_holds(server):
    response = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    counts = {
        t.subject.value: int(t.object.value)
        for t in triples
        if t.predicate.value == VOID + "triples"
    }
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = requests.get(server.url + "/sparql", params={"query": query}, timeout=60).json()
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


def test_editor_page_is_served_with_its_own_files(server):
    page = requests.get(server.url + "/sparql", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "lamcoop SPARQL" in page.text
    assert EXAMPLES[0].name in page.text
    if not installed():
        pytest.skip("YASGUI is not installed (run make yasgui); the plain form was served")
    assert "/-/static/yasgui/yasgui.min.js" in page.text
    script = requests.get(server.url + "/-/static/yasgui/yasgui.min.js", timeout=30)
    assert script.status_code == 200 and len(script.content) > 100_000
    assert "cdn" not in page.text.lower()


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name[:40])
def test_example_queries_answer_on_the_dataset_of_record(server, example):
    response = requests.get(server.url + "/sparql", params={"query": example.query}, timeout=60)
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    assert rows, f"the example {example.name!r} finds nothing in the dataset of record"


def test_serve_get_self_check(server, lamcoop):
    result = lamcoop("--store", str(server.store), "serve", "--get", "/-/health", "--workers", "1")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["status"] == "ok"
    missing = lamcoop("--store", str(server.store), "serve", "--get", "/nothing-here")
    assert missing.returncode == 1
