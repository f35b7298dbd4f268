"""HermiT, through owlready2, on the ontology and on the dataset of record.

owlready2 does not read Turtle: the graphs go to it as RDF/XML written by rdflib. Each run
starts a JVM (about a second); the checks are grouped so that the suite starts few.
"""

from __future__ import annotations

import io
import shutil

import owlready2
import pytest
from ontology_support import ontology_graph
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="HermiT needs Java (apt-get install -y default-jre-headless)",
)

LAMC = Namespace("https://w3id.org/lamcoop/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
INST = Namespace("https://w3id.org/lamcoop/id/institution/")


class Inconsistent(Exception):
    """HermiT found the ontology inconsistent."""


def reason(graph: Graph) -> list[str]:
    """Run HermiT on ``graph``; the IRIs of its unsatisfiable classes, or :class:`Inconsistent`."""
    world = owlready2.World()
    xml = graph.serialize(format="xml", encoding="utf-8")
    world.get_ontology("https://w3id.org/lamcoop/ontology").load(fileobj=io.BytesIO(xml))
    try:
        owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
    except owlready2.OwlReadyInconsistentOntologyError as exc:
        raise Inconsistent(str(exc)) from exc
    return sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)


def dl_data(graph: Graph) -> Graph:
    """The graph without its rdf:Statement citations: OWL 2 DL reserves the RDF reification
    vocabulary, and a citation about a fact asserts nothing about the domain."""
    statements = set(graph.subjects(RDF.type, RDF.Statement))
    kept = Graph()
    for triple in graph:
        if triple[0] not in statements:
            kept.add(triple)
    return kept


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def test_the_ontology_is_consistent_with_no_unsatisfiable_class(ontology):
    assert reason(ontology) == []


def test_the_reasoner_reports_what_the_ontology_forbids(ontology):
    """Controls: the check above could fail."""
    clash = ontology + Graph()
    clash.add((INST.both, RDF.type, LAMC.Institution))
    clash.add((INST.both, RDF.type, LAMC.Agreement))
    with pytest.raises(Inconsistent):
        reason(clash)
    empty = ontology + Graph()
    hybrid = URIRef(LAMC + "LibraryConsortium")
    empty.add((hybrid, RDF.type, OWL.Class))
    empty.add((hybrid, OWL.equivalentClass, _intersection(empty)))
    assert reason(empty) == [str(hybrid)]


def _intersection(graph: Graph) -> BNode:
    node, members = BNode(), BNode()
    graph.add((node, RDF.type, OWL.Class))
    Collection(graph, members, [LAMC.Library, LAMC.Consortium])
    graph.add((node, OWL.intersectionOf, members))
    return node


def with_key_and_twins(ontology: Graph, shared: URIRef) -> Graph:
    """ORG's key on org:Organization, and two institutions said to differ that share a value."""
    graph = ontology + Graph()
    keys = BNode()
    Collection(graph, keys, [ORG.identifier])
    graph.add((ORG.identifier, RDF.type, OWL.DatatypeProperty))
    graph.add((ORG.Organization, OWL.hasKey, keys))
    for twin in (INST["twin-a"], INST["twin-b"]):
        graph.add((twin, RDF.type, LAMC.Library))
        graph.add((twin, shared, Literal("DE-1")))
    graph.add((INST["twin-a"], OWL.differentFrom, INST["twin-b"]))
    return graph


def test_institutions_sharing_an_isil_are_not_merged(ontology):
    # With ORG's owl:hasKey (org:identifier), a merge of the twins would contradict
    # owl:differentFrom; lamc:isil is not org:identifier, so there is none.
    assert reason(with_key_and_twins(ontology, LAMC.isil)) == []
    for prop in (LAMC.isil, LAMC.gndId, LAMC.imlsId, LAMC.dbsId):
        assert (prop, RDFS.subPropertyOf, ORG.identifier) not in ontology
    # Control: sharing org:identifier itself does merge them.
    with pytest.raises(Inconsistent):
        reason(with_key_and_twins(ontology, ORG.identifier))


def test_the_dataset_of_record_is_consistent_with_the_ontology(ontology, dataset_record):
    record = dataset_record
    if not len(record):
        pytest.skip("the build loads no dataset-of-record graph (seed-*) yet")
    assert reason(ontology + dl_data(record)) == []
