"""A write by ``lamcoop load`` beside a running server, on the store it serves.

The server's processes learned of such a write through the store's count of read-write
sessions (the data version moved, caches were dropped), but kept the graph list of their
last write: a query naming the new graph (``FROM``, ``default-graph-uri``) was refused as
"the graph <…> is not in the store", the Graph Store answered 404 for it, and health counted
the graphs as before, until the server's own next write. Now the first process to look
after such a write counts the graphs again for every process (``Served._catch_up``)."""

from __future__ import annotations

import requests

from tests.servers import HTTP_DEADLINE

GRAPH = "urn:x-lamcoop-test:beside-the-server"
DATA = "<urn:x-a> <urn:x-b> <urn:x-c> .\n<urn:x-a> <urn:x-b> <urn:x-d> .\n"


def test_a_graph_loaded_beside_the_server_is_known_to_every_process(http_server, lamcoop, tmp_path):
    before = requests.get(http_server.url + "/-/health", timeout=HTTP_DEADLINE).json()["graphs"]
    data = tmp_path / "beside.nt"
    data.write_text(DATA, encoding="utf-8")
    loaded = lamcoop(
        "load", "--graph", GRAPH, str(data), env={"LAMCOOP_STORE": str(http_server.store)}
    )
    assert loaded.returncode == 0, loaded.stderr
    try:
        for _ in range(2 * http_server.workers):  # every worker, the front's app too
            answer = requests.get(
                http_server.url + "/sparql",
                params={
                    "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                    "default-graph-uri": GRAPH,
                },
                headers={"Accept": "application/sparql-results+json"},
                timeout=HTTP_DEADLINE,
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["results"]["bindings"][0]["n"]["value"] == "2"
            fetched = requests.get(
                http_server.url + "/graph-store",
                params={"graph": GRAPH},
                headers={"Accept": "application/n-triples"},
                timeout=HTTP_DEADLINE,
            )
            assert fetched.status_code == 200, fetched.text
        health = requests.get(http_server.url + "/-/health", timeout=HTTP_DEADLINE).json()
        assert health["graphs"] > before  # the graph, and the provenance graph if new
    finally:
        http_server.update(f"DROP SILENT GRAPH <{GRAPH}>")
