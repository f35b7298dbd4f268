"""Several writers on one remote store (a real Oxigraph server): no write lost or misreported.

Two real ``lamcoop load`` processes at once (into different graphs, and into the same
graph), a read-write open while a load runs, the data version under writes at once, and a
write made to the engine directly, then ``lamcoop refresh`` (docs/remote-store.md, "Loads
are atomic", "Several writers" and "Writes made outside lamcoop").
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from graph_loader.settings import resolve_settings
from graph_loader.store import open_configured
from graph_loader.store.remote_version import VERSION_GRAPH, read_mark, read_stamps
from tests.conftest import synthetic_nt
from tests.remote_support import OxigraphServer, remote_env
from tests.servers import HTTP_DEADLINE, VENV_BIN

A, B = "urn:x-lamcoop-test:a", "urn:x-lamcoop-test:b"
TRIPLES = 20_000


@pytest.fixture
def oxigraph(tmp_path: Path):
    server = OxigraphServer(tmp_path / "oxigraph")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def two_files(tmp_path_factory) -> tuple[Path, Path]:
    """Two files of different sizes (so a graph's count says which one it holds)."""
    where = tmp_path_factory.mktemp("writers")
    first = synthetic_nt(where / "first.nt", TRIPLES)
    second = where / "second.nt"
    lines = first.read_text(encoding="utf-8").splitlines(keepends=True)
    second.write_text("".join(lines[: TRIPLES // 2]), encoding="utf-8")
    return first, second


def _triples(path: Path) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def _env(server: OxigraphServer, state: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    return {**env, **remote_env(server, state), **extra}


def _load(env: dict[str, str], graph: str, path: Path, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(VENV_BIN / "lamcoop"), "load", "--quiet", "--graph", graph, str(path)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _finished(loader: subprocess.Popen[bytes]) -> str:
    out, err = loader.communicate(timeout=600)
    assert loader.returncode == 0, err.decode()
    assert b"Traceback" not in err
    return out.decode()


def _nothing_staged(counts: dict[str, int]) -> None:
    assert not [g for g in counts if g.startswith("urn:lamcoop:staging:")], counts
    assert "urn:lamcoop:pending-loads" not in counts, counts


def _recorded_for(server: OxigraphServer, graph: str) -> list[int]:
    query = (
        "SELECT ?n WHERE { GRAPH ?p { ?g <http://rdfs.org/ns/void#triples> ?n } "
        f"FILTER(?g = <{graph}>) }}"
    )
    return [int(row["n"]) for row in server.select(query)]


def test_two_loads_into_different_graphs_both_publish(oxigraph, two_files, tmp_path):
    first, second = two_files
    env = _env(oxigraph, tmp_path / "state")
    loaders = [_load(env, A, first, tmp_path), _load(env, B, second, tmp_path)]
    reports = [_finished(loader) for loader in loaders]
    expected = {A: _triples(first), B: _triples(second)}
    assert f"{expected[A]} triples in <{A}>" in reports[0]
    assert f"{expected[B]} triples in <{B}>" in reports[1]
    counts = oxigraph.counts()
    assert (counts[A], counts[B]) == (expected[A], expected[B])
    assert _recorded_for(oxigraph, A) == [expected[A]]
    assert _recorded_for(oxigraph, B) == [expected[B]]
    _nothing_staged(counts)


def test_two_loads_into_one_graph_leave_one_of_them_whole(oxigraph, two_files, tmp_path):
    """Both replace the graph: each reports its own count, the graph holds one file whole
    (never both mixed), and its provenance records that file's count."""
    first, second = two_files
    env = _env(oxigraph, tmp_path / "state")
    loaders = [_load(env, A, first, tmp_path), _load(env, A, second, tmp_path)]
    reports = [_finished(loader) for loader in loaders]
    sizes = (_triples(first), _triples(second))
    assert f"{sizes[0]} triples in <{A}>" in reports[0]
    assert f"{sizes[1]} triples in <{A}>" in reports[1]
    counts = oxigraph.counts()
    assert counts[A] in sizes
    assert _recorded_for(oxigraph, A) == [counts[A]]
    _nothing_staged(counts)


def test_a_running_load_survives_another_read_write_open(oxigraph, tmp_path):
    big = synthetic_nt(tmp_path / "big.nt", 3 * TRIPLES)  # long enough to be caught staging
    env = _env(oxigraph, tmp_path / "state")
    loader = _load(env, A, big, tmp_path)
    deadline = time.monotonic() + 300
    while not oxigraph.counts().get("urn:lamcoop:pending-loads"):
        assert loader.poll() is None, loader.communicate()
        assert time.monotonic() < deadline, "the load never began"
        time.sleep(0.05)
    # Another writer opens the store read-write (its recovery runs) while the load stages.
    settings = resolve_settings(environ=remote_env(oxigraph, tmp_path / "other"), config_file=None)
    open_configured(settings).close()
    running = loader.poll() is None
    if running:  # its marker and staging were kept
        assert oxigraph.counts().get("urn:lamcoop:pending-loads")
    report = _finished(loader)
    assert running, "the load ended before the other open: make the file larger"
    assert f"{_triples(big)} triples in <{A}>" in report
    counts = oxigraph.counts()
    assert counts[A] == _triples(big)
    assert _recorded_for(oxigraph, A) == [_triples(big)]
    _nothing_staged(counts)


def test_writes_at_once_always_change_the_version_nodes_see(oxigraph, tmp_path):
    """Two bumps from one snapshot (as Oxigraph server runs updates side by side) can leave
    the number the first already wrote; the tokens still tell the second write apart, and
    the graph the second stamped shows among the changed stamps."""
    settings = resolve_settings(environ=remote_env(oxigraph, tmp_path / "state"), config_file=None)
    store = open_configured(settings)
    try:
        store.update(f"INSERT DATA {{ GRAPH <{A}> {{ <{A}> <{A}> 1 }} }}")
        seen, stamps = read_mark(store), read_stamps(store)
        # What the second of two writes at once leaves beside the first: the same number,
        # its own token, its own graph's stamp.
        v = f"<{VERSION_GRAPH}>"
        store.client.update(
            f"INSERT DATA {{ GRAPH {v} {{ {v} <{VERSION_GRAPH}#version> {seen.number} . "
            f'{v} <{VERSION_GRAPH}#token> "second" . '
            f'<{B}> <{VERSION_GRAPH}#token> "second" . }} }}'
        )
        now = read_mark(store)
        assert now.number == seen.number and now.tokens != seen.tokens
        assert read_stamps(store).get(B) != stamps.get(B)
        # A real write after it moves both on.
        store.update(f"INSERT DATA {{ GRAPH <{B}> {{ <{B}> <{B}> 2 }} }}")
        after = read_mark(store)
        assert after.number > seen.number and len(after.tokens) == 1
        assert after.tokens.isdisjoint(seen.tokens | now.tokens)
    finally:
        store.close()


def test_an_outside_write_then_refresh_moves_the_version(oxigraph, two_files, tmp_path):
    """A write to the engine directly moves no version; ``lamcoop refresh`` does, stamps the
    graphs whose size changed and brings the local index to them."""
    _first, second = two_files
    env = _env(oxigraph, tmp_path / "state")
    _finished(_load(env, A, second, tmp_path))
    settings = resolve_settings(environ=remote_env(oxigraph, tmp_path / "state"), config_file=None)
    store = open_configured(settings, read_only=True)
    try:
        before = read_mark(store)
        requests.post(
            oxigraph.url + "/update",
            data={"update": f"INSERT DATA {{ GRAPH <{A}> {{ <{A}> <{A}> 'outside' }} }}"},
            timeout=HTTP_DEADLINE,
        ).raise_for_status()
        assert read_mark(store) == before
        run = subprocess.run(
            [str(VENV_BIN / "lamcoop"), "refresh"], cwd=tmp_path, env=env, capture_output=True
        )
        assert run.returncode == 0, run.stderr
        assert f"<{A}>" in run.stdout.decode()
        after = read_mark(store)
        assert after.number > before.number and after.tokens != before.tokens
        assert A in read_stamps(store)
    finally:
        store.close()
    listed = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "graphs", "--format", "json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
    )
    rows = {r["graph"]: r["triples"] for r in json.loads(listed.stdout)}
    assert rows[A] == _triples(second) + 1
