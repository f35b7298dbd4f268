"""The data commands over a remote store (a real Oxigraph server) as over the embedded one.

Each parametrised test runs the same commands on the embedded store and on ``oxigraph
serve``; the atomicity tests kill the loader, or the server, in the middle of a load.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import synthetic_nt
from tests.remote_support import OxigraphServer, remote_env
from tests.servers import VENV_BIN, free_port
from tests.virtuoso_support import VirtuosoServer, virtuoso_env

TARGET = "urn:x-lamcoop-test:target"
TTL = """@base <http://example.org/doc/> .
@prefix ex: <http://example.org/> .
<a> ex:knows [ ex:name "Á"@fa ] ; ex:age 7 .
<b> ex:knows <a> .
"""


@pytest.fixture
def oxigraph(tmp_path: Path):
    server = OxigraphServer(tmp_path / "oxigraph")
    yield server
    server.stop()


@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def backend(request, tmp_path: Path) -> dict[str, str]:
    """The settings of a fresh store of each kind, as environment variables (the session's
    one Virtuoso emptied first)."""
    if request.param == "embedded":
        return {"LAMCOOP_STORE": str(tmp_path / "store")}
    if request.param == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso_server")
        virtuoso.reset()
        return virtuoso_env(virtuoso, tmp_path / "state")
    server = OxigraphServer(tmp_path / "oxigraph")
    request.addfinalizer(server.stop)
    return remote_env(server, tmp_path / "state")


def test_a_dead_endpoint_is_named_without_a_traceback(lamcoop, tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"
    run = lamcoop("graphs", env={"LAMCOOP_STORE": url, "LAMCOOP_STORE_RETRIES": "1"})
    assert run.returncode != 0
    assert f"cannot reach {url}: connection refused" in run.stderr.decode()
    assert b"Traceback" not in run.stderr


def test_load_query_graphs_replace_append(lamcoop, backend, tmp_path):
    data = tmp_path / "a.ttl"
    data.write_text(TTL, encoding="utf-8")
    loaded = lamcoop("load", "--graph", TARGET, str(data), env=backend)
    assert loaded.returncode == 0, loaded.stderr
    assert f"a.ttl: 4 triples in <{TARGET}>" in loaded.stdout.decode()
    listed = json.loads(lamcoop("graphs", "--format", "json", env=backend).stdout)
    row = next(r for r in listed if r["graph"] == TARGET)
    assert (row["triples"], row["source"]) == (4, "a.ttl")
    assert not any(r["graph"].startswith("urn:lamcoop:") for r in listed)
    select = "SELECT ?s ?n WHERE { ?s <http://example.org/age> ?n } ORDER BY ?s"
    tsv = lamcoop("query", select, env=backend).stdout.decode()
    assert tsv.splitlines()[1:] == ["<http://example.org/doc/a>\t7"]
    named = "SELECT ?n WHERE { ?s <http://example.org/knows>/<http://example.org/name> ?n }"
    answer = json.loads(lamcoop("query", named, "--format", "json", env=backend).stdout)
    assert answer["results"]["bindings"][0]["n"] == {
        "type": "literal",
        "value": "Á",
        "xml:lang": "fa",
    }
    graph = lamcoop("query", "CONSTRUCT WHERE { ?s <http://example.org/knows> ?o }", env=backend)
    assert graph.stdout.count(b"<http://example.org/knows>") == 2
    assert lamcoop("query", "ASK { ?s ?p 7 }", env=backend).stdout.strip() == b"true"
    # A second file replaces the graph; --append adds to it.
    other = tmp_path / "b.nt"
    other.write_text('<urn:x-lamcoop-test:x> <urn:x-lamcoop-test:p> "1" .\n')
    assert lamcoop("load", "--graph", TARGET, str(other), env=backend).returncode == 0
    assert _count(lamcoop, backend, TARGET) == 1
    appended = lamcoop("load", "--append", "--graph", TARGET, str(data), env=backend)
    assert appended.returncode == 0, appended.stderr
    assert _count(lamcoop, backend, TARGET) == 5


def test_a_replace_keeps_what_both_versions_share_and_holds_only_the_new(
    lamcoop, backend, tmp_path
):
    """A replace writes only what changed where the engine can tell (the triples both
    versions state are kept, the others removed or added; blank nodes are the new
    version's own): the graph then holds exactly the new version, as on every store."""
    x = "urn:x-lamcoop-test:"
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    shared = f'<{x}a> <{x}p> "kept" .\n<{x}a> <{x}q> _:b .\n_:b <{x}p> "blank" .\n'
    old.write_text(shared + f'<{x}a> <{x}p> "gone" .\n<{x}c> <{x}p> <{x}a> .\n')
    new.write_text(shared + f'<{x}a> <{x}p> "new" .\n<{x}d> <{x}p> <{x}a> .\n')
    for version in (old, new):
        loaded = lamcoop("load", "--graph", TARGET, str(version), env=backend)
        assert loaded.returncode == 0, loaded.stderr
    assert _count(lamcoop, backend, TARGET) == 5
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{TARGET}> {{ ?s ?p ?o }} }}"
    held = lamcoop("query", construct, "--format", "nt", env=backend)
    assert held.returncode == 0, held.stderr
    got = ox.Dataset(ox.parse(input=held.stdout, format=ox.RdfFormat.N_TRIPLES))
    want = ox.Dataset(ox.parse(path=new, format=ox.RdfFormat.N_TRIPLES))
    got.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    want.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert got == want


def test_a_broken_file_names_its_place_and_changes_nothing(lamcoop, backend, tmp_path):
    good = tmp_path / "good.nt"
    good.write_text('<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "1" .\n')
    assert lamcoop("load", "--graph", TARGET, str(good), env=backend).returncode == 0
    before = lamcoop("graphs", "--format", "json", env=backend).stdout
    bad = tmp_path / "bad.nt"
    bad.write_text(
        '<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "2" .\n<urn:x-lamcoop-test:a> oops\n'
    )
    run = lamcoop("load", "--graph", TARGET, str(bad), env=backend)
    assert run.returncode != 0
    assert "bad.nt" in run.stderr.decode() and "line 2" in run.stderr.decode()
    assert b"Traceback" not in run.stderr
    assert lamcoop("graphs", "--format", "json", env=backend).stdout == before
    bad_query = lamcoop("query", "SELECT WHERE", env=backend)
    assert bad_query.returncode != 0 and "query syntax error" in bad_query.stderr.decode()


def _count(lamcoop, env: dict[str, str], graph: str) -> int:
    rows = json.loads(lamcoop("graphs", "--format", "json", env=env).stdout)
    return next(r["triples"] for r in rows if r["graph"] == graph)


# -- atomicity: the loader killed, the engine stopped --------------------------------------


@pytest.fixture(scope="module")
def load_file(tmp_path_factory) -> Path:
    """Synthetic triples enough that a remote load takes a while (to stop it halfway)."""
    return synthetic_nt(tmp_path_factory.mktemp("remote-load") / "load.nt", 40_000)


def _start_load(env: dict[str, str], source: Path, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(VENV_BIN / "lamcoop"), "load", "--graph", TARGET, str(source)],
        cwd=cwd,
        env={**_plain_env(), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _plain_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}


def _wait_for_marker(
    server: OxigraphServer | VirtuosoServer, loader: subprocess.Popen[bytes]
) -> None:
    """Return once the load has committed its marker (it has begun staging)."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert loader.poll() is None, loader.communicate()
        if server.counts().get("urn:lamcoop:pending-loads"):
            return
        time.sleep(0.05)
    raise AssertionError("the load never began")


def _published(counts: dict[str, int]) -> dict[str, int]:
    return {g: n for g, n in counts.items() if not g.startswith("urn:lamcoop:")}


@pytest.fixture(params=["oxigraph", "virtuoso"])
def engine(request, tmp_path: Path):
    """A remote engine that a test may kill and start again, with lamcoop's settings: a
    Virtuoso of the test's own (the session's may have a ``lamcoop serve`` node over it,
    another writer, which acts when the engine comes back and would change its
    bookkeeping while the test compares it)."""
    if request.param == "virtuoso":
        virtuoso = VirtuosoServer(tmp_path / "virtuoso")
        request.addfinalizer(virtuoso.stop)
        return virtuoso, virtuoso_env(virtuoso, tmp_path / "state")
    server = request.getfixturevalue("oxigraph")
    return server, remote_env(server, tmp_path / "state")


#: A short lease for the tests that kill a loader: its markers are taken for dead after it.
LEASE = 2.0


def _after_the_lease() -> None:
    """Wait until a dead load's last heartbeat is older than :data:`LEASE`."""
    time.sleep(LEASE + 1.0)


def test_a_killed_loader_leaves_the_published_graphs(lamcoop, engine, load_file, tmp_path):
    oxigraph, env = engine
    env = {**env, "LAMCOOP_STORE_LEASE_SECONDS": str(LEASE)}
    small = tmp_path / "small.nt"
    small.write_text('<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "1" .\n')
    assert lamcoop("load", "--graph", TARGET, str(small), env=env).returncode == 0
    before = oxigraph.counts()
    loader = _start_load(env, load_file, tmp_path)
    _wait_for_marker(oxigraph, loader)
    loader.send_signal(signal.SIGKILL)
    loader.communicate(timeout=60)
    stopped = oxigraph.counts()
    assert "urn:lamcoop:pending-loads" in stopped  # stopped before its commit point
    assert _published(stopped) == _published(before)
    # An open once the lease is over drops what the load staged: the store is as it was.
    _after_the_lease()
    assert lamcoop("graphs", env=env).returncode == 0
    assert oxigraph.counts() == before


def test_an_engine_stopped_mid_load_leaves_the_published_graphs(
    lamcoop, engine, load_file, tmp_path
):
    oxigraph, env = engine
    env = {**env, "LAMCOOP_STORE_LEASE_SECONDS": str(LEASE)}
    small = tmp_path / "small.nt"
    small.write_text('<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "1" .\n')
    assert lamcoop("load", "--graph", TARGET, str(small), env=env).returncode == 0
    before = oxigraph.counts()
    loader = _start_load(env, load_file, tmp_path)
    _wait_for_marker(oxigraph, loader)
    oxigraph.kill()
    _out, err = loader.communicate(timeout=300)
    assert loader.returncode != 0
    assert f"cannot reach http://127.0.0.1:{oxigraph.port}/" in err.decode()
    assert b"Traceback" not in err
    oxigraph.start()
    restarted = oxigraph.counts()
    assert "urn:lamcoop:pending-loads" in restarted
    assert _published(restarted) == _published(before)
    _after_the_lease()
    assert lamcoop("graphs", env=env).returncode == 0
    assert oxigraph.counts() == before


def test_registers_load_alike(lamcoop, backend, tmp_path, repo_root):
    """Institution registries go through the importers, staging and provenance on both."""
    fixtures = repo_root / "tests" / "fixtures" / "importers"
    names = ("wikidata-isil-excerpt.tsv", "imls-museums-excerpt.csv")
    tables = [Path(shutil.copy(fixtures / name, tmp_path)) for name in names]  # reports beside
    run = lamcoop("load", "--quiet", *map(str, tables), env=backend)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.decode().splitlines()
    assert lines[0].startswith("wikidata-isil-excerpt.tsv (wikidata-isil): 46 rows: 42 loaded, ")
    assert lines[1].startswith("imls-museums-excerpt.csv (imls-museums): 43 rows: 43 loaded")
    rows = json.loads(lamcoop("graphs", "--format", "json", env=backend).stdout)
    counts = {r["graph"].rsplit("/", 1)[1]: r["triples"] for r in rows}
    assert counts["wikidata-isil-excerpt"] > 0 and counts["imls-museums-excerpt"] > 0
    # Loading the same tables again leaves the counts as they were.
    again = lamcoop("load", "--quiet", *map(str, tables), env=backend)
    assert again.returncode == 0, again.stderr
    rows = json.loads(lamcoop("graphs", "--format", "json", env=backend).stdout)
    assert {r["graph"].rsplit("/", 1)[1]: r["triples"] for r in rows} == counts
    # A register naming parties by label finds them through the text index on every engine,
    # and suggests labels like an unknown one.
    register = tmp_path / "register.csv"
    register.write_text(
        "id,title,parties\n"
        "a-1,Shared catalogue,university of north texas; DANISCHE KONIGLICHE BIBLIOTHEK\n",
        encoding="utf-8",
    )
    named = lamcoop("load", "--quiet", str(register), env=backend)
    assert named.returncode == 0, named.stderr
    assert "1 row: 1 loaded" in named.stdout.decode()
    register.write_text("id,title,parties\na-2,T,Philologische Bibliothek\n", encoding="utf-8")
    unknown = lamcoop("load", "--quiet", str(register), env=backend)
    assert unknown.returncode == 1
    said = " ".join(unknown.stderr.decode().split())
    assert "labels like it: 'Philologische Bibliothek der Freien Universität Berlin'" in said


def test_a_copy_dropped_by_another_recovery_never_empties_its_target(oxigraph, tmp_path):
    """Two writers on one remote store: the second one takes the first one's load for dead
    (its lease is shorter than the time since the heartbeat) and drops its staged copy;
    publishing it then changes nothing (it never publishes an empty graph) and fails loudly
    instead of reporting counts."""
    from graph_loader.settings import resolve_settings
    from graph_loader.store import open_configured
    from graph_loader.store.leases import LoadLost

    environ = remote_env(oxigraph, tmp_path / "state")
    settings = resolve_settings(environ=environ, config_file=None)
    hasty = resolve_settings(
        environ={**environ, "LAMCOOP_STORE_LEASE_SECONDS": "0.001"}, config_file=None
    )
    first = open_configured(settings)
    first.update(
        f"INSERT DATA {{ GRAPH <{TARGET}> {{ <urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> 1 }} }}"
    )
    before = oxigraph.counts()
    data = b'<urn:x-lamcoop-test:n> <urn:x-lamcoop-test:b> "2" .\n'
    staged = first.stage(data, graph=TARGET, format=ox.RdfFormat.N_TRIPLES, replace=True)
    time.sleep(0.1)
    second = open_configured(hasty)  # a read-write open recovers: the copy is dropped
    with pytest.raises(LoadLost, match="dropped by another writer"):
        staged.publish()
    assert oxigraph.counts() == before
    first.close()
    second.close()
