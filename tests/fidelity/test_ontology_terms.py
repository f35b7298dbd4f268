"""The ontology leaves vocabularies it does not own as they are, and marks as translated only
what it translated."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from tests.fidelity.conftest import PREFIXES

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology" / "lamcoop.ttl"


def ontology() -> ox.Store:
    store = ox.Store()
    store.load(ONTOLOGY.read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def test_no_domain_or_range_on_schema_org_terms():
    rows = ontology().query(
        PREFIXES
        + """SELECT ?p ?axiom WHERE { ?p ?axiom ?x . VALUES ?axiom { rdfs:domain rdfs:range }
                                     FILTER(STRSTARTS(STR(?p), "https://schema.org/")) }"""
    )
    assert list(rows) == []


def test_lamcoop_subproperties_carry_the_period_axioms():
    rows = ontology().query(
        PREFIXES
        + """SELECT ?p ?super WHERE { ?p rdfs:subPropertyOf ?super ; rdfs:domain ?d ;
                                        rdfs:range lamc:DateOrYear .
                                     FILTER(STRSTARTS(STR(?super), "https://schema.org/")) }"""
    )
    found = {(r["p"].value.rsplit("#", 1)[1], r["super"].value.rsplit("/", 1)[1]) for r in rows}
    assert found == {("periodStart", "startDate"), ("periodEnd", "endDate")}


def test_paradigm_roles_english_is_the_papers_own():
    """Seed 000's English abstract prints the six roles ("causal conditions, central
    phenomenon, ...", lines 33-35): only their Chinese is a translation."""
    rows = ontology().query(
        PREFIXES
        + """SELECT ?role ?lang WHERE {
               ?role skos:inScheme ?scheme ; lamc:translatedLanguage ?lang .
               FILTER(STRENDS(STR(?scheme), "/id/scheme/paradigm-model")) }"""
    )
    langs: dict[str, set[str]] = {}
    for r in rows:
        langs.setdefault(r["role"].value, set()).add(r["lang"].value)
    assert len(langs) == 6 and set(map(frozenset, langs.values())) == {frozenset({"zh-Hans"})}
