"""Traps for a researcher's query, checked on a built store (inferences included): one
statement per fact and source, Figure 1 reproduced exactly, language tags compared with
langMatches."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from sparql_endpoint.examples import EXAMPLES
from tests.fidelity.conftest import PREFIXES, iri, select

REPO = Path(__file__).resolve().parents[2]
#: Figure 1 (seed 000, lines 1299-1373): boxes per role.
FIGURE_1 = {
    "causal-conditions": 2,
    "central-phenomenon": 1,
    "contextual-conditions": 4,
    "intervening-conditions": 6,
    "strategies": 6,
    "consequences": 6,
}


def test_a_fact_stated_in_two_sections_has_one_statement_per_section(seed002):
    """CALIS's state funding: section "consortia-status-and-countermeasures" (line 65) and
    "domestic-consortia-status-and-trends" (line 253), each with its own wording."""
    rows = select(
        seed002,
        """SELECT ?st ?section ?printed WHERE {
             ?st rdf:subject ?c ; rdf:predicate lamc:fundingModel ; dcterms:source ?section ;
                 lamc:printedAs ?printed }""",
        c=iri("institution/calis"),
    )
    by_statement = Counter(r["st"] for r in rows)
    assert len(by_statement) == 2 and set(by_statement.values()) == {1}
    pairs = {(r["section"].value.rsplit("/", 1)[1], r["printed"].value[:8]) for r in rows}
    assert pairs == {
        ("consortia-status-and-countermeasures", "C LS是 国家"),
        ("domestic-consortia-status-and-trends", "这 是 由 国家"),
    }


def test_the_smithsonian_reference_has_one_statement_per_section(seed000):
    """The study refers to the Smithsonian in its introduction and in its answer to question
    2; each reference keeps its own wording."""
    rows = select(
        seed000,
        """SELECT ?st ?section ?text WHERE {
             ?st rdf:predicate dcterms:references ; rdf:object ?thing ;
                 dcterms:source ?section ; dcterms:description ?text }""",
        thing=iri("institution/smithsonian-institution"),
    )
    sections = {r["section"].value.rsplit("/", 1)[1]: r["text"].value for r in rows}
    assert len(rows) == 2 and set(sections) == {"introduction", "question-2"}
    assert "travelling exhibitions" in sections["introduction"]
    assert "Zorich" in sections["question-2"]


def test_every_statement_cites_one_section(seed000, seed001, seed002):
    for store in (seed000, seed001, seed002):
        rows = store.query(
            PREFIXES + "SELECT ?st (COUNT(?s) AS ?n) WHERE { ?st a rdf:Statement ; "
            "dcterms:source ?s } GROUP BY ?st HAVING (COUNT(?s) > 1)"
        )
        assert list(rows) == []


def test_figure_1_query_gives_the_25_boxes_on_the_built_store(dataset_reader):
    query = (REPO / "docs/queries/figure-1.rq").read_text(encoding="utf-8")
    rows = list(dataset_reader.query(query))
    assert len(rows) == 25
    roles = Counter(r["role"].value.rsplit("/", 1)[1] for r in rows)
    assert roles == FIGURE_1
    assert len({(r["role"], r["code"]) for r in rows}) == 25
    assert {r["match"].value.rsplit("#", 1)[1] for r in rows if r["match"]} <= {
        "exactMatch",
        "closeMatch",
    }


def test_the_paradigm_example_reproduces_figure_1(dataset_reader):
    (example,) = [e for e in EXAMPLES if "paradigm model" in e.name]
    rows = list(dataset_reader.query(example.query))
    counts = {r["role"].value: int(r["codes"].value) for r in rows}
    assert counts == {role.replace("-", " "): n for role, n in FIGURE_1.items()}
    for row in rows:
        labels = row["labels"].value.split(" | ")
        assert len(labels) == len(set(labels)) == int(row["codes"].value)


def test_oxigraph_lowercases_language_tags_so_examples_use_langmatches(dataset_reader):
    calis = ox.NamedNode(iri("institution/calis").value)
    exact = dataset_reader.query(
        PREFIXES + 'SELECT ?c ?l WHERE { ?c skos:prefLabel ?l FILTER(LANG(?l) = "zh-Hans") }',
        substitutions={ox.Variable("c"): calis},
    )
    matched = dataset_reader.query(
        PREFIXES
        + 'SELECT ?c ?l WHERE { ?c skos:prefLabel ?l FILTER(langMatches(LANG(?l), "zh-Hans")) }',
        substitutions={ox.Variable("c"): calis},
    )
    assert list(exact) == [] and len(list(matched)) == 1
    texts = [e.query for e in EXAMPLES] + [
        p.read_text(encoding="utf-8") for p in (REPO / "docs" / "queries").glob("*.rq")
    ]
    for text in texts:
        assert not re.search(r"LANG\(\?\w+\)\s*=", text, re.IGNORECASE), text
    assert "langMatches" in (REPO / "docs" / "sparql.md").read_text(encoding="utf-8")
