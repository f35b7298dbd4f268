"""Graph seed-002 (Chinese articles on library consortia) checked with SPARQL.

The expected figures and names below were read from the seed text itself; where ../shared is
present, each is also found in the text near the name of the consortium it belongs to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.record import record_source, record_sources, seed002
from graph_loader.record.writer import RecordWriter
from graph_loader.vocab import LAMC

BASE = "https://w3id.org/lamcoop/"
REPO = Path(__file__).resolve().parent.parent
PREFIXES = """
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""

#: slug -> (Chinese name in the graph, the name as the seed prints it, spaces removed)
CONSORTIA = {
    "calis": ("中国高等教育文献保障系统", "中国高等教育文献保障系统"),
    "nstl": ("国家科技图书文献中心", "国家科技图书文献中心"),
    "china-digital-library-alliance": ("中国数字图书馆联盟", "中国数字图书馆联盟"),
    "beijing-university-network-library": ("北京高校网络图书馆", "北京高校网络图书馆"),
    "tianjin-higher-education-digital-library": (
        "天津市高校数字化图书馆",
        "天津市高校数字化图书馆",
    ),
    "shanghai-university-network-library": ("上海高校网络图书馆", "上海高校网络图书馆"),
    "shanghai-education-network-library": ("上海教育网络图书馆", "上海教育网络罔书馆"),
    "guangdong-network-library": ("广东网络图书馆", "广东网络图书馆"),
    "jalis": ("江苏高等教育文献保障体系", "江苏高等教育文献保障体系(JALIS)"),
    "hebei-higher-education-digital-library-consortium": (
        "河北省高等学校数字图书馆联盟",
        "河北省高等学校数字图书馆联盟",
    ),
    "jiangxi-changbei-university-library-alliance": (
        "江西昌北高校图书馆联盟",
        "江西昌北高校图书馆联盟",
    ),
    "hunan-provincial-consortium": ("湖南省…", "北京高校网络图书馆、湖南省"),
    "henan-regional-university-library-alliance": (
        "河南省区域高校图书馆联盟",
        "河南省区域高校图书馆联盟",
    ),
    "yangtze-river-delta-library-alliance": ("长江三角洲图书馆联盟", "长江三角洲图书馆联盟"),
    "cerl": ("欧洲古籍图书馆联盟", "CERL(欧洲古籍图书馆联盟)"),
    "rluk": ("研究图书馆联盟", "RLUK(研究图书馆联盟)"),
    "cdnl": ("中华人民共和国图书馆联盟", "CDNL(中华人民共和国图书馆联盟)"),
}


@pytest.fixture(scope="module")
def writer() -> RecordWriter:
    return record_source("seed-002").write(BASE, REPO / "data")


@pytest.fixture(scope="module")
def graph(writer: RecordWriter) -> ox.Store:
    """The graph as the build loads it: its N-Triples in a real in-memory store."""
    store = ox.Store()
    store.load(writer.ntriples(), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def seed_text() -> str:
    """The seed with every whitespace removed (the extraction splits words and numbers)."""
    path = REPO.parent / "shared" / "seeds" / seed002.DOCUMENT
    if not path.is_file():
        pytest.skip(f"{path} is absent: figures are checked against the graph only")
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed(request) -> str | None:
    """The seed text where ../shared is present, else None (the graph is still checked)."""
    path = REPO.parent / "shared" / "seeds" / seed002.DOCUMENT
    if not path.is_file():
        return None
    return request.getfixturevalue("seed_text")


def select(store: ox.Store, query: str, **bound: ox.NamedNode) -> list[ox.QuerySolution]:
    """Run ``query`` with ``bound`` IRIs as values (each joins the projection, as Oxigraph asks)."""
    projected = query.replace("SELECT", "SELECT " + " ".join(f"?{k}" for k in bound), 1)
    subs = {ox.Variable(k): v for k, v in bound.items()}
    return list(store.query(PREFIXES + projected, substitutions=subs))


def inst(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/institution/{slug}")


def near(text: str, anchor: str, printed: str, window: int) -> bool:
    """``printed`` occurs within ``window`` characters of an occurrence of ``anchor``."""
    flat = re.sub(r"\s+", "", printed)
    for match in re.finditer(re.escape(anchor), text):
        start = max(0, match.start() - window)
        if flat in text[start : match.end() + window]:
            return True
    return False


def test_seed002_is_a_source_of_record():
    graphs = {source.graph: source for source in record_sources()}
    assert graphs["seed-002"].document == "002_6a0016c2059dec43.txt"


@pytest.mark.parametrize("slug", sorted(CONSORTIA))
def test_every_consortium_named_has_chinese_and_english_labels(graph, slug):
    rows = select(
        graph,
        """SELECT ?zh ?en WHERE {
             ?c a lamc:Consortium ; skos:prefLabel ?zh , ?en ; lamc:translatedLanguage "en" .
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


def test_guangdong_union_catalogue_has_330000_records(graph, seed):
    rows = select(
        graph,
        """SELECT ?n ?note WHERE {
             ?c lamc:sharesResource ?r . ?r a lamc:UnionCatalogue ; lamc:recordCount ?n ;
                skos:editorialNote ?note .
           }""",
        c=inst("guangdong-network-library"),
    )
    assert [r["n"].value for r in rows] == ["330000"]
    assert "3 3万条" in rows[0]["note"].value
    if seed is not None:
        assert near(seed, "广东高校", "联合目录33万条数据", 40)


def test_calis_has_four_national_and_seven_regional_centres(graph, seed):
    counts = {}
    for kind in ("NationalCentre", "RegionalCentre"):
        rows = select(
            graph, "SELECT ?u WHERE { ?u a ?k ; org:unitOf ?c . ?c org:hasUnit ?u }",
            c=inst("calis"), k=LAMC[kind],
        )  # fmt: skip
        counts[kind] = len(rows)
    assert counts == {"NationalCentre": 4, "RegionalCentre": 7}
    if seed is not None:
        assert near(seed, "北京大学", "文理、工程、农学、医学4个全国文献信息中心", 60)
    if seed is not None:
        assert near(seed, "北京大学", "7个地区中心和1", 120)


def test_calis_national_centres_are_the_four_fields(graph):
    rows = select(
        graph,
        """SELECT ?zh WHERE { ?u a lamc:NationalCentre ; org:unitOf ?c ; skos:prefLabel ?zh .
                             FILTER(langMatches(lang(?zh), "zh-Hans")) }""",
        c=inst("calis"),
    )
    assert sorted(r["zh"].value[:2] for r in rows) == sorted(["文理", "工程", "农学", "医学"])


@pytest.mark.parametrize(
    ("consortium", "host", "printed"),
    [
        ("beijing-university-network-library", "capital-normal-university-library",
         "管理中心设在首都师范大学图书馆"),
        ("calis", "peking-university", "设在北京大学的"),
        ("guangdong-network-library", "south-china-normal-university-library",
         "文献倍息中心设下华南师范大学图书馆"),
    ],
)  # fmt: skip
def test_management_centre_is_hosted_where_the_text_says(graph, seed, consortium, host, printed):
    rows = select(
        graph,
        "SELECT ?u WHERE { ?u a lamc:ManagementCentre ; org:unitOf ?c ; lamc:hostedBy ?h }",
        c=inst(consortium),
        h=inst(host),
    )
    assert len(rows) == 1
    if seed is not None:
        assert printed in seed


def test_beijing_runs_on_cernet(graph, seed):
    rows = select(
        graph,
        """SELECT ?zh WHERE { ?c lamc:network ?n . ?n skos:prefLabel ?zh .
                             FILTER(langMatches(lang(?zh), "zh-Hans")) }""",
        c=inst("beijing-university-network-library"),
    )
    assert [r["zh"].value for r in rows] == ["中国教育科研网"]
    if seed is not None:
        assert near(seed, "北京高校网络图书馆", "主要依托中国教育科研网", 120)


def test_1957_plan_created_two_national_and_nine_regional_committees(graph, seed):
    plan = ox.NamedNode(f"{BASE}id/event/national-book-coordination-plan-1957")
    rows = select(
        graph,
        """SELECT ?date ?by WHERE { ?e a lamc:Event ; dcterms:date ?date ;
                                   prov:wasAssociatedWith ?by }""",
        e=plan,
    )
    assert [(r["date"].value, r["by"]) for r in rows] == [
        ("1957-09", inst("state-council-of-china"))
    ]
    created = select(
        graph,
        """SELECT ?zh ?n WHERE { ?e prov:generated ?c . ?c skos:prefLabel ?zh .
                                FILTER(langMatches(lang(?zh), "zh-Hans"))
                                OPTIONAL { ?c lamc:memberCount ?n } }""",
        e=plan,
    )
    national = [r for r in created if r["zh"].value.startswith("全国性")]
    regional = [r["n"].value for r in created if r["n"] is not None]
    assert len(national) == 2 and regional == ["9"]
    if seed is not None:
        assert near(seed, "国务院颁布", "北京全和上海两个全国性以及其他9个地区性中心图书馆委员", 60)
        assert near(seed, "国务院", "1597年", 10) and near(seed, "国务院公", "1597年9月", 10)


@pytest.mark.parametrize(
    ("slug", "start", "end", "printed"),
    [
        ("library-journal-library-cooperation-1880s", "1880", "1889",
         "纪8代,国《书9世0年美图馆杂志》"),
        ("cooperation-networks-late-1980s", "1980", "1989",
         "20世纪80年代后期,各种图书馆协作网络联盟有近百个"),
        ("library-cooperation-in-china-1950s", "1950", "1959", "我国馆际合作可追溯到上世50年代"),
    ],
)  # fmt: skip
def test_decades_of_the_history(graph, seed, slug, start, end, printed):
    rows = select(
        graph,
        "SELECT ?s ?e WHERE { ?ev a lamc:Event ; schema:startDate ?s ; schema:endDate ?e }",
        ev=ox.NamedNode(f"{BASE}id/event/{slug}"),
    )
    assert [(r["s"].value, r["e"].value) for r in rows] == [(start, end)]
    if seed is not None:
        assert printed in seed


def test_hundred_networks_by_the_late_1980s_is_described(graph):
    rows = select(
        graph,
        "SELECT ?d WHERE { ?e dcterms:description ?d }",
        e=ox.NamedNode(f"{BASE}id/event/cooperation-networks-late-1980s"),
    )
    assert "近百个" in rows[0]["d"].value and "hundred" in rows[0]["d"].value


#: component -> property of the agreement
COMPONENT_PROPERTIES = {
    "parties": "party", "coordinator": "coordinator", "term": "startDate",
    "funding": "fundingModel", "governance": "governanceBody", "areas": "cooperationArea",
    "standards": "adoptsStandard",
}  # fmt: skip

#: What the text documents of each founding (read from the seed; see the module docstring).
DOCUMENTED = {
    "calis": {"coordinator", "funding", "governance", "areas"},
    "beijing-university-network-library": {"term", "coordinator", "governance", "areas"},
    "tianjin-higher-education-digital-library": {"term", "funding", "areas", "standards"},
    "shanghai-university-network-library": {"parties", "term", "areas"},
    "guangdong-network-library": {
        "parties", "term", "coordinator", "funding", "governance", "areas",
    },
    "hebei-higher-education-digital-library-consortium": {"funding"},
    "jiangxi-changbei-university-library-alliance": {"funding"},
}  # fmt: skip


@pytest.mark.parametrize("slug", sorted(CONSORTIA))
def test_each_consortium_has_a_founding_agreement_with_only_documented_components(graph, slug):
    node = ox.NamedNode(f"{BASE}id/agreement/{slug}-charter")
    rows = select(
        graph, "SELECT ?p WHERE { ?a a lamc:ConsortiumCharter ; lamc:governs ?c ; ?p ?o }",
        a=node, c=inst(slug),
    )  # fmt: skip
    present = {r["p"] for r in rows}
    carried = {name for name, prop in COMPONENT_PROPERTIES.items() if LAMC[prop] in present}
    assert carried == DOCUMENTED.get(slug, set())


def test_every_component_an_agreement_carries_is_cited(graph):
    rows = select(
        graph,
        """SELECT ?a ?p ?o WHERE {
             ?a a lamc:Agreement ; ?p ?o .
             VALUES ?p { lamc:party lamc:coordinator lamc:startDate lamc:fundingModel
                         lamc:governanceBody lamc:cooperationArea lamc:adoptsStandard }
             FILTER NOT EXISTS {
               ?s rdf:subject ?a ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source ?sec .
               ?sec dcterms:isPartOf ?doc . ?doc dcterms:identifier "002_6a0016c2059dec43.txt" .
             }
           }""",
    )
    assert rows == []
    assert select(graph, "SELECT ?a WHERE { ?a lamc:coordinator ?x }")


def test_tianjin_adopts_the_three_standards_it_issued(graph, seed):
    rows = select(
        graph,
        """SELECT ?zh WHERE { ?a lamc:governs ?c ; lamc:adoptsStandard ?s .
                             ?s lamc:definedBy ?c ; skos:prefLabel ?zh .
                             FILTER(langMatches(lang(?zh), "zh-Hans")) }""",
        c=inst("tianjin-higher-education-digital-library"),
    )
    names = sorted(r["zh"].value for r in rows)
    assert names == sorted(["中文图书联合编目著录细则", "条形码编码规则", "馆际互借服务管理办法"])
    if seed is not None:
        assert all(name in seed for name in names)


def test_every_entity_has_a_chinese_label_and_a_translated_english_one(graph):
    rows = select(
        graph,
        """SELECT ?e WHERE {
             ?e dcterms:source ?section . FILTER(isIRI(?e))
             FILTER NOT EXISTS { ?e a lamc:Agreement }
             FILTER NOT EXISTS { ?e a skos:ConceptScheme }
             FILTER NOT EXISTS {
               ?e skos:prefLabel ?zh , ?en ; lamc:translatedLanguage "en" .
               FILTER(langMatches(lang(?zh), "zh-Hans") && langMatches(lang(?en), "en"))
             }
           }""",
    )
    assert [r["e"].value for r in rows] == []


def test_agreements_are_named_in_english_only_with_a_note(graph):
    """The text names no charter, so an agreement has no Chinese name to print."""
    rows = select(
        graph,
        """SELECT ?a (COUNT(DISTINCT ?zh) AS ?n) WHERE {
             ?a a lamc:Agreement ; skos:prefLabel ?en ; skos:editorialNote ?note .
             OPTIONAL { ?a skos:prefLabel ?zh . FILTER(langMatches(lang(?zh), "zh-Hans")) }
           } GROUP BY ?a""",
    )
    assert len(rows) == len(CONSORTIA)
    assert {r["n"].value for r in rows} == {"0"}


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
