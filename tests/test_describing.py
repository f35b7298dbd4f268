"""An entity's description read by pattern look-ups (the embedded store) says exactly what
the description query (a remote store's way) says, on data made to try every part of it:
statements in the store's own default graph and in internal graphs, blank nodes deeper than
three hops, blank nodes pointing at the entity, labels of what it points to, pages of
incoming statements, and an entity with more incoming statements than are read by pattern."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph_loader.describe import describe
from graph_loader.store import open_store
from graph_loader.store.describing import SCAN_LIMIT, by_patterns, by_query
from graph_loader.store.interface import EntityQuads
from tests.remote_support import OxigraphServer

T = "urn:x-lamcoop-test:"
E = ox.NamedNode("https://w3id.org/lamcoop/id/thing/e")
G1, G2 = ox.NamedNode(T + "g1"), ox.NamedNode(T + "g2")
INTERNAL = ox.NamedNode("urn:lamcoop:staging:x")
P, Q = ox.NamedNode(T + "p"), ox.NamedNode(T + "q")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


def _data(incoming: int, depth: int = 5) -> list[ox.Quad]:
    other = ox.NamedNode(T + "other")
    chain = [ox.BlankNode(f"b{n}") for n in range(depth + 1)]
    quads = [
        ox.Quad(E, P, ox.Literal("own"), G1),
        ox.Quad(E, P, ox.Literal("own"), G2),
        ox.Quad(E, Q, other, G1),
        ox.Quad(E, Q, ox.Literal("in the default graph")),
        ox.Quad(E, Q, ox.Literal("in an internal graph"), INTERNAL),
        ox.Quad(other, LABEL, ox.Literal("Other", language="en"), G2),
        ox.Quad(other, PREF, ox.Literal("دیگر", language="fa"), G1),
        ox.Quad(other, TITLE, ox.Literal("not a page label"), G1),
        ox.Quad(other, LABEL, ox.Literal("staged, not published"), INTERNAL),
        ox.Quad(E, P, chain[0], G1),
        # A blank node reached only through the store's own default graph.
        ox.Quad(E, P, ox.BlankNode("d")),
        ox.Quad(ox.BlankNode("d"), P, ox.Literal("below the default graph"), G2),
        # A citation pointing at the entity, which points at a labelled thing.
        ox.Quad(ox.BlankNode("cite"), P, E, G2),
        ox.Quad(ox.BlankNode("cite"), Q, ox.NamedNode(T + "source"), G2),
        ox.Quad(ox.NamedNode(T + "source"), LABEL, ox.Literal("Source"), G1),
    ]
    for n in range(depth):  # a chain of blank nodes, ``depth`` hops past the entity's
        quads.append(ox.Quad(chain[n], P, chain[n + 1], G1 if n % 2 else G2))
        quads.append(ox.Quad(chain[n], Q, ox.NamedNode(T + f"x{n}"), G1))
    quads.append(ox.Quad(ox.NamedNode(T + "x0"), LABEL, ox.Literal("x0"), G1))
    for n in range(incoming):
        s = ox.NamedNode(T + f"s{n % 97:03d}-{n}")
        quads.append(ox.Quad(s, P if n % 3 else Q, E, G1 if n % 2 else G2))
        if n % 5 == 0:
            quads.append(ox.Quad(s, LABEL, ox.Literal(f"s{n}"), G1))
            quads.append(ox.Quad(s, LABEL, ox.Literal("staged"), INTERNAL))
    quads.append(ox.Quad(ox.NamedNode(T + "hidden"), P, E, INTERNAL))
    return quads


def _same(a: EntityQuads, b: EntityQuads) -> None:
    for name in ("outgoing", "closure", "labels", "incoming_labels"):
        assert sorted(map(str, getattr(a, name))) == sorted(map(str, getattr(b, name))), name
    assert a.incoming == b.incoming  # the same page, in the same order
    assert a.incoming_total == b.incoming_total


@pytest.mark.parametrize("incoming", [0, 250, SCAN_LIMIT + 1])
def test_pattern_look_ups_say_what_the_query_says(incoming):
    store = ox.Store()
    store.extend(_data(incoming))
    for offset in (0, 100, 200, 300):
        native = by_patterns(store, E.value, offset=offset, limit=100)
        _same(native, by_query(store, E.value, offset=offset, limit=100))
        assert native.incoming_total == incoming


def test_internal_graphs_and_the_default_graph_are_never_shown():
    store = ox.Store()
    store.extend(_data(30))
    found = by_patterns(store, E.value, offset=0, limit=100)
    every = [
        *found.outgoing,
        *found.closure,
        *found.labels,
        *found.incoming,
        *found.incoming_labels,
    ]
    assert every
    assert {q.graph_name for q in every} == {G1, G2}
    texts = {q.object.value for q in every if isinstance(q.object, ox.Literal)}
    assert "staged" not in texts and "staged, not published" not in texts
    assert "below the default graph" in texts  # reached through the default graph
    assert "not a page label" not in texts


def test_blank_nodes_are_followed_to_the_end_of_the_chain():
    store = ox.Store()
    store.extend(_data(0))
    found = by_patterns(store, E.value, offset=0, limit=100)
    subjects = {q.subject for q in found.closure}
    assert {ox.BlankNode(f"b{n}") for n in range(5)} <= subjects
    assert ox.BlankNode("cite") in subjects


def test_a_description_from_the_embedded_store_pages_its_incoming_statements(tmp_path):
    store = open_store(tmp_path / "store")
    try:
        store.extend(_data(250))
        first, third = describe(store, E.value), describe(store, E.value, page=3)
        assert (first.incoming_total, len(first.incoming), first.has_next) == (250, 100, True)
        assert (len(third.incoming), third.has_next) == (50, False)
        order = [(s.predicate.value, s.subject.value, s.graph.value) for s in first.incoming]
        assert order == sorted(order)
        assert not {s.quad() for s in first.incoming} & {s.quad() for s in third.incoming}
    finally:
        store.close()


def _unlabelled(quads: list[ox.Quad]) -> list[str]:
    """The quads as text, blank node labels (each store's own) left out, sorted."""
    return sorted(re.sub(r"_:\S+", "_:b", str(q)) for q in quads)


def test_a_remote_store_describes_in_one_query_as_the_embedded_store_does(tmp_path):
    """Over a real Oxigraph server, the description query (the entity's value bound inside
    each branch, the page a branch of its own) says what the embedded look-ups say."""
    from graph_loader.settings import resolve_settings
    from graph_loader.store.opening import open_remote

    server = OxigraphServer(tmp_path / "oxigraph")
    try:
        overrides = {"store": server.query_url, "state_dir": str(tmp_path / "state")}
        remote = open_remote(resolve_settings(config_file=None, environ={}, overrides=overrides))
        data = _data(250, depth=2)  # within the three hops a remote description reaches
        remote.extend(data)
        local = ox.Store()
        local.extend(data)
        for offset in (0, 200):
            there = remote.describe_entity(E.value, offset=offset, limit=100)
            here = by_patterns(local, E.value, offset=offset, limit=100)
            for name in ("outgoing", "closure", "labels", "incoming_labels"):
                assert _unlabelled(getattr(there, name)) == _unlabelled(getattr(here, name)), name
            assert there.incoming == here.incoming
            assert there.incoming_total == here.incoming_total == 250
        remote.close()
    finally:
        server.stop()
