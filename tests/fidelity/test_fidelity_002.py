"""Seed 002 (the Chinese articles): corrections read back with SPARQL, each naming its place."""

from __future__ import annotations

import pytest

from tests.fidelity.conftest import iri, label_and_source, notes, seed_text, select

SEED = "seed-002"


@pytest.mark.parametrize(
    ("slug", "zh", "part"),
    [
        ("calis-regional-centre-north-east-china", "华东北地区中心", "the north of East China"),
        ("calis-regional-centre-south-east-china", "华东南地区中心", "the south of East China"),
    ],
)
def test_east_china_centres_are_parts_of_east_china(seed002, slug, zh, part):
    """Article "国内图书馆联盟现状与发展趋势" (line 253): 华东北/华东南 are parts of 华东."""
    node = iri(f"unit/{slug}")
    assert label_and_source(seed002, node, "zh-Hans")[0] == {zh}
    (en,), sections = label_and_source(seed002, node, "en")
    assert part in en and "north-east" not in en and "south-east" not in en
    assert sections == {"domestic-consortia-status-and-trends"}
    assert "华东)" in notes(seed002, node)


def test_calis_english_name_is_printed_not_translated(seed002):
    node = iri("institution/calis")
    (en,), _ = label_and_source(seed002, node, "en")
    assert en == "China Academic Library & Information System"
    marked = select(
        seed002, 'SELECT ?x WHERE { ?c lamc:translatedLanguage "en" . BIND(1 AS ?x) }', c=node
    )
    assert marked == []
    flat = seed_text(SEED, flat=True)
    if flat is not None:
        assert "ChinaAcademicLibrary&InformationSystem" in flat


def test_nine_committees_are_a_count_of_bodies_not_members(seed002):
    """Article "我国区域性图书馆联盟建设的现状与对策" (line 329): 其他9个地区性中心图书馆委员会."""
    node = iri("institution/regional-central-library-committees-1957")
    rows = select(
        seed002,
        """SELECT ?n ?section ?printed WHERE {
             ?g lamc:groupSize ?n . FILTER NOT EXISTS { ?g lamc:memberCount ?m }
             ?st rdf:subject ?g ; rdf:predicate lamc:groupSize ; dcterms:source ?section ;
                 lamc:printedAs ?printed }""",
        g=node,
    )
    assert [(r["n"].value, r["section"].value.rsplit("/", 1)[1]) for r in rows] == [
        ("9", "regional-consortia-status-2006")
    ]
    flat = seed_text(SEED, flat=True)
    if flat is not None:
        assert rows[0]["printed"].value.replace(" ", "") in flat


def test_incomplete_management_systems_keeps_because(seed002):
    """Article on regional consortia (line 60): 由于 … ("because"), not "though"."""
    rows = select(
        seed002,
        'SELECT ?d WHERE { ?c skos:definition ?d FILTER(LANG(?d) = "en") }',
        c=iri("concept/consortium-problems/incomplete-management-systems"),
    )
    (definition,) = [r["d"].value for r in rows]
    assert "Because" in definition and "though" not in definition
    text = seed_text(SEED)
    if text is not None:
        assert "由于区域图书馆联盟建设需要国家政府相关部门投入大量的人力、财力和物力" in text
