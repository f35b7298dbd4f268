"""The fast path and pySHACL give identical results on seeded random data and shapes
built from the constraints the fast path compiles."""

from __future__ import annotations

import random
from collections import Counter

import pyoxigraph as ox
import pytest
from shacl_random import data_graph, shapes_graph

from graph_loader.shacl import validate
from graph_loader.shacl.terms import oxigraph_triples
from graph_loader.store import open_store

GRAPH = "urn:x-lamcoop-test:random"


def _store_with(data):
    store = open_store(None)
    store.extend(ox.Quad(*t, ox.NamedNode(GRAPH)) for t in oxigraph_triples(data))
    return store


@pytest.mark.parametrize("seed", range(int(__import__("os").environ.get("SHACL_SEEDS", "40"))))
def test_fast_path_agrees_with_pyshacl(seed):
    rng = random.Random(seed)
    data, shapes = data_graph(rng), shapes_graph(rng)
    store = _store_with(data)
    fast = validate(store, shapes, engine="fast")
    reference = validate(store, shapes, engine="pyshacl")
    assert set(fast.shape_engines.values()) == {"fast"}
    got = Counter(r.key() for r in fast.results)
    want = Counter(r.key() for r in reference.results)
    assert got == want, (
        f"seed {seed}: only fast {sorted(map(str, got - want))}\n"
        f"only pyshacl {sorted(map(str, want - got))}"
    )


def test_the_random_material_finds_violations():
    """The generated cases are not trivially conforming."""
    rng = random.Random(0)
    totals = []
    for seed in range(10):
        rng = random.Random(seed)
        data, shapes = data_graph(rng), shapes_graph(rng)
        totals.append(len(validate(_store_with(data), shapes, engine="fast").results))
    assert sum(1 for t in totals if t) >= 8
