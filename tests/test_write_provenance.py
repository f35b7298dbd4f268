"""Graph Store writes and SPARQL updates keep provenance and VoID true (issue 13, item 15).

A real ``lamcoop serve`` with an update token over a store whose graphs were loaded from a
file: after a PUT, a POST, an update and a DELETE, VoID (over HTTP) gives each graph's new
triple count, and ``lamcoop graphs`` (run on the store once the server has stopped) names
the HTTP write as each graph's source, with the body's checksum and the new count; the
token appears nowhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess

import pyoxigraph as ox
import pytest
import requests

from graph_loader.loading import load_file
from graph_loader.publish.void import write_void
from graph_loader.settings import resolve_settings
from graph_loader.store import open_store
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer

BASE = "https://w3id.org/lamcoop/"
EX = "urn:x-lamcoop-test:"
TOKEN = "provenance-test-token"
NT = "application/n-triples"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


def _nt(prefix: str, n: int) -> bytes:
    return "".join(f"<{EX}{prefix}{i}> <{EX}p> <{EX}o{i}> .\n" for i in range(n)).encode()


def _void_counts(server: RunningServer) -> dict[str, int]:
    response = requests.get(
        server.url + "/.well-known/void", headers={"Accept": NT}, timeout=HTTP_DEADLINE
    )
    assert response.status_code == 200, response.text
    return {
        t.subject.value: int(t.object.value)
        for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        if t.predicate.value == VOID_TRIPLES and isinstance(t.subject, ox.NamedNode)
    }


def _send(server: RunningServer, method: str, graph: str, body: bytes = b"") -> None:
    response = requests.request(
        method,
        server.url + "/graph-store",
        params={"graph": graph},
        data=body,
        headers={"Content-Type": NT, "Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code in (201, 204), response.text


@pytest.fixture
def served(tmp_path):
    store_path = tmp_path / "store"
    seed = tmp_path / "seed.nt"
    seed.write_bytes(_nt("s", 10))
    store = open_store(store_path)
    for name in ("put", "post", "update", "delete"):
        load_file(store, seed, base_iri=BASE, graph=EX + name)
    write_void(store, resolve_settings(config_file=None, environ={}, overrides={"base_iri": BASE}))
    store.close()
    settings = {"update_token": TOKEN, "workers": 1, "base_iri": BASE}
    with RunningServer(store_path, tmp_path, settings) as server:
        yield server, store_path


def _graphs(store_path) -> dict[str, dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    env["LAMCOOP_BASE_IRI"] = BASE
    done = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "--store", str(store_path), "graphs", "--format", "json"],
        env=env,
        capture_output=True,
        timeout=HTTP_DEADLINE,
        check=True,
    )
    assert TOKEN.encode() not in done.stdout
    return {row["graph"]: row for row in json.loads(done.stdout)}


def test_graph_store_writes_and_updates_keep_provenance_and_void_true(served):
    server, store_path = served
    assert _void_counts(server)[EX + "put"] == 10

    put_body, post_body = _nt("put", 3), _nt("post", 5)
    _send(server, "PUT", EX + "put", put_body)
    assert _void_counts(server)[EX + "put"] == 3

    _send(server, "POST", EX + "post", post_body)
    assert _void_counts(server)[EX + "post"] == 15

    update = f"INSERT DATA {{ GRAPH <{EX}update> {{ <{EX}a> <{EX}p> <{EX}b> }} }}"
    server.update(update)
    assert _void_counts(server)[EX + "update"] == 11

    _send(server, "DELETE", EX + "delete")
    void = _void_counts(server)
    assert EX + "delete" not in void
    assert void[BASE + "id/dataset/lamcoop"] == sum(
        n for g, n in void.items() if g.startswith((EX, BASE + "graph/"))
    )

    server.stop()
    rows = _graphs(store_path)
    sha = {
        "put": hashlib.sha256(put_body).hexdigest(),
        "post": hashlib.sha256(post_body).hexdigest(),
        "update": hashlib.sha256(update.encode()).hexdigest(),
    }
    expected = {"put": ("HTTP PUT", "3"), "post": ("HTTP POST", "15")}
    expected["update"] = ("SPARQL Update", "11")
    for name, (source, triples) in expected.items():
        row = rows[EX + name]
        assert row["source"] == source, row
        assert row["sha256"] == sha[name], row
        assert row["triples"] == int(triples), row
    assert EX + "delete" not in rows
    store = open_store(store_path, read_only=True)
    try:
        recorded = {
            (q.subject.value, q.object.value)
            for q in store.quads(BASE + "graph/provenance")
            if q.predicate.value == VOID_TRIPLES
        }
    finally:
        store.close()
    assert {(EX + n, t) for n, (_s, t) in expected.items()} <= recorded
    assert not any(graph == EX + "delete" for graph, _ in recorded)
