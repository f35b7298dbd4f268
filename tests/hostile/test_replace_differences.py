"""A replace published by its differences (graph_loader/store/differences.py) is atomic across a
killed process, and hostile files cannot use it to change what a load means.

A real ``lamcoop load`` replaces a 100k-triple graph with the same file, a tenth of its
lines changed (so it is published by differences), in its own process, and is killed
(SIGKILL: no handler runs) while it stages and while it publishes: the next open must find
the old version whole (the store's state and provenance as before). The moment after the
commit point is too short to catch from outside: tests/test_replace_differences.py ends a
process there (the new version stands whole).
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.loading import LoadError, load_file
from graph_loader.provenance import read_sources
from graph_loader.store import Store, open_store
from graph_loader.store.swap import SCRATCH_DIR
from tests.hostile.conftest import store_state, store_state_at
from tests.hostile.test_interrupts import (
    BASE,
    EX,
    _caught,
    _provenance,
    killed_when,
    replacing_load,
    triples,
)

TARGET = EX + "existing"
NT = ox.RdfFormat.N_TRIPLES


def _edited(source: Path, into: Path) -> Path:
    """``source`` with the subjects of one line in ten moved elsewhere."""
    lines = source.read_bytes().splitlines(keepends=True)
    into.write_bytes(
        b"".join(
            line.replace(b"/id/", b"/id-edited/") if n % 10 == 0 else line
            for n, line in enumerate(lines)
        )
    )
    return into


def _content(store_path: Path) -> tuple[set[str], int]:
    """The target's triples without a blank node, and how many have one."""
    store = open_store(store_path)
    try:
        return _split(store.quads(TARGET))
    finally:
        store.close()


def _split(quads) -> tuple[set[str], int]:
    plain, blank = set(), 0
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            blank += 1
        else:
            plain.add(str(q.triple))
    return plain, blank


def _loaded(source: Path) -> tuple[set[str], int]:
    """What a fresh load of ``source`` gives, as :func:`_content` reads it."""
    store = ox.Store()
    store.load(path=str(source), format=NT)
    return _split(store)


def _prepared(store_path: Path, state: str) -> None:
    if state != "staged":  # prepared: by differences, not swapped
        assert list((store_path / SCRATCH_DIR).glob("*.removed.nt"))


@pytest.mark.slow
@pytest.mark.parametrize("state", ["staged", "publishing"])
def test_a_replace_by_differences_killed_leaves_one_version_whole(medium_nt, tmp_path, state):
    seed = tmp_path / "seed.nt"
    shutil.copyfile(medium_nt, seed)
    source = _edited(seed, tmp_path / "edited.nt")
    for attempt in range(8):
        store_path = tmp_path / f"store-{attempt}"
        store = open_store(store_path)
        load_file(store, seed, base_iri=BASE, graph=TARGET)
        store.close()
        before, sources, old = (
            store_state_at(store_path),
            _provenance(store_path),
            _content(store_path),
        )

        with replacing_load(store_path, source) as process:
            caught = partial(_caught, process, store_path, state)
            if not killed_when(process, caught, partial(_prepared, store_path, state)):
                continue
        assert store_state_at(store_path) == before  # nothing staged or marked is left
        assert _provenance(store_path) == sources
        assert _content(store_path) == old
        assert _content(store_path) != _loaded(source)
        assert not (store_path / SCRATCH_DIR).exists()
        return
    raise AssertionError(f"the load was never caught while {state}")


def _store_with(tmp_path: Path, data: str) -> tuple[Path, Store]:
    """A store on disk whose target graph ``lamcoop load`` filled with ``data`` (its path
    and the store, open)."""
    store_path = tmp_path / "store"
    (tmp_path / "seed.nt").write_text(data, encoding="utf-8")
    store = open_store(store_path)
    load_file(store, tmp_path / "seed.nt", base_iri=BASE, graph=TARGET)
    return store_path, store


def test_a_bad_file_close_to_the_graph_names_its_line_and_changes_nothing(tmp_path):
    good = triples(5_000)
    store_path, store = _store_with(tmp_path, good)
    before, sources = store_state(store), read_sources(store, BASE)
    bad = tmp_path / "bad.nt"
    bad.write_text(good + f'<{EX}s> <{EX}p> "unterminated .\n', encoding="utf-8")
    try:
        with pytest.raises(LoadError, match=r"bad\.nt.*line 5001"):
            load_file(store, bad, base_iri=BASE, graph=TARGET)
        assert store_state(store) == before
        assert read_sources(store, BASE) == sources
    finally:
        store.close()
    assert store_state_at(store_path) == before
    assert not (store_path / SCRATCH_DIR).exists()


def test_a_file_naming_another_graphs_blank_node_gets_a_fresh_one(tmp_path):
    """A file that writes the label a blank node of another graph has in the store (a dump
    shows it) must not join that node: the replace's blank nodes are its own."""
    store = open_store(tmp_path / "store")
    other = EX + "other"
    kept = f'<{EX}a> <{EX}p> _:x .\n_:x <{EX}q> "other" .\n'
    store.load_graph(kept.encode(), graph=other, format=NT)
    label = next(q.object.value for q in store.quads(other) if q.predicate.value == EX + "p")
    data = triples(50)
    store.load_graph(data.encode(), graph=TARGET, format=NT)
    before = store_state(store)
    hostile = data + f'<{EX}s0> <{EX}link> _:{label} .\n_:{label} <{EX}q> "mine" .\n'
    store.replace_graph(hostile.encode(), graph=TARGET, format=NT)
    assert store_state(store) == {**before, TARGET: 52}
    ours = {q.object.value for q in store.quads(TARGET) if q.predicate.value == EX + "link"}
    assert ours and label not in ours
    rows = store.query(
        "SELECT ?g ?v WHERE { GRAPH ?g { ?b ?q ?v } FILTER(isBlank(?b)) }",
        substitutions={ox.Variable("g"): ox.NamedNode(other)},
    )
    assert [row["v"].value for row in rows] == ["other"]  # the other graph's node untouched
    store.close()


def test_one_value_written_two_ways_is_one_triple_and_counted_once(tmp_path):
    data = triples(50)
    _store_path, store = _store_with(tmp_path, data)
    integer = "http://www.w3.org/2001/XMLSchema#integer"
    twice = data + f'<{EX}s0> <{EX}n> "1"^^<{integer}> .\n<{EX}s0> <{EX}n> "01"^^<{integer}> .\n'
    (tmp_path / "twice.nt").write_text(twice, encoding="utf-8")
    result = load_file(store, tmp_path / "twice.nt", base_iri=BASE, graph=TARGET)
    assert result.graphs[TARGET] == store.triple_count(TARGET) == 51
    assert int(read_sources(store, BASE)[TARGET]["triples"]) == 51
    store.close()
