"""Nothing illustrative in the dataset of record: no made-up agreement in a seed-* graph, and
the example register in a graph of its own, labelled as an example in every language."""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader import graphs
from graph_loader.build import file_sources
from tests.fidelity.conftest import BASE, PREFIXES

#: What says "example" in each language of the labels.
EXAMPLE_WORDS = {"en": "example", "fa": "نمونه", "zh-hans": "示例"}


def example_graph() -> ox.Store:
    store = ox.Store()
    (path,) = [p for name, p in file_sources() if name.startswith(graphs.EXAMPLE_PREFIX)]
    store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def test_examples_ship_as_a_graph_of_their_own():
    names = [name for name, _ in file_sources() if name.startswith(graphs.EXAMPLE_PREFIX)]
    assert names == ["example-agreements"]
    iri = graphs.graph_iri(BASE, names[0])
    assert graphs.role_of(iri, base_iri=BASE) is graphs.Role.EXAMPLE
    assert graphs.Purpose.AUDIT.covers(iri, base_iri=BASE)
    assert not graphs.Purpose.RECORD.covers(iri, base_iri=BASE)
    assert not graphs.Purpose.REASONING.covers(iri, base_iri=BASE)


def test_every_labelled_example_says_so_in_every_language():
    store = example_graph()
    rows = list(store.query(PREFIXES + "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l }"))
    assert rows
    by_subject: dict[str, set[str]] = {}
    for row in rows:
        lang = row["l"].language or ""
        assert EXAMPLE_WORDS[lang] in row["l"].value.lower(), row["l"]
        by_subject.setdefault(row["s"].value, set()).add(lang)
    assert set(map(frozenset, by_subject.values())) == {frozenset(EXAMPLE_WORDS)}
    # Every example IRI says "example" too, so it cannot be taken for a record's entity.
    assert all("/example-" in s for s in by_subject)


def test_the_audit_of_a_built_store_sees_the_examples_and_the_1957_plan(dataset_reader):
    rows = dataset_reader.query(
        PREFIXES
        + """SELECT ?a ?g WHERE { GRAPH ?g { ?a a ?kind } ?kind rdfs:subClassOf* lamc:Agreement
                                 FILTER(CONTAINS(STR(?a), "/id/agreement/")) }""",
    )
    where = {(row["a"].value.rsplit("/", 1)[1], row["g"].value.rsplit("/", 1)[1]) for row in rows}
    in_record = {a for a, g in where if g.startswith(graphs.RECORD_PREFIX)}
    assert in_record == {"national-book-coordination-plan-1957"}
    examples = {a for a, g in where if g == "example-agreements"}
    assert examples and all(a.startswith("example-") for a in examples)
