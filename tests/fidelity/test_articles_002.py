"""Seed 002: the articles as works (authors, journals, figures, findings) and CALIS's place in
the 211 Project and its three levels, read back with SPARQL, each naming its article and line."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from tests.fidelity.conftest import iri, label_and_source, notes, section, seed_text, select

SEED = "seed-002"


def short(node) -> str:
    return node.value.rsplit("/", 1)[1]


def flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    ("article", "author", "printed", "journal_zh", "journal_en", "issue", "year"),
    [
        ("regional-university-consortia-status", "徐军", "徐\n军", "民办教育研究",
         "Private Education Research", "2009年第8期(总第47期)", "2009"),
        ("regional-consortia-status-2006", "闫秀芳", "●闫秀芳", "图书馆理论与实践",
         "Library Theory and Practice", "2006(6)", "2006"),
    ],
)  # fmt: skip
def test_author_and_journal_where_printed(
    seed002, article, author, printed, journal_zh, journal_en, issue, year
):
    """Lines 164-189 (徐军, 民办教育研究 2009 no. 8) and 299-338 (闫秀芳, 图书馆理论与实践
    2006 no. 6): each read back from statements citing the article itself."""
    node = iri(f"work/{article}")
    rows = select(
        seed002,
        """SELECT ?p ?o ?src ?printed WHERE {
             ?a ?p ?o . ?a a dcterms:BibliographicResource .
             ?st rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source ?src .
             OPTIONAL { ?st lamc:printedAs ?printed } }""",
        a=node,
    )
    got = {short(r["p"]).rsplit("#", 1)[-1]: r for r in rows}
    assert {r["src"].value for r in rows} == {section(SEED, article).value}
    assert got["creator"]["o"].value == author and got["creator"]["printed"].value == printed
    assert got["bibliographicCitation"]["o"].value == issue
    assert got["date"]["o"].value == year
    journal = got["publishedIn"]["o"]
    assert label_and_source(seed002, journal, "zh-Hans") == ({journal_zh}, {article})
    assert label_and_source(seed002, journal, "en")[0] == {journal_en}
    text = seed_text(SEED)
    if text is not None:
        assert printed in text and author[0] in text
        assert flat(journal_zh) in flat(text) and flat(got["date"]["printed"].value) in flat(text)


def test_private_education_research_is_printed_in_english(seed002):
    """Line 181 prints the English title with its letters interleaved: not a translation."""
    node = iri("work/private-education-research")
    marked = select(seed002, 'SELECT ?x WHERE { ?j lamc:translatedLanguage "en" BIND(1 AS ?x) }',
                    j=node)  # fmt: skip
    assert marked == []
    printed = "P iae Ed c t n Re e r h rv t u ai s ac o"
    assert printed in notes(seed002, node)
    letters = Counter(c for c in printed if c.isalpha())
    assert letters == Counter(c for c in "Private Education Research" if c.isalpha())
    text = seed_text(SEED)
    if text is not None:
        assert printed in text


def test_the_21_regional_consortia_surveyed(seed002):
    """Article "国内区域图书馆联盟建设与发展研究" (line 288): the count only (the text names
    none of them)."""
    article = iri("work/domestic-regional-consortia-development")
    rows = select(
        seed002,
        """SELECT ?f ?v ?u ?printed ?src WHERE {
             ?a lamc:reportsFigure ?f . ?f lamc:value ?v ; lamc:unit ?u .
             ?st rdf:subject ?a ; rdf:predicate lamc:reportsFigure ; rdf:object ?f ;
                 lamc:printedAs ?printed ; dcterms:source ?src }""",
        a=article,
    )
    cited = section(SEED, "domestic-regional-consortia-development").value
    assert [(float(r["v"].value), r["src"].value) for r in rows] == [(21.0, cited)]
    assert "regional library consortia" in rows[0]["u"].value
    assert label_and_source(seed002, rows[0]["f"], "zh-Hans")[0] == {"国内21个主要的区域图书馆联盟"}
    text = seed_text(SEED)
    if text is not None:
        assert rows[0]["printed"].value in text


ARTICLE_FINDINGS = {
    "domestic-regional-consortia-development": 1,
    "social-service-models-b": 4,
    "cooperation-and-alliance-building-d": 8,
}


@pytest.mark.parametrize("article", sorted(ARTICLE_FINDINGS))
def test_article_findings_as_printed_in_order(seed002, article):
    """What three articles no fact cited before state (each article a work cited to its
    section), numbered in printed order; each sentence is the print (or restores only displaced
    characters, its printed form kept)."""
    rows = select(
        seed002,
        """SELECT ?n ?text ?en ?printed ?src WHERE {
             ?st rdf:subject ?a ; rdf:predicate lamc:finding ; rdf:object ?text ;
                 skos:notation ?n ; dcterms:source ?src ; dcterms:description ?en ;
                 lamc:translatedLanguage "en" .
             OPTIONAL { ?st lamc:printedAs ?printed } }""",
        a=iri(f"work/{article}"),
    )
    rows.sort(key=lambda r: int(r["n"].value))
    assert [r["n"].value for r in rows] == [str(i) for i in range(1, ARTICLE_FINDINGS[article] + 1)]
    assert {r["src"].value for r in rows} == {section(SEED, article).value}
    text = seed_text(SEED, flat=True)
    if text is None:
        return
    for r in rows:
        said = r["text"].value
        if said in text:
            continue
        printed = flat(r["printed"].value)
        assert printed in text
        tail = Counter(said) - Counter(printed)
        assert not tail, (article, tail)


def test_every_article_is_cited(seed002):
    """Every article of the collection is now the source of some fact; only the collection's
    own title (line 1, the title of the 2006 article repeated) cites nothing."""
    rows = select(
        seed002,
        """SELECT ?part WHERE {
             ?part dcterms:isPartOf ?doc .
             FILTER NOT EXISTS { ?x dcterms:source ?part } }""",
        doc=iri("document/002_6a0016c2059dec43"),
    )
    assert [short(r["part"]) for r in rows] == ["collection-title"]


@pytest.mark.parametrize(
    ("value", "src", "printed"),
    [
        ("我国高等教育“21l工程”总体规划中两个公共服务体系之一", "consortia-status-and-development",
         "是经国务院批准的我国高等教育“21l工程”总体规划中两个公共服务体系之一"),
        ("形成了“全国、地方、高校图书馆”3级文献信息保障模式的服务网络",
         "consortia-status-and-countermeasures",
         "形成了“国、全地方、高校图书馆”3级文献信息保障模式的服务网络"),
    ],
)  # fmt: skip
def test_calis_211_project_and_three_levels(seed002, value, src, printed):
    """Line 292 (one of the two public service systems of the 211 Project, approved by the
    State Council) and lines 68-69 (the three-level network), in the print's words."""
    rows = select(
        seed002,
        """SELECT ?src ?printed WHERE { ?c lamc:describedAs ?v .
             ?st rdf:subject ?c ; rdf:predicate lamc:describedAs ; rdf:object ?v ;
                 dcterms:source ?src ; lamc:printedAs ?printed }""",
        c=iri("institution/calis"),
        v=ox.Literal(value, language="zh-Hans"),
    )
    assert [short(r["src"]) for r in rows] == [src]
    assert flat(rows[0]["printed"].value) == printed
    text = seed_text(SEED, flat=True)
    if text is not None:
        assert printed in text


def test_calis_three_levels_as_a_scheme(seed002):
    rows = select(
        seed002,
        """SELECT ?n ?zh ?src WHERE { ?c skos:inScheme ?s ; skos:notation ?n ;
             skos:prefLabel ?zh ; dcterms:source ?src FILTER(langMatches(lang(?zh), "zh-Hans")) }
           ORDER BY ?n""",
        s=iri("scheme/calis-service-levels"),
    )
    assert [(r["n"].value, r["zh"].value, short(r["src"])) for r in rows] == [
        ("1", "全国", "consortia-status-and-countermeasures"),
        ("2", "地方", "consortia-status-and-countermeasures"),
        ("3", "高校图书馆", "consortia-status-and-countermeasures"),
    ]
