"""Hostile input: data with blank nodes nested deeper than a remote description reaches.

A remote store's description is one query that follows blank nodes three hops from the
entity; its blank nodes are named afresh in each answer. Deeper ones were then asked for by
their label, which a remote store cannot bind: the document was a 500. Now it is the
document, to the third hop, and the store is as it was.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from graph_loader.settings import resolve_settings
from graph_loader.store.opening import open_remote
from tests.conftest import service_client
from tests.hostile.conftest import store_state
from tests.remote_support import OxigraphServer

ENTITY = ox.NamedNode("https://w3id.org/lamcoop/id/thing/deep")
GRAPH = ox.NamedNode("urn:x-lamcoop-test:deep")
P = ox.NamedNode("urn:x-lamcoop-test:p")


def test_a_document_of_deeply_nested_blank_nodes_over_a_remote_store(tmp_path):
    server = OxigraphServer(tmp_path / "oxigraph")
    try:
        overrides = {"store": server.query_url, "state_dir": str(tmp_path / "state")}
        remote = open_remote(resolve_settings(config_file=None, environ={}, overrides=overrides))
        chain = [ENTITY, *(ox.BlankNode(f"b{n}") for n in range(12))]
        remote.extend(ox.Quad(a, P, b, GRAPH) for a, b in itertools.pairwise(chain))
        remote.extend([ox.Quad(chain[-1], P, ox.Literal("the bottom"), GRAPH)])
        before = store_state(remote)
        with service_client(remote) as client:
            for ext in ("ttl", "html"):
                response = client.get(f"/doc/thing/deep.{ext}")
                assert response.status_code == 200, response.get_data(as_text=True)[:300]
            triples = list(
                ox.parse(client.get("/doc/thing/deep.ttl").data, format=ox.RdfFormat.TURTLE)
            )
        blank_subjects = {t.subject for t in triples if isinstance(t.subject, ox.BlankNode)}
        assert len(blank_subjects) == 3  # the first three hops
        assert store_state(remote) == before
        remote.close()
    finally:
        server.stop()
