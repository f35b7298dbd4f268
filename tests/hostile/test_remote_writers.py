"""Hostile timing: writes through a node while another writer's load runs on the same remote
store (a real Oxigraph server, a real ``lamcoop serve``).

Regressions of the "one writer at a time" defect: a node's write used to open the store
read-write and drop every staging graph and marker it found, so a load running elsewhere
published nothing but reported its counts. Each case checks the outcome and the store's
whole state (graphs and quad counts, internal graphs included).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from graph_loader import provenance
from graph_loader.settings import resolve_settings
from graph_loader.store import Store, open_configured
from graph_loader.store.layout import PENDING_GRAPH
from graph_loader.store.leases import LoadLost
from tests.remote_support import OxigraphServer, built_copy, remote_env
from tests.servers import HTTP_DEADLINE, RunningServer

TOKEN = "hostile-writers-token"
G, H = "urn:x-lamcoop-test:w-g", "urn:x-lamcoop-test:w-h"
DATA = b'<urn:x-lamcoop-test:s> <urn:x-lamcoop-test:p> "staged" .\n'
#: The loads here stage (a marker and a copy while the test acts): a new graph in a triples
#: format goes to Oxigraph server in one request instead, so the data is read as N-Quads.
STAGED = ox.RdfFormat.N_QUADS
#: Loads made beside another writer's repeated work: enough to meet its race window.
LOADS = 40


@pytest.fixture(scope="module")
def node(tmp_path_factory, remote_built) -> Iterator[tuple[RunningServer, OxigraphServer, Path]]:
    root = tmp_path_factory.mktemp("hostile-writers")
    settings = {"update_token": TOKEN, "workers": 1, "state_dir": root / "node"}
    engine = built_copy(remote_built, root, root / "node")
    try:
        with RunningServer(engine.query_url, root, settings) as running:
            yield running, engine, root
    finally:
        engine.stop()


def _writer(engine: OxigraphServer, state: Path, lease: str = "60") -> Store:
    """Another writer (its own state and marker key), as ``lamcoop load`` elsewhere."""
    environ = {**remote_env(engine, state), "LAMCOOP_STORE_LEASE_SECONDS": lease}
    return open_configured(resolve_settings(environ=environ, config_file=None))


def _update(server: RunningServer, text: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )


def _publish(store: Store, staged) -> dict[str, int]:
    counts = provenance.commit(
        store, staged, source="hostile.nt", sha256="0" * 64, base_iri="https://w3id.org/lamcoop/"
    )
    staged.finish()
    return counts


def _kept(counts: dict[str, int]) -> dict[str, int]:
    return {g: n for g, n in counts.items() if "data-version" not in g and not g.endswith("/void")}


def test_an_update_through_a_node_keeps_a_load_running_elsewhere(node, tmp_path):
    server, engine, _root = node
    writer = _writer(engine, tmp_path / "cli")
    try:
        staged = writer.stage(DATA, graph=G, format=STAGED, replace=True)
        answer = _update(server, f"INSERT DATA {{ GRAPH <{H}> {{ <{H}> <{H}> 1 }} }}")
        assert answer.status_code == 204, answer.text
        assert engine.counts().get(PENDING_GRAPH)  # the node's open kept the running load
        assert _publish(writer, staged) == {G: 1}
    finally:
        writer.close()
    counts = engine.counts()
    assert (counts[G], counts[H]) == (1, 1)
    assert PENDING_GRAPH not in counts
    assert not [g for g in counts if g.startswith("urn:lamcoop:staging:")]


def test_an_update_forging_a_marker_beside_a_running_load_is_undone(node, tmp_path):
    server, engine, _root = node
    writer = _writer(engine, tmp_path / "cli")
    try:
        staged = writer.stage(DATA, graph=G, format=STAGED, replace=False)
        before = engine.counts()
        forged = (
            f"INSERT DATA {{ GRAPH <{PENDING_GRAPH}> {{ <urn:lamcoop:load:forged> "
            f"<urn:lamcoop:pending#target> <{H}> }} }}"
        )
        answer = _update(server, forged)
        assert answer.status_code == 400 and PENDING_GRAPH in answer.text, answer.text
        after = engine.counts()
        # Only the forged triple is gone: the running load's marker and staging are whole.
        # (Every write through a node moves the data version and rewrites the VoID graph.)
        assert _kept(after) == _kept(before)
        assert _publish(writer, staged) == {G: 1}
    finally:
        writer.close()


def test_a_load_taken_for_dead_fails_and_changes_nothing(node, tmp_path):
    _server, engine, _root = node
    writer = _writer(engine, tmp_path / "cli")
    try:
        staged = writer.stage(
            b'<urn:x-lamcoop-test:s> <urn:x-lamcoop-test:p> "lost" .\n',
            graph=G,
            format=STAGED,
            replace=True,
        )
        published = {g: n for g, n in engine.counts().items() if not g.startswith("urn:lamcoop:")}
        _writer(engine, tmp_path / "hasty", lease="0.000001").close()  # takes it for dead
        with pytest.raises(LoadLost, match="run the load again"):
            _publish(writer, staged)
    finally:
        writer.close()
    counts = engine.counts()
    assert {g: n for g, n in counts.items() if not g.startswith("urn:lamcoop:")} == published
    assert PENDING_GRAPH not in counts
    assert not [g for g in counts if g.startswith("urn:lamcoop:staging:")]


def _loads_beside(engine: OxigraphServer, state: Path, other: Callable[[], object]) -> list[str]:
    """Stage and publish ``LOADS`` small loads while ``other`` runs again and again in a
    thread; what went wrong on either side."""
    failures: list[str] = []
    stop = threading.Event()

    def keep_running() -> None:
        while not stop.is_set():
            try:
                other()
            except Exception as exc:  # a failure is the finding, reported below
                failures.append(f"the other writer: {exc!r}")

    thread = threading.Thread(target=keep_running)
    writer = _writer(engine, state)
    thread.start()
    try:
        for n in range(LOADS):
            staged = writer.stage(DATA, graph=f"{G}-{n}", format=STAGED, replace=False)
            try:
                _publish(writer, staged)
            except LoadLost as exc:
                failures.append(f"load {n}: {exc}")
    finally:
        stop.set()
        thread.join()
        writer.close()
    return failures


def test_markers_written_while_another_writer_recovers_are_kept(node, tmp_path):
    """Regression: recovery read the running loads, then the marker graph's subjects in a
    second query, so a marker written between the two was taken for debris and dropped (a
    Graph Store PUT through a node then answered 409 beside a ``lamcoop load``)."""
    _server, engine, _root = node
    other = _writer(engine, tmp_path / "other")
    try:
        assert _loads_beside(engine, tmp_path / "cli", other.recover) == []
    finally:
        other.close()
    counts = engine.counts()
    assert [counts.get(f"{G}-{n}") for n in range(LOADS)] == [1] * LOADS
    assert PENDING_GRAPH not in counts


def test_updates_through_a_node_beside_many_loads_drop_no_marker(node, tmp_path):
    """Regression: the internal graphs compared around an update read the running loads and
    the marker graph in two queries, so a marker written between them counted as the
    update's write into the marker graph: the update was refused and the marker dropped."""
    server, engine, _root = node

    def update() -> None:
        answer = _update(server, f"INSERT DATA {{ GRAPH <{H}> {{ <{H}> <{H}> 1 }} }}")
        assert answer.status_code == 204, answer.text

    assert _loads_beside(engine, tmp_path / "cli", update) == []
    counts = engine.counts()
    assert [counts.get(f"{G}-{n}") for n in range(LOADS)] == [1] * LOADS
    assert PENDING_GRAPH not in counts
