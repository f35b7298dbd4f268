"""``ontology/alignments.ttl``: loose links only, from declared terms, to the five vocabularies."""

from __future__ import annotations

import pytest
from ontology_support import ontology_graph
from rdflib import RDF, SKOS, Graph, URIRef

from graph_loader.build import BuildContext, load_shipped_files
from graph_loader.graphs import Purpose, graph_iris
from graph_loader.resources import resource_dir
from graph_loader.settings import resolve_settings

TARGETS = {
    "schema.org": "https://schema.org/",
    "EDM": "http://www.europeana.eu/schemas/edm/",
    "CIDOC-CRM": "http://www.cidoc-crm.org/cidoc-crm/",
    "RiC-O": "https://www.ica.org/standards/RiC/ontology#",
    "BIBFRAME": "http://id.loc.gov/ontologies/bibframe/",
}
HEADER = URIRef("https://w3id.org/lamcoop/ontology/alignments")


@pytest.fixture(scope="module")
def alignments() -> Graph:
    return Graph().parse(resource_dir("ontology") / "alignments.ttl", format="turtle")


def links(alignments: Graph) -> list[tuple]:
    return [(s, p, o) for s, p, o in alignments if s != HEADER]


def test_only_close_and_exact_matches(alignments):
    assert {p for _, p, _ in links(alignments)} <= {SKOS.closeMatch, SKOS.exactMatch}


def test_links_start_from_declared_terms(alignments):
    ontology = ontology_graph()
    undeclared = {s for s, _, _ in links(alignments) if (s, RDF.type, None) not in ontology}
    assert not undeclared, f"alignments of terms the ontology does not declare: {undeclared}"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_each_vocabulary_is_linked(alignments, name):
    assert any(str(o).startswith(TARGETS[name]) for _, _, o in links(alignments)), name


def test_every_link_goes_to_one_of_the_vocabularies(alignments):
    stray = [o for _, _, o in links(alignments) if not str(o).startswith(tuple(TARGETS.values()))]
    assert not stray, stray


def test_the_build_loads_them_but_reasoning_does_not_read_them(store, tmp_path):
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(tmp_path)})
    load_shipped_files(BuildContext(store, settings))
    graph = settings.graph_iri("alignments")
    assert store.triple_count(graph) > 0
    reasoned = graph_iris(Purpose.REASONING, store, base_iri=settings.base_iri)
    assert graph not in reasoned
    assert settings.graph_iri("ontology") in reasoned
