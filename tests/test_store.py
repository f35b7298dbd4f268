"""The store: its small interface, atomic replace, and loads that crash or are interrupted."""

from __future__ import annotations

import ast
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO_ROOT, snapshot, snapshot_at

from graph_loader.loading import load_file
from graph_loader.store import PENDING_GRAPH, ReadableStore, Store, StoreError, open_store
from graph_loader.store.swap import SCRATCH_DIR
from tests.servers import VENV_BIN

BASE = "https://w3id.org/lamcoop/"
EX = "http://example.org/"
NT = ox.RdfFormat.N_TRIPLES


def nt(*objects: str) -> bytes:
    return "".join(f"<{EX}s> <{EX}p> <{EX}{o}> .\n" for o in objects).encode()


def test_interface_lists_counts_replaces_and_drops(store):
    assert store.graphs() == []
    assert store.load_graph(nt("a", "b"), graph=EX + "g1", format=NT) == [EX + "g1"]
    store.load_graph(nt("c"), graph=EX + "g2", format=NT)
    assert [(g.iri, g.triples) for g in store.graphs()] == [(EX + "g1", 2), (EX + "g2", 1)]
    store.replace_graph(nt("x"), graph=EX + "g1", format=NT)
    assert store.triple_count(EX + "g1") == 1
    store.load_graph(nt("y"), graph=EX + "g1", format=NT)
    assert store.triple_count(EX + "g1") == 2
    store.drop_graph(EX + "g2")
    assert not store.has_graph(EX + "g2") and store.triple_count(EX + "g2") == 0
    assert len(list(store.quads(EX + "g1"))) == 2


def test_query_default_graph_is_the_union_unless_given(store):
    store.load_graph(nt("a"), graph=EX + "g1", format=NT)
    store.load_graph(nt("b"), graph=EX + "g2", format=NT)
    union = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert int(next(iter(union))["n"].value) == 2
    one = store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", default_graph=ox.NamedNode(EX + "g1"))
    assert int(next(iter(one))["n"].value) == 1


def test_the_embedded_store_implements_the_interface(store):
    assert isinstance(store, Store) and isinstance(store, ReadableStore)
    declared = {n for n in dir(Store) if not n.startswith("_")} - {"read_only"}
    assert declared <= set(dir(type(store)))


def test_nothing_outside_the_store_package_reaches_the_backend_object():
    package = REPO_ROOT / "graph_loader" / "store"
    sources = [
        path
        for folder in ("graph_loader", "sparql_endpoint", "tests", "bench", "scripts")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if package not in path.parents
    ]
    reaching = [
        f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in ("inner", "_inner")
    ]
    assert not reaching


def test_dump_create_and_clear_the_default_graph(store):
    store.load_graph(nt("a", "b"), graph=EX + "g", format=NT)
    dumped = store.dump_graph(EX + "g", format=NT)
    assert sorted(dumped.splitlines()) == sorted(nt("a", "b").splitlines())
    assert store.dump_graph(EX + "nothing", format=NT) == b""
    store.create_graph(EX + "empty")
    assert store.has_graph(EX + "empty") and store.triple_count(EX + "empty") == 0
    assert EX + "empty" in {g.iri for g in store.graphs()}
    store.update(f"INSERT DATA {{ <{EX}s> <{EX}p> 1 }}")
    store.clear_default_graph()
    assert store.triple_count(EX + "g") == 2
    assert {q.graph_name for q in store.quads()} == {ox.NamedNode(EX + "g")}


def test_closing_twice_is_harmless(store_path):
    opened = open_store(store_path)
    opened.close()
    opened.close()


def test_read_only_store_refuses_writes_and_missing_store(store_path, tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        open_store(tmp_path / "nowhere", read_only=True)
    writer = open_store(store_path)
    writer.load_graph(nt("a"), graph=EX + "g", format=NT)
    writer.close()
    reader = open_store(store_path, read_only=True)
    assert reader.triple_count(EX + "g") == 1
    with pytest.raises(StoreError, match="read-only"):
        reader.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}b> 1 }} }}")
    with pytest.raises(StoreError, match="read-only"):
        reader.drop_graph(EX + "g")
    reader.close()


def test_failed_staging_rolls_back_replace_and_new_graphs(store):
    store.load_graph(nt("old"), graph=EX + "g", format=NT)
    before = snapshot(store)

    def quads_then_failure():
        yield ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "new"))
        yield ox.Quad(
            ox.NamedNode(EX + "s"),
            ox.NamedNode(EX + "p"),
            ox.NamedNode(EX + "elsewhere"),
            ox.NamedNode(EX + "fresh"),
        )
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        store.stage(quads_then_failure(), graph=EX + "g", format=None, replace=True)
    assert snapshot(store) == before


def test_a_crash_before_publishing_is_rolled_back_on_open(store_path):
    """A staged load whose process dies before publish leaves a marker; opening undoes it."""
    store = open_store(store_path)
    store.load_graph(nt("keep"), graph=EX + "old", format=NT)
    before = snapshot(store)
    store.stage(nt("a", "b"), graph=EX + "old", format=NT, replace=True)
    store.stage(nt("c"), graph=EX + "new", format=NT, replace=True)
    assert store.has_graph(EX + "new"), "the new graph was written before publishing"
    store.close()  # the process "dies" here: no publish, no abort

    raw = ox.Store.read_only(str(store_path))
    assert raw.contains_named_graph(ox.NamedNode(PENDING_GRAPH))
    del raw
    with pytest.raises(StoreError, match="interrupted load"):
        open_store(store_path, read_only=True)
    assert snapshot_at(store_path) == before
    reader = open_store(store_path, read_only=True)
    assert not reader.has_graph(PENDING_GRAPH)
    reader.close()


# -- a real process killed or interrupted mid-load --------------------------------------------

#: Seconds a test waits for a load to reach a state, or to end: a deadline for a load that
#: hangs, never reached otherwise, however busy the machine.
LOAD_DEADLINE = 300


def _store_with_two_graphs(store_path: Path, tmp_path: Path) -> tuple:
    seed = tmp_path / "seed.nt"
    seed.write_bytes(nt("one", "two", "three"))
    store = open_store(store_path)
    load_file(store, seed, base_iri=BASE, graph=EX + "existing")
    load_file(store, seed, base_iri=BASE, graph=EX + "other")
    state = snapshot(store)
    store.close()
    return state


@contextmanager
def _loading(store_path: Path, big: Path, *args: str) -> Iterator[subprocess.Popen]:
    """``lamcoop load`` running in a real process; killed and reaped however the test ends."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    command = [str(VENV_BIN / "lamcoop"), "--store", str(store_path), "load", str(big), *args]
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()


def _bulk_writing(store_path: Path) -> bool:
    """Whether a bulk write is under way: the bulk loader's files exist only meanwhile, in
    the store or in the scratch store a replace of quads stages in; a replace of a file of
    triples writes its new version's lines in the scratch directory instead, under a working
    name until they are compared (``graph_loader.store.swap``)."""
    places = [store_path, store_path / SCRATCH_DIR / "store"]
    scratch = os.listdir(store_path / SCRATCH_DIR) if (store_path / SCRATCH_DIR).is_dir() else []
    lines = any(n.endswith(".new.part") for n in scratch)
    return (lines and not any(n.endswith(".old.part") for n in scratch)) or any(
        name.startswith("bulk-") for place in places if place.is_dir() for name in os.listdir(place)
    )


def _load_states(store_path: Path) -> set[str]:
    """The states of the loads in progress, as another process reads the store: "staged",
    "publishing" (short of the commit point), "cleanup" (past it); see ``graph_loader.store``."""
    raw = ox.Store.read_only(str(store_path))
    try:
        return {
            quad.object.value
            for quad in raw.quads_for_pattern(None, None, None, ox.NamedNode(PENDING_GRAPH))
            if quad.predicate.value.endswith("#state")
        }
    finally:
        del raw


def _states_now(store_path: Path) -> set[str]:
    """:func:`_load_states`, or nothing when the reader opened while the writer compacted
    (a file it listed was gone): the caller looks again."""
    try:
        return _load_states(store_path)
    except (OSError, RuntimeError):
        return set()


def _stopped(pid: int) -> bool:
    """Whether every thread of process ``pid`` has stopped (SIGSTOP)."""
    states = []
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        with contextlib.suppress(OSError):
            states.append(stat.read_text().rsplit(")", 1)[1].split()[0])
    return bool(states) and all(state in "tT" for state in states)


def _stop_while_writing(process: subprocess.Popen, store_path: Path, state: str) -> bool:
    """Stop the load (SIGSTOP) at a moment it is writing data in ``state`` ("staged": before
    its commit point; "publishing": moving staged data into place after it); True when it is
    left stopped there, False when it ended before it could be caught.

    Stopped, the load is known to be there when a bulk write is under way and the store
    says so. Until it is continued, the load can go no further; a signal sent to it
    meanwhile is the first thing it meets when it is continued.
    """
    deadline = time.monotonic() + LOAD_DEADLINE
    # Publishing writes in short transactions, not in bulk: its marker tells it.
    writing = _bulk_writing if state == "staged" else (lambda path: state in _states_now(path))
    while process.poll() is None:
        assert time.monotonic() < deadline, "the load neither wrote nor ended"
        if writing(store_path):
            process.send_signal(signal.SIGSTOP)
            while not _stopped(process.pid):
                assert time.monotonic() < deadline, "the load did not stop"
                time.sleep(0.001)
            if writing(store_path) and _states_now(store_path) == {state}:
                return True
            process.send_signal(signal.SIGCONT)
        time.sleep(0.005)
    return False


def _interrupt_while_writing(
    tmp_path: Path,
    big: Path,
    args: tuple[str, ...],
    interrupt: Callable[[subprocess.Popen], None],
    state: str = "staged",
) -> tuple[Path, tuple, subprocess.Popen, bytes]:
    """Load ``big`` into a store with two graphs; ``interrupt`` the load while it writes in
    ``state`` (see :func:`_stop_while_writing`).

    Returns the store, its content before the load, the ended process and its stderr. A load
    that ends before it is caught (a busy machine can let it run past the moment) is tried
    again in a new store.
    """
    for attempt in range(5):
        store_path = tmp_path / f"store-{attempt}"
        before = _store_with_two_graphs(store_path, tmp_path)
        with _loading(store_path, big, *args) as process:
            if _stop_while_writing(process, store_path, state):
                interrupt(process)
                _, err = process.communicate(timeout=LOAD_DEADLINE)
                return store_path, before, process, err
            process.communicate(timeout=LOAD_DEADLINE)
    raise AssertionError(f"the load was never caught writing while {state}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("--graph", EX + "existing"), ("--graph", EX + "existing", "--append"), ()],
    ids=["replace", "append", "new-graph"],
)
def test_sigkill_mid_load_leaves_the_store_unchanged(big_nt, tmp_path, args):
    store_path, before, process, _ = _interrupt_while_writing(
        tmp_path, big_nt, args, subprocess.Popen.kill
    )
    assert process.returncode == -signal.SIGKILL
    raw = ox.Store.read_only(str(store_path))
    assert raw.contains_named_graph(ox.NamedNode(PENDING_GRAPH)), "killed before it began"
    del raw
    assert snapshot_at(store_path) == before


def _ctrl_c(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGCONT)


@pytest.mark.slow
def test_ctrl_c_mid_load_exits_non_zero_quietly_and_changes_nothing(big_nt, tmp_path):
    store_path, before, process, err = _interrupt_while_writing(
        tmp_path, big_nt, ("--graph", EX + "existing"), _ctrl_c
    )
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    assert b"interrupted" in err.lower()
    assert len(err.splitlines()) <= 2, err
    assert snapshot_at(store_path) == before


@pytest.mark.slow
def test_ctrl_c_while_publishing_leaves_at_once_and_the_next_open_undoes_it(medium_nt, tmp_path):
    """Publishing (the staged differences applied to the target) is short of the commit
    point: Ctrl-C there leaves at once, and the next open applies them backwards."""
    store_path, before, process, err = _interrupt_while_writing(
        tmp_path, medium_nt, ("--graph", EX + "existing"), _ctrl_c, state="publishing"
    )
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    assert b"undone when the store is next opened" in err
    assert len(err.splitlines()) <= 2, err
    assert _load_states(store_path) == {"publishing"}
    assert snapshot_at(store_path) == before
    assert _load_states(store_path) == set()
