"""Materialised inferences: what the rules add to graph ``inferred``, and that reruns agree."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph_loader.build import BuildContext, load_shipped_files, materialise_inferences
from graph_loader.loading import load_bytes
from graph_loader.reasoning import closure, materialise, read_schema
from graph_loader.settings import resolve_settings
from graph_loader.store import open_store

BASE = "https://w3id.org/lamcoop/"

DATA = b"""
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
@prefix org:  <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix i:    <https://w3id.org/lamcoop/id/institution/> .
@prefix u:    <https://w3id.org/lamcoop/id/unit/> .
@prefix c:    <https://w3id.org/lamcoop/id/concept/test/> .

i:lib a lamc:AcademicLibrary ; lamc:cooperatesWith i:museum ; org:memberOf i:alliance .
i:museum a lamc:Museum .
u:centre a lamc:ManagementCentre ; org:unitOf i:alliance .
i:alliance a lamc:RegionalConsortium ; org:subOrganizationOf i:national .
c:leaf skos:broader c:middle . c:middle skos:broader c:top .
<https://w3id.org/lamcoop/id/membership/alliance--museum> a org:Membership ;
    org:member i:museum ; org:organization i:alliance ; org:role lamc:FoundingMemberRole .
"""

SHAPES = b"""
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
<https://w3id.org/lamcoop/id/institution/in-a-shape> a lamc:AcademicLibrary .
"""


@pytest.fixture
def settings(tmp_path):
    return resolve_settings(config_file=None, environ={}, overrides={"store": str(tmp_path / "s")})


@pytest.fixture
def loaded(store, settings):
    """The store with the shipped ontology and a small data graph."""
    load_shipped_files(BuildContext(store, settings))
    load_bytes(
        store,
        DATA,
        name="data.ttl",
        graph=settings.graph_iri("test-data"),
        format=ox.RdfFormat.TURTLE,
        base_iri=BASE,
    )
    return store


def inferred(store, settings) -> set[tuple[str, str, str]]:
    return {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store.quads(settings.graph_iri("inferred"))
    }


INST = BASE + "id/institution/"
ORG = "http://www.w3.org/ns/org#"
LAMC = "https://w3id.org/lamcoop/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CONCEPT = BASE + "id/concept/test/"
UNIT = BASE + "id/unit/centre"


def test_the_rules_infer_types_inverses_symmetry_and_transitivity(loaded, settings):
    materialise(loaded, settings)
    got = inferred(loaded, settings)
    expected = {
        (INST + "lib", TYPE, LAMC + "Library"),
        (INST + "lib", TYPE, LAMC + "Institution"),
        (INST + "lib", TYPE, ORG + "Organization"),
        (INST + "alliance", TYPE, ORG + "FormalOrganization"),
        (UNIT, TYPE, ORG + "OrganizationalUnit"),
        (INST + "museum", LAMC + "cooperatesWith", INST + "lib"),
        (INST + "alliance", ORG + "hasMember", INST + "lib"),
        (INST + "alliance", ORG + "hasUnit", UNIT),
        (UNIT, ORG + "subOrganizationOf", INST + "alliance"),
        (UNIT, ORG + "transitiveSubOrganizationOf", INST + "national"),
        (INST + "national", ORG + "hasSubOrganization", INST + "alliance"),
        (CONCEPT + "leaf", SKOS + "broaderTransitive", CONCEPT + "top"),
        (CONCEPT + "top", SKOS + "narrowerTransitive", CONCEPT + "leaf"),
        (CONCEPT + "middle", SKOS + "narrower", CONCEPT + "leaf"),
        # The membership's shortcut (a property chain), then its inverse.
        (INST + "museum", ORG + "memberOf", INST + "alliance"),
        (INST + "alliance", ORG + "hasMember", INST + "museum"),
    }
    assert expected <= got, expected - got
    # Asserted triples are not repeated, and a cycle gives no reflexive pair.
    assert (INST + "lib", TYPE, LAMC + "AcademicLibrary") not in got
    assert not any(s == o for s, p, o in got if p != TYPE)


def test_the_standards_of_the_ontology_are_reasoned_over_too(loaded, settings):
    materialise(loaded, settings)
    got = inferred(loaded, settings)
    marc = BASE + "id/standard/marc-21"
    assert (marc, TYPE, "http://purl.org/dc/terms/Standard") in got
    cidoc, icom = INST + "icom-cidoc", INST + "icom"
    assert (icom, ORG + "hasSubOrganization", cidoc) in got


def test_sparql_over_the_default_graph_sees_inferred_triples(loaded, settings):
    def is_organization() -> bool:
        rows = loaded.query(
            "SELECT ?lib ?cls WHERE { ?lib a ?cls }",
            substitutions={
                ox.Variable("lib"): ox.NamedNode(INST + "lib"),
                ox.Variable("cls"): ox.NamedNode(ORG + "Organization"),
            },
        )
        return bool(list(rows))

    assert not is_organization()
    materialise(loaded, settings)
    assert is_organization()


def test_a_rerun_gives_the_same_graph_and_count(loaded, settings):
    first = materialise(loaded, settings)
    triples = inferred(loaded, settings)
    second = materialise(loaded, settings)
    assert first.triples == second.triples == len(triples) > 0
    assert inferred(loaded, settings) == triples


def test_a_rerun_forgets_what_its_data_no_longer_supports(loaded, settings):
    materialise(loaded, settings)
    assert (INST + "museum", LAMC + "cooperatesWith", INST + "lib") in inferred(loaded, settings)
    loaded.drop_graph(settings.graph_iri("test-data"))
    materialise(loaded, settings)
    assert (INST + "museum", LAMC + "cooperatesWith", INST + "lib") not in inferred(
        loaded, settings
    )


def test_shapes_and_alignment_graphs_are_not_reasoned_over(loaded, settings):
    for name in ("shapes-test", "alignments"):
        load_bytes(
            loaded,
            SHAPES,
            name=f"{name}.ttl",
            graph=settings.graph_iri(name),
            format=ox.RdfFormat.TURTLE,
            base_iri=BASE,
        )
    result = materialise(loaded, settings)
    assert settings.graph_iri("test-data") in result.data_graphs
    assert settings.graph_iri("shapes-test") not in result.data_graphs
    assert not any(s == INST + "in-a-shape" for s, _, _ in inferred(loaded, settings))


def test_the_build_step_reports_the_count(loaded, settings):
    summary = materialise_inferences(BuildContext(loaded, settings))
    count = loaded.triple_count(settings.graph_iri("inferred"))
    assert f"reasoning: {count} inferred triples" in summary


def test_the_schema_is_read_from_the_ontology(loaded, settings):
    schema = read_schema(loaded, settings.graph_iri("ontology"))
    assert ORG + "Organization" in schema.superclasses[LAMC + "ChildrensMuseum"]
    assert (ORG + "hasMember", ORG + "memberOf") in schema.inverses
    assert (ORG + "memberOf", ORG + "hasMember") in schema.inverses
    assert LAMC + "cooperatesWith" in schema.symmetric
    assert SKOS + "broaderTransitive" in schema.transitive
    chain = ((ORG + "member", True), (ORG + "organization", False))
    assert (ORG + "memberOf", chain) in schema.chains


def test_closure_follows_chains_and_survives_cycles():
    got = closure([("a", "b"), ("b", "c"), ("c", "a"), ("d", "e")])
    assert got["a"] == {"b", "c"}
    assert got["d"] == {"e"}


@pytest.mark.slow
def test_lamcoop_build_prints_the_count_it_materialised(invoke, tmp_path):
    # Later steps (validation, audit) have their own tests; this one reads reasoning's line.
    # Reruns agree: see above, and the build-twice test of the CLI for the whole store.
    store = tmp_path / "built"
    out = invoke("--store", str(store), "build").output
    lines = [x for x in out.splitlines() if x.startswith("reasoning:")]
    assert lines, out
    opened = open_store(store, read_only=True)
    try:
        count = opened.triple_count(BASE + "graph/inferred")
    finally:
        opened.close()
    assert count > 0 and lines[0].startswith(f"reasoning: {count} inferred triples")
