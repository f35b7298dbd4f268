"""Seeds 001 and 002: facts the dataset of record lacked, read back with SPARQL, with places."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.fidelity.conftest import iri, label_and_source, seed_text, select


def letters(text: str) -> Counter:
    return Counter(c for c in text if c.isalpha())


def scheme_items(store, scheme: str) -> list[tuple[str, str, str, str]]:
    """(notation, slug, label in the source's language, note) of a scheme, in printed order."""
    rows = select(
        store,
        """SELECT ?c ?n ?l ?note ?section WHERE {
             ?c skos:inScheme ?scheme ; skos:notation ?n ; skos:prefLabel ?l ;
                dcterms:source ?section .
             FILTER(langMatches(lang(?l), "fa") || langMatches(lang(?l), "zh-Hans"))
             FILTER NOT EXISTS {  # the source's own label, not the project's translation
               ?c lamc:translatedLanguage ?ours FILTER(langMatches(lang(?l), ?ours)) }
             OPTIONAL { ?c skos:editorialNote ?note FILTER(STRSTARTS(?note, "Label restored")) }
           }""",
        scheme=iri(f"scheme/{scheme}"),
    )
    out = {
        (int(r["n"].value), r["c"].value.rsplit("/", 1)[1], r["l"].value,
         r["note"].value if r["note"] else "", r["section"].value.rsplit("/", 1)[1])
        for r in rows
    }  # fmt: skip
    return [(str(n), slug, label, note) for n, slug, label, note, _ in sorted(out)]


@pytest.mark.parametrize(
    ("scheme", "count", "first"),
    [
        ("library-functions", 10, "مجموعه\u200cسازی"),
        ("social-network-functions", 8, "ارتباط و تعامل"),
        ("shared-functions", 5, "ارتباط و تعامل"),
        ("reasons-libraries-use-social-media", 11, "افزایش دیده شدن و دسترسی"),
    ],
)
def test_slide_lists_are_written_in_printed_order(seed001, scheme, count, first):
    """Slides "کارکردهای کتابخانه‌ها" and "چرا کتابخانه‌ها از رسانه‌های اجتماعی استفاده
    می‌کنند؟": each item restored with exactly the letters of its extracted line(s)."""
    items = scheme_items(seed001, scheme)
    assert [n for n, *_ in items] == [str(i) for i in range(1, count + 1)]
    assert items[0][2].startswith(first)
    flat = seed_text("seed-001", flat=True)
    for _, slug, label, note in items:
        extracted = note.split("«", 1)[1].rsplit("»", 1)[0]
        assert letters(label) == letters(extracted), slug
        if flat is not None:
            assert extracted.replace(" ", "") in flat, slug


def test_easy_access_is_written(seed001):
    node = iri("concept/library-social-media-services/easy-access")
    labels, sections = label_and_source(seed001, node, "fa")
    assert labels == {"دسترسی آسان"} and sections == {"access-to-information-resources"}
    broader = select(seed001, "SELECT ?b WHERE { ?c skos:broader ?b }", c=node)
    assert [r["b"].value.rsplit("/", 1)[1] for r in broader] == ["access-to-information-resources"]
    flat = seed_text("seed-001", flat=True)
    if flat is not None:
        assert "کاربران:آساندسترسی" in flat


def test_the_four_types_of_consortium_as_a_scheme(seed002):
    """Article "国内图书馆联盟现状与发展趋势" (line 253): the four types built at the end of the
    1990s, in printed order."""
    items = scheme_items(seed002, "consortium-types")
    assert [(n, label) for n, _, label, _ in items] == [
        ("1", "全国性的专业图书馆联盟"),
        ("2", "全国性的综合图书馆联盟"),
        ("3", "地区性的专业图书馆联盟"),
        ("4", "行业性联盟"),
    ]
    flat = seed_text("seed-002", flat=True)
    if flat is not None:
        assert (
            "全国性的专业图书馆联盟、国性的综合图书馆联盟、全地区性的专业图书馆联盟和行业性联盟"
            in flat
        )


@pytest.mark.parametrize(
    ("prop", "body"),
    [("ledBy", "ministry-of-education-of-china"), ("approvedBy", "state-council-of-china")],
)
def test_calis_oversight_is_data(seed002, prop, body):
    """Article "浅议图书馆联盟现状与发展" (line 292): approved by the State Council, led by the
    Ministry of Education."""
    rows = select(
        seed002,
        f"""SELECT ?o ?section ?printed WHERE {{
              ?c lamc:{prop} ?o .
              ?st rdf:subject ?c ; rdf:predicate lamc:{prop} ; rdf:object ?o ;
                  dcterms:source ?section ; lamc:printedAs ?printed }}""",
        c=iri("institution/calis"),
    )
    assert [
        (r["o"].value.rsplit("/", 1)[1], r["section"].value.rsplit("/", 1)[1]) for r in rows
    ] == [(body, "consortia-status-and-development")]
    flat = seed_text("seed-002", flat=True)
    if flat is not None:
        assert rows[0]["printed"].value.replace(" ", "") in flat


@pytest.mark.parametrize(
    ("slug", "prop", "value", "section"),
    [
        ("tianjin-higher-education-digital-library", "memberScope", "天津市的所有高校",
         "regional-university-consortia-reflections"),
        ("calis", "describedAs", "最具代表性", "consortia-status-and-countermeasures"),
        ("nstl", "describedAs", "最具代表性", "consortia-status-and-countermeasures"),
        ("yangtze-river-delta-library-alliance", "describedAs", "我国最大的区域图书馆联盟",
         "consortia-status-and-countermeasures"),
        ("shanghai-education-network-library", "describedAs", "为各级各类学校提供各类文献资源服务",
         "regional-consortia-status-2006"),
    ],
)  # fmt: skip
def test_what_the_text_says_in_its_own_words(seed002, slug, prop, value, section):
    rows = select(
        seed002,
        f"""SELECT ?v ?section ?printed WHERE {{
              ?c lamc:{prop} ?v .
              ?st rdf:subject ?c ; rdf:predicate lamc:{prop} ; rdf:object ?v ;
                  dcterms:source ?section ; lamc:printedAs ?printed
              FILTER(langMatches(lang(?v), "zh-Hans")) }}""",
        c=iri(f"institution/{slug}"),
    )
    rows = [r for r in rows if r["v"].value == value]  # CALIS is described in three places
    assert [(r["v"].value, r["section"].value.rsplit("/", 1)[1]) for r in rows] == [
        (value, section)
    ]
    flat = seed_text("seed-002", flat=True)
    if flat is not None:
        assert rows[0]["printed"].value.replace(" ", "").replace("\n", "") in flat


def test_henan_activities_and_problems(seed002):
    """Article "河南省区域高校图书馆联盟发展中的问题及对策" (lines 256, 266)."""
    henan = iri("institution/henan-regional-university-library-alliance")
    areas = select(seed002, "SELECT ?a WHERE { ?c lamc:cooperationArea ?a }", c=henan)
    problems = select(seed002, "SELECT ?p WHERE { ?c lamc:facesProblem ?p }", c=henan)
    assert {r["a"].value.rsplit("/", 1)[1] for r in areas} == {
        "joint-purchasing", "document-exchange", "joint-digital-library-building",
    }  # fmt: skip
    assert {r["p"].value.rsplit("/", 1)[1] for r in problems} == {
        "insufficient-resource-integration", "imperfect-cooperation-mechanisms",
    }  # fmt: skip


def test_tianjin_annual_investment_and_guangdong_as_printed(seed002):
    """Lines 241 (6 0 0万 a year, no currency) and 330 (宴体, a misprint of 实体, kept)."""
    tianjin = select(
        seed002,
        """SELECT ?v ?printed WHERE { ?c lamc:annualInvestment ?v .
             ?st rdf:subject ?c ; rdf:predicate lamc:annualInvestment ;
                 lamc:printedAs ?printed }""",
        c=iri("institution/tianjin-higher-education-digital-library"),
    )
    assert [float(r["v"].value) for r in tianjin] == [6_000_000.0]
    assert "6 0 0万" in tianjin[0]["printed"].value
    guangdong = select(
        seed002,
        "SELECT ?v WHERE { ?c lamc:describedAs ?v }",
        c=iri("institution/guangdong-network-library"),
    )
    assert [r["v"].value for r in guangdong] == ["广东省教育文献保障体系的宴体建设项目"]
    flat = seed_text("seed-002", flat=True)
    if flat is not None:
        assert "广东省教育文献保障体系的宴体建设项" in flat and "投资600万" in flat
