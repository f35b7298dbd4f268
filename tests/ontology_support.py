"""What the ontology tests share: the ontology parsed, and the dataset of record as built."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from graph_loader.build import STEPS, BuildContext, materialise_inferences
from graph_loader.resources import resource_dir
from graph_loader.settings import Settings, resolve_settings
from graph_loader.store import Store, open_store


def ontology_graph() -> Graph:
    """``ontology/lamcoop.ttl`` as rdflib reads it."""
    return Graph().parse(resource_dir("ontology") / "lamcoop.ttl", format="turtle")


def record_graph(store_path: Path) -> Graph:
    """The dataset-of-record graphs (``seed-*``) as the build loads them.

    Runs every build step before reasoning into a new store at ``store_path``; a store the
    whole build made holds the same graphs (see :func:`record_of` and the session's
    ``dataset_record``), since later steps write graphs of their own.
    """
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(store_path)})
    store = open_store(store_path)
    try:
        ctx = BuildContext(store, settings)
        for step in STEPS[: STEPS.index(materialise_inferences)]:
            step(ctx)
        return record_of(store, settings)
    finally:
        store.close()


def record_of(store: Store, settings: Settings) -> Graph:
    """The dataset-of-record graphs (``seed-*``) of a built store, as one rdflib graph."""
    graph = Graph()
    prefix = settings.graph_iri("seed-")
    for info in store.graphs():
        if info.iri.startswith(prefix):
            data = store.dump_graph(info.iri, format=ox.RdfFormat.N_TRIPLES)
            graph.parse(data=data, format="nt")
    return graph
