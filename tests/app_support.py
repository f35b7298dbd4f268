"""A small dataset served in-process: the application over a real in-memory store, with an
entity, an ontology term, the dumps and the VoID graph, behind Flask's test client."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from flask.testing import FlaskClient

from graph_loader import index
from graph_loader.publish.dump import write_dumps
from graph_loader.publish.void import write_void
from graph_loader.settings import resolve_settings
from graph_loader.store import open_store
from sparql_endpoint.app import close_app, create_app

BASE = "https://w3id.org/lamcoop/"
THING = BASE + "id/thing/a"
DATA_GRAPH = BASE + "graph/things"
#: An entity whose preferred label sorts after its other English label, so a page showing
#: "Zeta" chose by predicate, not by text.
DATA = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
<{THING}> a lamc:Thing ; skos:prefLabel "Zeta"@en , "زتا"@fa ; rdfs:label "Alpha"@en .
"""
ONTOLOGY = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
lamc:Thing a owl:Class ; rdfs:label "Thing"@en , "چیز"@fa .
"""


@contextmanager
def small_app(workdir: Path, **overrides: str) -> Iterator[FlaskClient]:
    """A test client of the application over the small dataset (dumps in ``workdir``), with
    these settings besides."""
    settings = resolve_settings(
        config_file=None,
        environ={},
        overrides={"store": str(workdir / "store"), "dump_dir": str(workdir / "dumps")} | overrides,
    )
    store = open_store(None)
    for text, graph in ((DATA, DATA_GRAPH), (ONTOLOGY, settings.graph_iri("ontology"))):
        store.replace_graph(text.encode("utf-8"), graph=graph, format=ox.RdfFormat.TURTLE)
    write_dumps(store, settings)
    write_void(store, settings)
    index.rebuild(store, base_iri=settings.base_iri)  # as the build's last steps do
    app = create_app(settings, store=store)
    try:
        yield app.test_client()
    finally:
        close_app(app)
