"""Seed 002: the consortia it names, their stated figures and citations, what the text says
of each (stated on the consortium, no agreement made up) and their labels."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from graph_loader.record import record_source, record_sources
from graph_loader.vocab import LAMC
from tests.seed002.conftest import BASE, CONSORTIA, REPO, inst, near, select


def test_seed002_is_a_source_of_record():
    graphs = {source.graph: source for source in record_sources()}
    assert graphs["seed-002"].document == "002_6a0016c2059dec43.txt"


@pytest.mark.parametrize("slug", sorted(CONSORTIA))
def test_every_consortium_named_has_chinese_and_english_labels(graph, slug):
    rows = select(
        graph,
        """SELECT ?zh ?en WHERE {
             ?c a lamc:Consortium ; skos:prefLabel ?zh , ?en .
             FILTER(langMatches(lang(?zh), "zh-Hans") && langMatches(lang(?en), "en"))
           }""",
        c=inst(slug),
    )
    assert [r["zh"].value for r in rows] == [CONSORTIA[slug][0]]
    assert rows[0]["en"].value.strip()


@pytest.mark.parametrize("slug", sorted(CONSORTIA))
def test_every_consortium_name_is_printed_in_the_seed(seed_text, slug):
    assert CONSORTIA[slug][1] in seed_text


def test_no_consortium_beyond_those_the_text_names(graph):
    rows = select(graph, "SELECT ?c WHERE { ?c a lamc:Consortium }")
    assert {r["c"].value.rsplit("/", 1)[1] for r in rows} == set(CONSORTIA)


#: (consortium, property, value, datatype, anchor near which it is printed, printed form)
FIGURES = [
    ("beijing-university-network-library", "memberCount", "27", "nonNegativeInteger",
     "北京高校网络图书馆始建于", "27家图书馆"),
    ("beijing-university-network-library", "foundedOn", "2001-12", "gYearMonth",
     "北京高校网络图书馆", "始建于2001年12月"),
    ("guangdong-network-library", "foundedOn", "2002-10", "gYearMonth",
     "广东省教育厅", "于2002年lo月投资启动"),
    ("guangdong-network-library", "foundingMemberCount", "9", "nonNegativeInteger",
     "华南师范大学图书馆", "由原来的9所高校图书馆"),
    ("shanghai-university-network-library", "foundedOn", "2000-12-25", "date",
     "由上海交通大学", "2000年l2月2日,5"),
    ("tianjin-higher-education-digital-library", "foundedOn", "2001", "gYear",
     "天津市高校数字化图书馆", "于2001年启动"),
    ("calis", "memberCount", "152", "nonNegativeInteger",
     "东北地区国防信息中心", "12个高校成员馆,发5"),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "prop", "value", "dtype", "anchor", "printed"), FIGURES)
def test_stated_figures_come_out_of_the_graph(graph, slug, prop, value, dtype, anchor, printed):
    rows = select(graph, "SELECT ?v WHERE { ?c ?p ?v }", c=inst(slug), p=LAMC[prop])
    assert [r["v"].value for r in rows] == [value]


@pytest.mark.parametrize(("slug", "prop", "value", "dtype", "anchor", "printed"), FIGURES)
def test_stated_figures_are_written_with_their_datatype(
    writer, slug, prop, value, dtype, anchor, printed
):
    """Checked on the written triples: the store keeps integer subtypes as xsd:integer."""
    objects = [
        t.object for t in writer.graph() if t.subject == inst(slug) and t.predicate == LAMC[prop]
    ]
    assert [(o.value, o.datatype.value.rsplit("#", 1)[1]) for o in objects] == [(value, dtype)]


@pytest.mark.parametrize(("slug", "prop", "value", "dtype", "anchor", "printed"), FIGURES)
def test_stated_figures_are_printed_near_the_name(
    seed_text, slug, prop, value, dtype, anchor, printed
):
    assert near(seed_text, anchor, printed, 80)


def citations(store: ox.Store, subject: ox.NamedNode, prop: ox.NamedNode) -> list[str]:
    """The printed forms of the statements citing ``subject prop ...`` to a section of 002."""
    rows = select(
        store,
        """SELECT ?printed WHERE {
             ?s rdf:subject ?c ; rdf:predicate ?p ; lamc:printedAs ?printed ;
                dcterms:source ?section .
             ?section dcterms:isPartOf ?doc .
           }""",
        c=subject,
        p=prop,
        doc=ox.NamedNode(f"{BASE}id/document/002_6a0016c2059dec43"),
    )
    return [r["printed"].value for r in rows]


@pytest.mark.parametrize(("slug", "prop", "value", "dtype", "anchor", "printed"), FIGURES)
def test_each_figure_is_cited_with_its_printed_form(
    graph, slug, prop, value, dtype, anchor, printed
):
    assert citations(graph, inst(slug), LAMC[prop]), f"{slug} {prop} carries no citation"


@pytest.mark.parametrize(("slug", "prop", "value", "dtype", "anchor", "printed"), FIGURES)
def test_cited_printed_form_is_in_the_seed_near_the_name(
    graph, seed_text, slug, prop, value, dtype, anchor, printed
):
    assert all(
        near(seed_text, anchor, text, 80) for text in citations(graph, inst(slug), LAMC[prop])
    )


#: What the text documents of each consortium, stated on the consortium (read from the seed):
#: funding model, the areas of its work, founding date, founders, units (and their hosts).
DOCUMENTED_PROPERTIES = {
    "funding": "fundingModel", "areas": "cooperationArea", "founded": "foundedOn",
    "founders": "foundedBy",
}  # fmt: skip
DOCUMENTED = {
    "calis": {"funding", "areas"},
    "beijing-university-network-library": {"founded", "areas"},
    "tianjin-higher-education-digital-library": {"founded", "funding", "areas"},
    "shanghai-university-network-library": {"founded", "founders", "areas"},
    "guangdong-network-library": {"founded", "founders", "funding", "areas"},
    "hebei-higher-education-digital-library-consortium": {"funding"},
    "jiangxi-changbei-university-library-alliance": {"funding"},
    "henan-regional-university-library-alliance": {"areas"},
}  # fmt: skip


@pytest.mark.parametrize("slug", sorted(CONSORTIA))
def test_what_the_text_says_of_each_consortium_is_stated_on_it(graph, slug):
    rows = select(graph, "SELECT ?p WHERE { ?c ?p ?o }", c=inst(slug))
    present = {r["p"] for r in rows}
    carried = {name for name, prop in DOCUMENTED_PROPERTIES.items() if LAMC[prop] in present}
    assert carried == DOCUMENTED.get(slug, set())


def test_every_documented_statement_on_a_consortium_is_cited(graph):
    rows = select(
        graph,
        """SELECT ?c ?p ?o WHERE {
             ?c a lamc:Consortium ; ?p ?o .
             VALUES ?p { lamc:fundingModel lamc:cooperationArea lamc:foundedOn lamc:foundedBy
                         lamc:memberCount lamc:fundedBy }
             FILTER NOT EXISTS {
               ?s rdf:subject ?c ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source ?sec .
               ?sec dcterms:isPartOf ?doc . ?doc dcterms:identifier "002_6a0016c2059dec43.txt" .
             }
           }""",
    )
    assert rows == []


def test_no_founding_agreement_is_made_up(graph):
    """The text names no charter of any consortium: the one agreement of seed-002 is the State
    Council's 1957 national book coordination plan, which it documents."""
    rows = select(graph, "SELECT ?a WHERE { ?a a lamc:Agreement }")
    plan = f"{BASE}id/agreement/national-book-coordination-plan-1957"
    assert [r["a"].value for r in rows] == [plan]
    for prop in ("governs", "coordinator", "party", "governanceBody"):
        assert select(graph, f"SELECT ?s WHERE {{ ?s lamc:{prop} ?o }}") == [], prop
    assert select(graph, "SELECT ?a WHERE { ?a a lamc:ConsortiumCharter }") == []
    # Nor a CALIS service the text does not list (only a cataloguing *system* is named).
    service = ox.NamedNode(f"{BASE}id/service/calis-cooperative-cataloguing")
    assert select(graph, "SELECT ?p WHERE { ?x ?p ?s }", s=service) == []


def test_tianjin_defined_the_three_standards_it_issued(graph, seed):
    rows = select(
        graph,
        """SELECT ?zh WHERE { ?s lamc:definedBy ?c ; skos:prefLabel ?zh .
                             FILTER(langMatches(lang(?zh), "zh-Hans")) }""",
        c=inst("tianjin-higher-education-digital-library"),
    )
    names = sorted(r["zh"].value for r in rows)
    assert names == sorted(["中文图书联合编目著录细则", "条形码编码规则", "馆际互借服务管理办法"])
    if seed is not None:
        assert all(name in seed for name in names)


def test_every_entity_has_a_chinese_label_and_a_translated_english_one(graph):
    """Every entity but CALIS and the journal Private Education Research, whose English names
    the text prints (lines 292, 181; see tests/fidelity/test_fidelity_002.py and
    test_articles_002.py)."""
    rows = select(
        graph,
        """SELECT ?e WHERE {
             ?e dcterms:source ?section . FILTER(isIRI(?e) && ?e NOT IN (?calis, ?journal))
             FILTER NOT EXISTS { ?e a lamc:Agreement }
             FILTER NOT EXISTS { ?e a skos:ConceptScheme }
             FILTER NOT EXISTS {
               ?e skos:prefLabel ?zh , ?en ; lamc:translatedLanguage "en" .
               FILTER(langMatches(lang(?zh), "zh-Hans") && langMatches(lang(?en), "en"))
             }
           }""",
        calis=inst("calis"),
        journal=ox.NamedNode(f"{BASE}id/work/private-education-research"),
    )
    assert [r["e"].value for r in rows] == []


def test_the_1957_plan_is_named_as_printed_and_dated(graph, seed):
    plan = ox.NamedNode(f"{BASE}id/agreement/national-book-coordination-plan-1957")
    rows = select(
        graph,
        """SELECT ?zh ?date ?event WHERE {
             ?a skos:prefLabel ?zh ; dcterms:date ?date . ?event prov:generated ?a .
             FILTER(langMatches(lang(?zh), "zh-Hans")) }""",
        a=plan,
    )
    assert [(r["zh"].value, r["date"].value) for r in rows] == [("全国图书协调方案", "1957-09")]
    if seed is not None:
        assert "图书协调方案" in seed


def test_every_printed_form_occurs_in_the_seed(graph, seed_text):
    rows = select(graph, "SELECT ?p WHERE { ?s lamc:printedAs ?p }")
    assert rows
    missing = [r["p"].value for r in rows if re.sub(r"\s+", "", r["p"].value) not in seed_text]
    assert missing == []


@pytest.mark.parametrize(
    ("node", "printed"),
    [
        ("institution/calis", "展 了 1 2个"),
        ("institution/hunan-provincial-consortium", "湖南省"),
        ("institution/yangtze-river-delta-library-alliance", "1 0万 k"),
        ("unit/calis-regional-centre-north-east-china", "北 、"),
        ("event/national-book-coordination-plan-1957", "15 97年"),
    ],
)
def test_damaged_text_is_noted_with_its_printed_form(graph, seed, node, printed):
    rows = select(
        graph, "SELECT ?n WHERE { ?e skos:editorialNote ?n }",
        e=ox.NamedNode(f"{BASE}id/{node}"),
    )  # fmt: skip
    assert any(printed in r["n"].value for r in rows)
    if seed is not None:
        assert re.sub(r"\s+", "", printed) in seed


def test_ontology_terms_used_are_documented(writer):
    vocabulary = (REPO / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    used = {
        term.value.rsplit("#", 1)[1]
        for t in writer.graph()
        for term in (t.predicate, t.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(LAMC.Event.value[:-5])
    }
    assert used and {name for name in used if f"lamc:{name}" not in vocabulary} == set()


def test_the_same_tables_give_the_same_bytes(writer):
    again = record_source("seed-002").write(BASE, REPO / "data")
    assert again.ntriples() == writer.ntriples()
