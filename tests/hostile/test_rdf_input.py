"""Hostile RDF input: N3 formulas never reach the store.

``n3`` names Turtle (docs/sparql.md), so a formula (``{ ... } => { ... }``) is a syntax
error with its place, on the command line and over the Graph Store alike. Before, formulas
landed in blank-node graphs outside the target graph, piled up on reload and made
``lamcoop dump`` crash. Each case checks the store's whole state before and after.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_loader.store import open_store
from tests.conftest import EX, service_client
from tests.hostile.conftest import CLI_GRAPH, store_state, store_state_at

TOKEN = "hostile-token"
GRAPH = EX + "rules"
#: N3 a Turtle parser must refuse, and the line and column where it must say so.
FORMULAS = {
    "rule": (
        f"<{EX}x> <{EX}y> <{EX}z> .\n"
        f"{{ <{EX}a> <{EX}b> <{EX}c> }} => {{ <{EX}a> <{EX}d> <{EX}e> }} .\n",
        2,
    ),
    "formula-object": (f"<{EX}x> <{EX}says> {{ <{EX}a> <{EX}b> <{EX}c> }} .\n", 1),
    "nested": (
        f"<{EX}x> <{EX}y> <{EX}z> .\n\n{{ {{ <{EX}a> <{EX}b> <{EX}c> }} => {{ }} }} => {{ }} .\n",
        3,
    ),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("how", ["extension", "format-option"])
def test_a_file_with_an_n3_formula_is_refused_with_its_place(cli_store, tmp_path, name, how):
    invoke, store = cli_store
    before = store_state_at(store)
    text, line = FORMULAS[name]
    path = tmp_path / ("rules.n3" if how == "extension" else "rules.ttl")
    path.write_text(text, encoding="utf-8")
    options = ["--format", "n3"] if how == "format-option" else []
    result = invoke("load", "--graph", CLI_GRAPH, *options, str(path))
    assert result.exit_code != 0, result.output
    assert f"{path}:{line}:" in result.output, result.output
    assert "Traceback" not in result.output
    assert store_state_at(store) == before


def test_the_store_dumps_after_refused_formulas(cli_store, tmp_path):
    """What used to crash ``lamcoop dump`` (formula graphs) never got in."""
    invoke, store = cli_store
    path = tmp_path / "rules.n3"
    path.write_text(FORMULAS["rule"][0], encoding="utf-8")
    assert invoke("load", str(path)).exit_code != 0
    assert invoke("load", str(path)).exit_code != 0
    before = store_state_at(store)
    dumped = invoke("dump")
    assert dumped.exit_code == 0, dumped.output
    assert set(before) - {""} <= {g for g in store_state_at(store)}


@pytest.fixture
def service(example_built, tmp_path):
    """A writable copy of the example store and the service over it (VoID already written)."""
    path: Path = example_built.copy(tmp_path / "store")
    store = open_store(path)
    try:
        with service_client(store, update_token=TOKEN) as client:
            yield client, store
    finally:
        store.close()


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("media_type", ["text/n3", "text/turtle"])
@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_the_graph_store_refuses_an_n3_formula(service, name, media_type, method):
    client, store = service
    before = store_state(store)
    text, line = FORMULAS[name]
    response = client.open(
        "/graph-store",
        method=method,
        query_string={"graph": GRAPH},
        data=text.encode(),
        headers={"Content-Type": media_type, "Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 400, response.text
    assert f"line {line}" in response.text, response.text
    assert store_state(store) == before
