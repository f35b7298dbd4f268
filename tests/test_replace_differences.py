"""A replace with few changes is published by its differences (graph_loader/store/differences.py)
and gives exactly the new version; with many it is swapped whole; either way can be undone."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph_loader.store import differences, open_store, swap

G = "urn:x-lamcoop-test:g"
EX = "urn:x-lamcoop-test:"
NT = ox.RdfFormat.N_TRIPLES
INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _data(n: int, *, changed: range = range(0)) -> bytes:
    """``n`` entities, each with a label, a non-canonical integer, a language-tagged name
    and an address as a blank node; the entities of ``changed`` get another label."""
    lines = []
    for i in range(n):
        label = f"moved {i}" if i in changed else f"label {i}"
        lines += [
            f'<{EX}e{i}> <{EX}label> "{label}" .',
            f'<{EX}e{i}> <{EX}count> "0{i}"^^<{INTEGER}> .',
            f'<{EX}e{i}> <{EX}name> "Name {i}"@EN .',
            f"<{EX}e{i}> <{EX}address> _:a{i} .",
            f'_:a{i} <{EX}city> "City {i % 7}" .',
        ]
    return ("\n".join(lines) + "\n").encode()


def _graph(store, graph: str = G) -> Graph:
    """The graph's triples as an rdflib graph (blank nodes compared by isomorphism)."""
    found = Graph()
    found.parse(data=store.dump_graph(graph, format=NT).decode(), format="nt")
    return found


def _fresh(data: bytes) -> Graph:
    """What a fresh load of ``data`` gives."""
    store = open_store(None)
    store.load_graph(data, graph=G, format=NT)
    return _graph(store)


def _same(found: Graph, expected: Graph) -> bool:
    return len(found) == len(expected) and isomorphic(found, expected)


@pytest.mark.parametrize(("changed", "way"), [(range(2), "differences"), (range(60), "swap")])
def test_a_replace_gives_exactly_the_new_version_either_way(tmp_path, changed, way):
    store = open_store(tmp_path / "store")
    store.load_graph(_data(100), graph=G, format=NT)
    new = _data(100, changed=changed)
    staged = store.stage(new, graph=G, format=NT, replace=True)
    physical = staged.targets[G][0]
    assert staged.prepare() == {G: 500}
    assert store._scratch_store().way(physical) == way
    staged.publish()
    assert _same(_graph(store), _fresh(new))
    assert store.triple_count(G) == 500
    assert not store.internal_graphs()
    assert not (tmp_path / "store" / swap.SCRATCH_DIR).exists()
    store.close()


def test_the_differences_hold_the_changed_triples_and_every_blank_node_triple(tmp_path):
    store = open_store(tmp_path / "store")
    store.load_graph(_data(100), graph=G, format=NT)
    staged = store.stage(_data(100, changed=range(3)), graph=G, format=NT, replace=True)
    staged.prepare()
    scratch, physical = store._scratch_store(), staged.targets[G][0]
    removed, added = (
        list(ox.parse(path=scratch.version(physical, w), format=NT)) for w in ("removed", "added")
    )
    blank = [q for q in added if isinstance(q.object, ox.BlankNode)]
    assert len(removed) == len(added) == 3 + 200  # 3 labels, and both triples of 100 addresses
    assert sorted(q.object.value for q in added if q.predicate.value == EX + "label") == [
        "moved 0",
        "moved 1",
        "moved 2",
    ]
    # The added blank nodes are fresh: none is one the old version had.
    old = {q.object.value for q in removed if isinstance(q.object, ox.BlankNode)}
    assert len(blank) == 100 and not old & {q.object.value for q in blank}
    staged.abort()
    store.close()


def test_a_replace_by_differences_stopped_while_publishing_is_undone_on_next_open(tmp_path):
    store = open_store(tmp_path / "store")
    old = _data(100)
    store.load_graph(old, graph=G, format=NT)
    staged = store.stage(_data(100, changed=range(5)), graph=G, format=NT, replace=True)
    staged.prepare()
    physical = staged.targets[G][0]
    assert store._scratch_store().way(physical) == "differences"
    store.update(staged._state_steps([G], "publishing"))
    store.apply_staged(G, physical, forward=True)
    store.apply_staged(G, physical, forward=True)  # repeated: the same
    assert _same(_graph(store), _fresh(_data(100, changed=range(5))))
    del store, staged  # the process ends before the commit point

    reopened = open_store(tmp_path / "store")
    assert _same(_graph(reopened), _fresh(old))
    assert not reopened.pending_loads()
    assert not reopened.internal_graphs()
    assert not (tmp_path / "store" / swap.SCRATCH_DIR).exists()


def test_a_replace_by_differences_past_its_commit_point_stands_when_the_process_ends(tmp_path):
    store = open_store(tmp_path / "store")
    store.load_graph(_data(100), graph=G, format=NT)
    new = _data(100, changed=range(5))
    staged = store.stage(new, graph=G, format=NT, replace=True)
    staged.commit(also=f"INSERT DATA {{ GRAPH <{G}-meta> {{ <{G}> <{EX}p> 1 }} }}")
    assert staged.committed
    del store, staged  # the process ends after the commit point, before the cleanup

    reopened = open_store(tmp_path / "store")
    assert _same(_graph(reopened), _fresh(new))
    assert reopened.triple_count(f"{G}-meta") == 1
    assert not reopened.pending_loads()
    assert not reopened.internal_graphs()
    assert not (tmp_path / "store" / swap.SCRATCH_DIR).exists()


def test_differences_applied_from_any_point_either_way(tmp_path):
    old, new = _data(20), _data(20, changed=range(4))
    for name, data in (("old", old), ("new", new)):
        (tmp_path / f"{name}.nt").write_bytes(_spelt(data))
        assert differences.sort_file(tmp_path / f"{name}.nt") == 100
    files = tmp_path / "removed.nt", tmp_path / "added.nt"
    found = differences.compare(tmp_path / "old.nt", tmp_path / "new.nt", *files, limit=1000)
    assert found == (44, 44)  # 4 labels, both triples of 20 addresses
    store = ox.Store()  # the old version under the labels of its file, as the store's dump
    store.extend(_into_g(ox.parse(path=tmp_path / "old.nt", format=NT)))
    lines = files[1].read_bytes().splitlines(keepends=True)
    half = tmp_path / "half.nt"  # a forward pass stopped halfway through its additions
    half.write_bytes(b"".join(lines[: len(lines) // 2]))
    differences.apply(store, G, files[0], half, forward=True)
    differences.apply(store, G, *files, forward=False)
    differences.apply(store, G, *files, forward=False)
    assert _in(store) == _in_file(tmp_path / "old.nt")
    differences.apply(store, G, *files, forward=True)
    expected = (_in_file(tmp_path / "old.nt") - _in_file(files[0])) | _in_file(files[1])
    assert len(expected) == 100 and _in(store) == expected


def _into_g(quads):
    return (ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(G)) for q in quads)


def _spelt(data: bytes) -> bytes:
    """``data`` as a store's dump spells it."""
    store = ox.Store()
    store.load(input=data, format=NT)
    return store.dump(format=NT, from_graph=ox.DefaultGraph()) or b""


def _in(store: ox.Store) -> set[str]:
    return {str(q.triple) for q in store}


def _in_file(path) -> set[str]:
    return {str(q.triple) for q in ox.parse(path=path, format=NT)}


def test_a_version_longer_than_a_run_is_sorted_once_each_by_merged_runs(tmp_path):
    path = tmp_path / "v.nt"
    lines = [f"<{EX}s{i % 250}> <{EX}p> <{EX}o> .\n".encode() for i in reversed(range(1000))]
    path.write_bytes(b"".join(lines))
    assert differences.sort_file(path, run_lines=64) == 250
    assert path.read_bytes().splitlines(keepends=True) == sorted(set(lines))
    assert [p.name for p in tmp_path.iterdir()] == ["v.nt"]  # no run left


def test_too_many_differences_write_no_file(tmp_path):
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_bytes(b"".join(f"<{EX}a{i}> <{EX}p> <{EX}o> .\n".encode() for i in range(10)))
    new.write_bytes(b"".join(f"<{EX}b{i}> <{EX}p> <{EX}o> .\n".encode() for i in range(10)))
    found = differences.compare(old, new, tmp_path / "r.nt", tmp_path / "a.nt", limit=5)
    assert found is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.nt", "old.nt"]
