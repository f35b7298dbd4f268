"""Publishing a replaced graph survives a crash after its commit point, and is fast in bulk."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph_loader.store import PENDING_GRAPH, STAGING_PREFIX, moves, open_store, swap

G = "http://example.org/g"


def _quads(values: range, graph: ox.NamedNode | None = None):
    for i in values:
        yield ox.Quad(
            ox.NamedNode(f"http://example.org/s{i}"),
            ox.NamedNode("http://p"),
            ox.Literal(str(i)),
            graph,
        )


def _graph_values(store) -> set[str]:
    return {q.object.value for q in store.quads(G)}


def test_crash_after_commit_point_stands_and_the_next_open_frees_the_staging(tmp_path):
    store = open_store(tmp_path / "store")
    store.stage(_quads(range(0, 50)), graph=G, format=None).publish()
    staged = store.stage(_quads(range(30, 180)), graph=G, format=None, replace=True)
    staged.commit(also=f"INSERT DATA {{ GRAPH <{G}-meta> {{ <{G}> <http://p> 1 }} }}")
    # Simulated crash: the process ends after the commit point, before the cleanup.
    assert _graph_values(store) == {str(i) for i in range(30, 180)}
    assert staged.committed
    del store, staged

    reopened = open_store(tmp_path / "store")
    assert _graph_values(reopened) == {str(i) for i in range(30, 180)}
    assert reopened.triple_count(f"{G}-meta") == 1
    assert not reopened.pending_loads()
    names = {r["g"].value for r in reopened.query("SELECT ?g WHERE { GRAPH ?g { } }")}
    assert PENDING_GRAPH not in names
    assert not any(n.startswith(STAGING_PREFIX) for n in names)


@pytest.mark.parametrize("replace", [True, False])
def test_crash_while_publishing_is_undone_on_next_open(tmp_path, replace):
    """Publishing applied whole, and the process ends before the commit transaction: the
    next open applies the differences backwards (the old triples back, the new ones gone)."""
    store = open_store(tmp_path / "store")
    store.stage(_quads(range(0, 50)), graph=G, format=None).publish()
    staged = store.stage(_quads(range(30, 180)), graph=G, format=None, replace=replace)
    assert staged.prepare() == {G: 150 if replace else 180}
    store.update(staged._state_steps([G], "publishing"))
    physical = staged.targets[G][0]
    store.apply_staged(G, physical, forward=True)
    expected = range(30, 180) if replace else range(0, 180)
    assert _graph_values(store) == {str(i) for i in expected}
    del store, staged

    reopened = open_store(tmp_path / "store")
    assert _graph_values(reopened) == {str(i) for i in range(50)}
    assert not reopened.pending_loads()
    assert not reopened.internal_graphs()


def test_crash_before_commit_point_is_undone_on_next_open(tmp_path):
    store = open_store(tmp_path / "store")
    store.stage(_quads(range(0, 50)), graph=G, format=None).publish()
    store.stage(_quads(range(100, 180)), graph=G, format=None, replace=True)
    del store

    reopened = open_store(tmp_path / "store")
    assert _graph_values(reopened) == {str(i) for i in range(50)}
    assert not reopened.pending_loads()


def test_append_and_replace_of_quads_publish_whole(tmp_path):
    store = open_store(tmp_path / "store")
    store.stage(_quads(range(0, 10)), graph=G, format=None).publish()
    store.stage(_quads(range(5, 20)), graph=G, format=None, replace=False).publish()
    assert _graph_values(store) == {str(i) for i in range(20)}
    named = ox.NamedNode("http://example.org/other")
    store.stage(_quads(range(3), named), graph=G, format=None, replace=True).publish()
    assert _graph_values(store) == {str(i) for i in range(20)}
    assert store.triple_count("http://example.org/other") == 3


def test_streamed_quads_load_into_an_in_memory_store():
    # Enough for several write chunks, and for the replace to empty the target in more
    # than one transaction.
    many = swap.CLEAR_QUADS + moves.WRITE_QUADS * 2
    assert many > moves.WRITE_QUADS * 10
    store = open_store(None)
    store.stage(_quads(range(0, many)), graph=G, format=None).publish()
    assert store.triple_count(G) == many
    store.stage(_quads(range(0, 5)), graph=G, format=None, replace=True).publish()
    assert store.triple_count(G) == 5
    assert not store.pending_loads()


def _crash_mid_swap(store_path, *, undoing: bool) -> None:
    """Publish a replace by the swap up to a point, then end as a crash would: the target
    emptied and nothing loaded yet (or, ``undoing``, published whole and then emptied by
    an undo that stopped too)."""
    store = open_store(store_path)
    store.stage(_quads(range(0, 50)), graph=G, format=None).publish()
    staged = store.stage(_quads(range(30, 180)), graph=G, format=None, replace=True)
    assert staged.prepare() == {G: 150}
    assert (store_path / "lamcoop-staging").is_dir()  # staged in the scratch store
    store.update(staged._state_steps([G], "publishing"))
    if undoing:
        store.apply_staged(G, staged.targets[G][0], forward=True)
        assert _graph_values(store) == {str(i) for i in range(30, 180)}
    store.update(f"DELETE WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}")
    assert store.triple_count(G) == 0
    del store, staged


@pytest.mark.parametrize("undoing", [False, True])
def test_a_swap_stopped_with_its_target_emptied_is_undone_on_next_open(tmp_path, undoing):
    _crash_mid_swap(tmp_path / "store", undoing=undoing)
    reopened = open_store(tmp_path / "store")
    assert _graph_values(reopened) == {str(i) for i in range(50)}
    assert not reopened.pending_loads()
    assert not reopened.internal_graphs()
    assert not (tmp_path / "store" / "lamcoop-staging").exists()


def test_a_replace_swaps_blank_nodes_in_and_frees_its_scratch_store(tmp_path):
    store = open_store(tmp_path / "store")
    data = b"_:a <http://p> _:b .\n_:b <http://p> <http://o> .\n"
    store.load_graph(b'<http://s> <http://p> "1" .\n', graph=G, format=ox.RdfFormat.N_TRIPLES)
    store.replace_graph(data, graph=G, format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(
        "SELECT * WHERE { GRAPH ?g { ?x <http://p> ?b . ?b <http://p> ?o } }",
        substitutions={ox.Variable("g"): ox.NamedNode(G)},
    )
    assert [row["o"].value for row in rows] == ["http://o"]  # the blank node still joins
    assert store.triple_count(G) == 2
    assert not (tmp_path / "store" / "lamcoop-staging").exists()
    assert not store.internal_graphs()


def test_a_scratch_store_left_behind_is_never_published(tmp_path):
    """A process that ends after its markers went but before it removed its scratch store
    leaves staged data there; the next replace must publish its own data only."""
    store = open_store(tmp_path / "store")
    store.stage(_quads(range(0, 50)), graph=G, format=None).publish()
    store.stage(b'<http://x> <http://p> "left" .\n', graph=G, format=ox.RdfFormat.N_TRIPLES)
    store.drop_graph(PENDING_GRAPH)  # the markers gone, the scratch store not yet removed
    del store
    assert (tmp_path / "store" / "lamcoop-staging").is_dir()

    reopened = open_store(tmp_path / "store")
    new = b'<http://y> <http://p> "new" .\n'
    reopened.replace_graph(new, graph=G, format=ox.RdfFormat.N_TRIPLES)
    assert _graph_values(reopened) == {"new"}
    assert not (tmp_path / "store" / "lamcoop-staging").exists()
