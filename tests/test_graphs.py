"""The graph catalogue: every graph's role, what each purpose covers, and a fresh build that
``lamcoop validate`` (no options) finds conforming, as the build did."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from graph_loader import graphs
from graph_loader.build import BuildContext, build
from graph_loader.graphs import Purpose, Role, covered, graph_iri, graph_name, role_of
from graph_loader.integrity import validate_integrity
from graph_loader.publish.void import VOID, dataset_iri
from graph_loader.settings import resolve_settings
from graph_loader.store import PENDING_GRAPH, STAGING_PREFIX, GraphInfo, open_store

BASE = "https://w3id.org/lamcoop/"
OTHER_BASE = "http://example.org/data/"

#: One graph of every role, as the build and users name them.
EXAMPLES = {
    Role.ONTOLOGY: graph_iri(BASE, "ontology"),
    Role.ALIGNMENTS: graph_iri(BASE, "alignments"),
    Role.SHAPES: graph_iri(BASE, "shapes-integrity"),
    Role.RECORD: graph_iri(BASE, "seed-001"),
    Role.EXAMPLE: graph_iri(BASE, "example-agreements"),
    Role.USER: graph_iri(BASE, "agreements"),
    Role.INFERRED: graph_iri(BASE, "inferred"),
    Role.AUDIT: graph_iri(BASE, "audit"),
    Role.AUDIT_RUN: graph_iri(BASE, "audit-run-20261206T194012Z"),
    Role.VOID: graph_iri(BASE, "void"),
    Role.PROVENANCE: graph_iri(BASE, "provenance"),
    Role.INTERNAL: PENDING_GRAPH,
}

DATA = {Role.ONTOLOGY, Role.ALIGNMENTS, Role.RECORD, Role.USER, Role.INFERRED}
PUBLISHED = set(Role) - {Role.INTERNAL}
#: What each purpose covers, written out: a change to the catalogue must change this too.
EXPECTED = {
    Purpose.REASONING: {Role.ONTOLOGY, Role.RECORD, Role.USER},
    Purpose.CONSISTENCY: {Role.ONTOLOGY, Role.RECORD, Role.USER},
    Purpose.INTEGRITY: DATA | {Role.EXAMPLE},
    Purpose.RECORD: {Role.ONTOLOGY, Role.ALIGNMENTS, Role.RECORD},
    Purpose.AUDIT: DATA | {Role.EXAMPLE},
    Purpose.DUMPS: PUBLISHED - {Role.VOID, Role.AUDIT_RUN},
    Purpose.VOID: PUBLISHED - {Role.VOID},
    Purpose.QUERY: PUBLISHED,
    Purpose.DESCRIBE: PUBLISHED,
    Purpose.INDEX: DATA,
    Purpose.NAMES: DATA | {Role.EXAMPLE},
}


def test_every_role_has_an_example():
    assert set(EXAMPLES) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_is_told_from_the_iri(role):
    assert role_of(EXAMPLES[role], base_iri=BASE) is role


@pytest.mark.parametrize(
    ("iri", "role"),
    [
        (graph_iri(BASE, "shapes-agreement-audit"), Role.SHAPES),
        (graph_iri(BASE, "seed-000"), Role.RECORD),
        (graph_iri(BASE, "posted-0f3a"), Role.USER),
        (graph_iri(BASE, "ontology-notes"), Role.USER),
        (graph_iri(BASE, ""), Role.USER),
        ("http://example.org/g", Role.USER),
        (graph_iri(OTHER_BASE, "void"), Role.USER),
        (STAGING_PREFIX + "0123abcd", Role.INTERNAL),
        ("urn:lamcoop:load:0123abcd", Role.INTERNAL),
        ("urn:other:void", Role.USER),
    ],
)
def test_other_graphs(iri, role):
    assert role_of(iri, base_iri=BASE) is role


def test_the_base_decides_which_graphs_are_lamcoops():
    assert role_of(graph_iri(OTHER_BASE, "void"), base_iri=OTHER_BASE) is Role.VOID
    assert role_of(graph_iri(BASE, "void"), base_iri=OTHER_BASE) is Role.USER


@pytest.mark.parametrize("purpose", list(Purpose), ids=lambda p: p.label)
def test_each_purpose_covers_its_roles(purpose):
    assert purpose.roles == EXPECTED[purpose]
    listed = [GraphInfo(iri, 1) for iri in EXAMPLES.values()]
    found = covered(purpose, listed, base_iri=BASE)
    assert {role_of(g.iri, base_iri=BASE) for g in found} == EXPECTED[purpose]
    assert found == [g for g in listed if g in found], "covered() keeps the order given"


@pytest.mark.parametrize("purpose", list(Purpose), ids=lambda p: p.label)
def test_an_unknown_users_graph_is_data_but_not_of_record(purpose):
    for iri in ("http://example.org/mine", graph_iri(BASE, "places")):
        assert purpose.covers(iri, base_iri=BASE) is (purpose is not Purpose.RECORD), iri


@pytest.mark.parametrize("purpose", list(Purpose), ids=lambda p: p.label)
def test_internal_graphs_are_never_covered(purpose):
    for iri in (PENDING_GRAPH, STAGING_PREFIX + "x", graphs.INTERNAL_PREFIX + "anything"):
        assert not purpose.covers(iri, base_iri=BASE), iri


def test_integrity_validation_reads_the_ontology_and_not_the_void():
    assert Purpose.INTEGRITY.covers(EXAMPLES[Role.ONTOLOGY], base_iri=BASE)
    assert not Purpose.INTEGRITY.covers(EXAMPLES[Role.VOID], base_iri=BASE)


def test_one_builder_of_graph_iris():
    settings = resolve_settings(config_file=None, environ={}, overrides={"base_iri": OTHER_BASE})
    assert settings.graph_iri("seed-000") == graph_iri(OTHER_BASE, "seed-000")
    assert graph_iri(OTHER_BASE, "seed-000") == OTHER_BASE + "graph/seed-000"
    assert graph_name(OTHER_BASE + "graph/seed-000", base_iri=OTHER_BASE) == "seed-000"
    assert graph_name(BASE + "graph/seed-000", base_iri=OTHER_BASE) is None


# -- on a fresh build ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A store built by ``build()`` on disk, with its dumps, and the build's own output."""
    root = tmp_path_factory.mktemp("built")
    settings = resolve_settings(
        config_file=None,
        environ={},
        overrides={"store": str(root / "store"), "dump_dir": str(root / "dumps")},
    )
    lines: list[str] = []
    store = open_store(settings.store_path)
    try:
        build(BuildContext(store, settings), echo=lines.append)
    finally:
        store.close()
    return settings, lines


def test_validate_with_no_options_agrees_with_the_build(built, invoke):
    settings, lines = built
    assert "integrity: 7 graphs conform" in lines  # the example register is validated too
    result = invoke("--store", str(settings.store_path), "validate")
    assert result.exit_code == 0, result.output[:2000]
    assert result.output.startswith("Conforms: True")


def test_the_build_steps_use_the_catalogue(built):
    settings, _lines = built
    store = open_store(settings.store_path)
    try:
        listed = store.graphs()
        expected = {p: [g.iri for g in covered(p, listed, base_iri=BASE)] for p in Purpose}
        assert validate_integrity(store, settings).graphs == expected[Purpose.INTEGRITY]
        assert graph_iri(BASE, "ontology") in expected[Purpose.INTEGRITY]
        void = ox.NamedNode(settings.graph_iri(graphs.VOID))
        subsets = store.query(
            "SELECT ?v ?d ?subset ?g WHERE { GRAPH ?v { ?d ?subset ?g } }",
            substitutions={
                ox.Variable("v"): void,
                ox.Variable("d"): ox.NamedNode(dataset_iri(settings)),
                ox.Variable("subset"): ox.NamedNode(VOID + "subset"),
            },
        )
        assert sorted(row["g"].value for row in subsets) == expected[Purpose.VOID]
        # No internal graph is left after a build: the union queries see is the QUERY set.
        named = store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert {row["g"].value for row in named} == set(expected[Purpose.QUERY])
        assert store.pending_loads() == []
    finally:
        store.close()
    manifest = json.loads((settings.dump_path / ".manifest.json").read_text())
    dumped = sorted(entry["graph"] for entry in manifest if entry["graph"])
    assert dumped == expected[Purpose.DUMPS]


def test_a_store_built_under_another_base_conforms_and_keeps_the_vocabulary(tmp_path):
    """The shipped ontology and shapes are written against the default base: their entities
    and graphs move under the configured one, the vocabulary's IRIs do not."""
    base = "http://127.0.0.1:9/"
    settings = resolve_settings(
        config_file=None, environ={}, overrides={"store": str(tmp_path / "s"), "base_iri": base}
    )
    store = open_store(settings.store_path)
    try:
        build(BuildContext(store, settings), echo=lambda _line: None)  # violations raise
        assert validate_integrity(store, settings).record_violations == []
        subjects = {q.subject.value for q in store.quads(graph_iri(base, graphs.ONTOLOGY))}
    finally:
        store.close()
    assert base + "id/scheme/funding-models" in subjects
    assert not any(s.startswith(graphs.SHIPPED_BASE + "id/") for s in subjects)
    assert "https://w3id.org/lamcoop/ontology#Institution" in subjects
