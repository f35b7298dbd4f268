"""Hostile input to ``lamcoop refresh``: a graph that is not an IRI, or an internal graph, is
refused with a message naming it and the store left as it was; a write made to the store
directory outside lamcoop is then seen (docs/remote-store.md, "Writes made outside
lamcoop")."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph_loader.store import PENDING_GRAPH
from graph_loader.store.layout import written
from tests.hostile.conftest import CLI_GRAPH, store_state_at


@pytest.mark.parametrize(
    ("graph", "said"),
    [
        ("not an iri", "'not an iri' is not an IRI"),
        ("<urn:x-lamcoop-test:g>", "is not an IRI"),
        (PENDING_GRAPH, f"<{PENDING_GRAPH}> is an internal graph"),
        ("urn:lamcoop:staging:x", "<urn:lamcoop:staging:x> is an internal graph"),
    ],
)
def test_refresh_refuses_a_graph_it_cannot_take(cli_store, graph, said):
    invoke, path = cli_store
    before = store_state_at(path)
    result = invoke("refresh", "--graph", graph)
    assert result.exit_code != 0
    assert said in result.output, result.output
    assert "Traceback" not in result.output
    assert store_state_at(path) == before


def test_refresh_sees_a_write_made_outside_lamcoop(cli_store):
    invoke, path = cli_store
    sessions = written(path)[0]
    outside = ox.Store(str(path))  # pyoxigraph itself, as another tool would write
    outside.add(
        ox.Quad(
            ox.NamedNode("urn:x-lamcoop-test:x"),
            ox.NamedNode("urn:x-lamcoop-test:y"),
            ox.Literal("outside"),
            ox.NamedNode(CLI_GRAPH),
        )
    )
    outside.flush()
    del outside
    result = invoke("refresh")
    assert result.exit_code == 0, result.output
    assert f"<{CLI_GRAPH}>" in result.output and "refreshed 1 graph " in result.output
    # Its read-write session is counted: a server on the directory drops its caches.
    assert written(path)[0] > sessions
    again = invoke("refresh")
    assert again.exit_code == 0 and "refreshed 0 graphs" in again.output, again.output
