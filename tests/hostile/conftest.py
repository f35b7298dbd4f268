"""What the hostile-input tests share: the store's state before and after a hostile request."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_loader.settings import resolve_settings
from graph_loader.store import Store, open_configured, open_store

#: The graph :func:`cli_store` holds, which a hostile load must leave as it was.
CLI_GRAPH = "urn:x-lamcoop-test:kept"


def store_state(store: Store) -> dict[str, int]:
    """Every named graph of ``store`` (internal ones included) with its quad count, and the
    default graph's as ``""``: what must be the same before and after a hostile input."""
    rows = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    )
    state = {row["g"].value: int(row["n"].value) for row in rows}
    default = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", use_default_graph_as_union=False
    )
    state[""] = int(next(iter(default))["n"].value)
    return state


def store_state_at(path: Path) -> dict[str, int]:
    """:func:`store_state` of the store at ``path``, opened read-write and closed."""
    store = open_store(path)
    try:
        return store_state(store)
    finally:
        store.close()


def refused_load(cli_store, *args: str, exit_code: int = 1) -> str:
    """``lamcoop load *args`` over :func:`cli_store`'s store: it must exit with
    ``exit_code`` and leave the store exactly as it was. Returns what it printed."""
    invoke, store = cli_store
    before = store_state_at(store)
    result = invoke("load", *args)
    assert result.exit_code == exit_code, result.output
    assert store_state_at(store) == before
    return result.output


def served_state(server) -> dict[str, int]:
    """:func:`store_state` of the store a running server (tests/servers.RunningServer)
    serves, a remote one included (opened read-only with the server's state directory)."""
    settings = resolve_settings(
        config_file=None,
        environ={},
        overrides={"store": server.store, "state_dir": server.settings["state_dir"]},
    )
    store = open_configured(settings, read_only=True)
    try:
        return store_state(store)
    finally:
        store.close()


@pytest.fixture
def cli_store(invoke, tmp_path):
    """``invoke`` over a store (./lamcoop-store) that holds :data:`CLI_GRAPH`; returns
    (invoke, path of the store)."""
    data = tmp_path / "kept.nt"
    data.write_text("<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> <urn:x-lamcoop-test:c> .\n")
    assert invoke("load", "--graph", CLI_GRAPH, str(data)).exit_code == 0
    return invoke, tmp_path / "lamcoop-store"
