"""Updates and the Graph Store protocol on a real server: the token, the writes, VoID after."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from tests.conftest import EX, RunningServer, example_store

TOKEN = "s3cret-token"
BASE = "https://w3id.org/lamcoop/"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("writes")
    example_store(workdir / "store", things=20)
    with RunningServer(workdir / "store", workdir, {"update_token": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def read_only(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("read-only")
    example_store(workdir / "store", things=5)
    with RunningServer(workdir / "store", workdir, {"workers": 1}) as running:
        yield running


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def update(server, text: str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update", **(headers or {})},
        timeout=60,
    )


def ask(server, query: str) -> bool:
    response = requests.get(server.url + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def graph_store(server, method: str, graph: str | None, **kwargs) -> requests.Response:
    params = {"graph": graph} if graph else {"default": ""}
    return requests.request(
        method, server.url + "/graph-store", params=params, timeout=60, **kwargs
    )


def test_update_needs_the_token(server):
    insert = f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}x> <{EX}y> 1 }} }}"
    missing = update(server, insert)
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert update(server, insert, auth("wrong")).status_code == 403
    assert not ask(server, f"ASK {{ <{EX}x> <{EX}y> 1 }}")
    assert update(server, insert, auth()).status_code == 204
    assert ask(server, f"ASK {{ <{EX}x> <{EX}y> 1 }}")


def test_update_by_form_and_its_errors(server):
    form = requests.post(
        server.url + "/sparql",
        data={"update": f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}x> <{EX}y> 2 }} }}"},
        headers=auth(),
        timeout=60,
    )
    assert form.status_code == 204
    assert ask(server, f"ASK {{ <{EX}x> <{EX}y> 2 }}")
    broken = update(server, "INSERT DATA { <x> }", auth())
    assert broken.status_code == 400 and "syntax" in broken.text
    query_as_update = update(server, "SELECT * WHERE { ?s ?p ?o }", auth())
    assert query_as_update.status_code == 400


def test_health_reports_a_new_data_version_after_a_write(server):
    before = requests.get(server.url + "/-/health", timeout=30).json()["data_version"]
    assert update(server, f"INSERT DATA {{ <{EX}v> <{EX}w> 1 }}", auth()).status_code == 204
    after = requests.get(server.url + "/-/health", timeout=30).json()["data_version"]
    assert after > before


def test_graph_store_put_get_post_head_delete(server):
    graph = EX + "gsp"
    turtle = f"<{EX}p1> <{EX}name> 'one' .".encode()
    ttl = {"Content-Type": "text/turtle"}
    assert graph_store(server, "PUT", graph, data=turtle, headers=ttl).status_code == 401
    assert graph_store(server, "GET", graph).status_code == 404
    created = graph_store(server, "PUT", graph, data=turtle, headers={**ttl, **auth()})
    assert created.status_code == 201
    read = graph_store(server, "GET", graph, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200
    assert len(list(ox.parse(read.content, format=ox.RdfFormat.N_TRIPLES))) == 1
    more = f"<{EX}p2> <{EX}name> 'two' .".encode()
    added = graph_store(server, "POST", graph, data=more, headers={**ttl, **auth()})
    assert added.status_code == 204
    read = graph_store(server, "GET", graph, headers={"Accept": "text/turtle"})
    assert len(list(ox.parse(read.content, format=ox.RdfFormat.TURTLE))) == 2
    head = graph_store(server, "HEAD", graph)
    assert head.status_code == 200 and head.content == b""
    replaced = graph_store(server, "PUT", graph, data=more, headers={**ttl, **auth()})
    assert replaced.status_code == 204
    read = graph_store(server, "GET", graph, headers={"Accept": "text/turtle"})
    assert len(list(ox.parse(read.content, format=ox.RdfFormat.TURTLE))) == 1
    assert graph_store(server, "DELETE", graph, headers=auth("no")).status_code == 403
    assert graph_store(server, "DELETE", graph, headers=auth()).status_code == 204
    assert graph_store(server, "GET", graph).status_code == 404
    assert graph_store(server, "DELETE", graph, headers=auth()).status_code == 404


def test_graph_store_default_graph_and_mistakes(server):
    data = f"<{EX}d> <{EX}e> <{EX}f> .".encode()
    nt = {"Content-Type": "application/n-triples"}
    assert graph_store(server, "PUT", None, data=data, headers={**nt, **auth()}).status_code == 204
    read = graph_store(server, "GET", None, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and f"<{EX}d>".encode() in read.content
    broken = graph_store(server, "PUT", EX + "bad", data=b"<a> <b", headers={**nt, **auth()})
    assert broken.status_code == 400
    assert graph_store(server, "GET", EX + "bad").status_code == 404
    unknown = graph_store(
        server, "PUT", EX + "x", data=data, headers={"Content-Type": "x/y", **auth()}
    )
    assert unknown.status_code == 415
    both = requests.get(
        server.url + "/graph-store", params={"graph": EX + "g1", "default": ""}, timeout=30
    )
    assert both.status_code == 400


def test_void_is_rewritten_after_updates(server):
    void = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200
    assert (
        update(
            server, f"INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}q> <{EX}r> 1, 2, 3 }} }}", auth()
        ).status_code
        == 204
    )
    void = requests.get(server.url + "/.well-known/void", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(void.content, format=ox.RdfFormat.TURTLE))
    counts = {t.subject.value: t.object.value for t in triples if t.predicate.value == VOID_TRIPLES}
    assert counts[EX + "g9"] == "3"


def test_read_only_service_refuses_every_write(read_only):
    assert update(read_only, "CLEAR ALL", auth()).status_code == 403
    assert "read-only" in update(read_only, "CLEAR ALL").text
    put = graph_store(
        read_only, "PUT", EX + "g1", data=b"", headers={"Content-Type": "text/turtle", **auth()}
    )
    assert put.status_code == 403
    assert ask(read_only, f"ASK {{ <{EX}thing/1> ?p ?o }}")


def test_service_description_tells_whether_updates_are_possible(server, read_only):
    sd = "http://www.w3.org/ns/sparql-service-description#"
    for running, writable in ((server, True), (read_only, False)):
        response = requests.get(
            running.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30
        )
        assert response.status_code == 200
        triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
        languages = {
            t.object.value for t in triples if t.predicate.value == sd + "supportedLanguage"
        }
        assert (sd + "SPARQL11Update" in languages) is writable
        assert sd + "SPARQL11Query" in languages
        endpoints = {t.object.value for t in triples if t.predicate.value == sd + "endpoint"}
        assert endpoints == {running.url + "/sparql"}
