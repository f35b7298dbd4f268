"""Updates and the Graph Store protocol: the token, the writes, VoID after (Flask's test
client over a copy of the session's example store); and writes through the real server,
whose worker processes each see them."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import requests
from werkzeug.test import TestResponse

from graph_loader.store import open_store
from sparql_endpoint.context import EXTENSION
from tests.conftest import EX, put_example_data, service_client
from tests.servers import HTTP_DEADLINE

TOKEN = "s3cret-token"
BASE = "https://w3id.org/lamcoop/"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


@pytest.fixture(scope="module")
def server(tmp_path_factory, example_built):
    """The service with an update token, over its own copy of the example store."""
    store = open_store(example_built.copy(tmp_path_factory.mktemp("writes") / "store"))
    try:
        with service_client(store, update_token=TOKEN) as client:
            yield client
    finally:
        store.close()


@pytest.fixture(scope="module")
def read_only(example_reader):
    """The service without an update token."""
    with service_client(example_reader) as client:
        yield client


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def update(client, text: str, headers: dict[str, str] | None = None) -> TestResponse:
    return client.post(
        "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update", **(headers or {})},
    )


def ask(client, query: str) -> bool:
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200, response.text
    return response.get_json()["boolean"]


def graph_store(client, method: str, graph: str | None, **kwargs) -> TestResponse:
    params = {"graph": graph} if graph else {"default": ""}
    return client.open("/graph-store", method=method, query_string=params, **kwargs)


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
    form = server.post(
        "/sparql",
        data={"update": f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}x> <{EX}y> 2 }} }}"},
        headers=auth(),
    )
    assert form.status_code == 204
    assert ask(server, f"ASK {{ <{EX}x> <{EX}y> 2 }}")
    broken = update(server, "INSERT DATA { <x> }", auth())
    assert broken.status_code == 400 and "syntax" in broken.text
    query_as_update = update(server, "SELECT * WHERE { ?s ?p ?o }", auth())
    assert query_as_update.status_code == 400


def test_health_reports_a_new_data_version_after_a_write(server):
    before = server.get("/-/health").get_json()["data_version"]
    assert update(server, f"INSERT DATA {{ <{EX}v> <{EX}w> 1 }}", auth()).status_code == 204
    after = server.get("/-/health").get_json()["data_version"]
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
    assert len(list(ox.parse(read.data, format=ox.RdfFormat.N_TRIPLES))) == 1
    more = f"<{EX}p2> <{EX}name> 'two' .".encode()
    added = graph_store(server, "POST", graph, data=more, headers={**ttl, **auth()})
    assert added.status_code == 204
    read = graph_store(server, "GET", graph, headers={"Accept": "text/turtle"})
    assert len(list(ox.parse(read.data, format=ox.RdfFormat.TURTLE))) == 2
    head = graph_store(server, "HEAD", graph)
    assert head.status_code == 200 and head.data == b""
    replaced = graph_store(server, "PUT", graph, data=more, headers={**ttl, **auth()})
    assert replaced.status_code == 204
    read = graph_store(server, "GET", graph, headers={"Accept": "text/turtle"})
    assert len(list(ox.parse(read.data, format=ox.RdfFormat.TURTLE))) == 1
    assert graph_store(server, "DELETE", graph, headers=auth("no")).status_code == 403
    assert graph_store(server, "DELETE", graph, headers=auth()).status_code == 204
    assert graph_store(server, "GET", graph).status_code == 404
    assert graph_store(server, "DELETE", graph, headers=auth()).status_code == 404


def test_graph_store_default_graph_and_mistakes(server):
    data = f"<{EX}d> <{EX}e> <{EX}f> .".encode()
    nt = {"Content-Type": "application/n-triples"}
    assert graph_store(server, "PUT", None, data=data, headers={**nt, **auth()}).status_code == 204
    read = graph_store(server, "GET", None, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and f"<{EX}d>".encode() in read.data
    broken = graph_store(server, "PUT", EX + "bad", data=b"<a> <b", headers={**nt, **auth()})
    assert broken.status_code == 400
    assert graph_store(server, "GET", EX + "bad").status_code == 404
    unknown = graph_store(
        server, "PUT", EX + "x", data=data, headers={"Content-Type": "x/y", **auth()}
    )
    assert unknown.status_code == 415
    both = server.get("/graph-store", query_string={"graph": EX + "g1", "default": ""})
    assert both.status_code == 400


def test_graph_store_takes_json_ld_as_it_serves_it(server):
    graph = EX + "from-json-ld"
    document = {"@context": {"e": EX}, "@id": "e:s", "e:p": [{"@id": "e:o"}, "plain"]}
    body = json.dumps(document).encode()
    headers = {"Content-Type": "application/ld+json", **auth()}
    assert graph_store(server, "PUT", graph, data=body, headers=headers).status_code == 201
    assert ask(server, f'ASK {{ GRAPH <{graph}> {{ <{EX}s> <{EX}p> <{EX}o>, "plain" }} }}')
    served = graph_store(server, "GET", graph, headers={"Accept": "application/ld+json"})
    again = graph_store(server, "PUT", graph, data=served.data, headers=headers)
    assert again.status_code == 204  # what it serves, it takes back
    assert ask(server, f"ASK {{ GRAPH <{graph}> {{ <{EX}s> <{EX}p> <{EX}o> }} }}")
    broken = graph_store(server, "POST", graph, data=b'{"@id": ', headers=headers)
    assert broken.status_code == 400 and "JSON-LD" in broken.text


def test_void_is_rewritten_after_updates(server):
    """Each update rewrites the VoID counts (whichever tests of the module ran before)."""
    for values, expected in (("1, 2, 3", "3"), ("4", "4")):
        insert = f"INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}q> <{EX}r> {values} }} }}"
        assert update(server, insert, auth()).status_code == 204
        void = server.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert void.status_code == 200
        triples = list(ox.parse(void.data, format=ox.RdfFormat.TURTLE))
        counts = {
            t.subject.value: t.object.value for t in triples if t.predicate.value == VOID_TRIPLES
        }
        assert counts[EX + "g9"] == expected


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
    for client, writable in ((server, True), (read_only, False)):
        response = client.get("/sparql", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        triples = list(ox.parse(response.data, format=ox.RdfFormat.TURTLE))
        languages = {
            t.object.value for t in triples if t.predicate.value == sd + "supportedLanguage"
        }
        assert (sd + "SPARQL11Update" in languages) is writable
        assert sd + "SPARQL11Query" in languages
        endpoints = {t.object.value for t in triples if t.predicate.value == sd + "endpoint"}
        assert endpoints == {"http://localhost/sparql"}


def test_a_write_through_the_real_server_is_seen_by_every_worker(http_server):
    """The server's worker processes each hold their own handle on the store: after a write
    through one of them, every later request sees it, whichever worker answers."""
    put_example_data(http_server, things=20)

    def health() -> dict:
        return requests.get(http_server.url + "/-/health", timeout=HTTP_DEADLINE).json()

    before = health()["data_version"]
    http_server.update(f"INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}q> <{EX}r> 1, 2, 3 }} }}")
    for _ in range(4 * http_server.workers):
        assert health()["data_version"] > before
        answer = requests.get(
            http_server.url + "/sparql",
            params={"query": f"ASK {{ <{EX}q> <{EX}r> 3 }}"},
            timeout=HTTP_DEADLINE,
        )
        assert answer.json()["boolean"] is True
    void = requests.get(
        http_server.url + "/.well-known/void",
        headers={"Accept": "text/turtle"},
        timeout=HTTP_DEADLINE,
    )
    triples = list(ox.parse(void.content, format=ox.RdfFormat.TURTLE))
    counts = {t.subject.value: t.object.value for t in triples if t.predicate.value == VOID_TRIPLES}
    assert counts[EX + "g9"] == "3"


def test_a_write_is_seen_at_once_by_documents_made_before_it(server):
    """Documents are kept made per version of the data: a write makes a new version, so the
    next request for the same document gets it made again, with the write in it."""
    graph = BASE + "graph/kept-documents"
    entity = BASE + "id/kept/one"

    def put(label: str) -> None:
        body = f'<{entity}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .'
        headers = {"Content-Type": "application/n-triples", **auth()}
        reply = graph_store(server, "PUT", graph, data=body.encode(), headers=headers)
        assert reply.status_code in (201, 204)

    put("first")
    assert '"first"' in server.get("/doc/kept/one.ttl").text
    again = server.get("/doc/kept/one.ttl")
    assert '"first"' in again.text  # the document kept, as made
    put("second")
    after = server.get("/doc/kept/one.ttl").text
    assert '"second"' in after and '"first"' not in after


def test_the_graph_counts_kept_after_writes_are_the_stores_own(tmp_path, example_built):
    """A write counts the store's graphs once, for the index, VoID and the state the
    service keeps (each count is a pass over the store): what it keeps must be what a count
    after every write finds, the VoID graph it rewrote and a dropped graph included."""
    store = open_store(example_built.copy(tmp_path / "store"))
    try:
        with service_client(store, update_token=TOKEN) as client:
            body = b"<urn:x-a> <urn:x-b> <urn:x-c> .\n<urn:x-a> <urn:x-b> <urn:x-d> .\n"
            graph_store(
                client,
                "PUT",
                "urn:x-counted",
                data=body,
                headers=auth(),
                content_type="application/n-triples",
            )
            insert = "INSERT DATA { GRAPH <urn:x-counted> { <urn:x-a> <urn:x-b> 1 } }"
            assert update(client, insert, auth()).status_code == 204
            graph_store(
                client,
                "PUT",
                "urn:x-dropped",
                data=body,
                headers=auth(),
                content_type="application/n-triples",
            )
            assert graph_store(client, "DELETE", "urn:x-dropped", headers=auth()).status_code == 204
            kept = client.application.extensions[EXTENSION].executor.graph_counts()
        assert kept == {g.iri: g.triples for g in store.graphs()}
        assert kept["urn:x-counted"] == 3 and "urn:x-dropped" not in kept
    finally:
        store.close()
