"""Seed 002: the structure and history of CALIS and of China's library networks, as the
text states them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph_loader.vocab import LAMC
from tests.seed002.conftest import BASE, inst, near, select


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
                                OPTIONAL { ?c lamc:groupSize ?n }
                                FILTER NOT EXISTS { ?c lamc:memberCount ?m } }""",
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
        ("library-cooperation-in-china-1950s", "1950", "1959", "我国馆际合作可追溯到上世50年代"),
        ("regional-university-consortia-1990s", "1990", "1999", "进入90年代"),
    ],
)  # fmt: skip
def test_decades_of_the_history(graph, seed, slug, start, end, printed):
    """A decade named as a whole is bounded by its first and last year."""
    rows = select(
        graph,
        "SELECT ?s ?e WHERE { ?ev a lamc:Event ; lamc:periodStart ?s ; lamc:periodEnd ?e ;"
        " lamc:decade ?s FILTER NOT EXISTS { ?ev lamc:partOfDecade ?p } }",
        ev=ox.NamedNode(f"{BASE}id/event/{slug}"),
    )
    assert [(r["s"].value, r["e"].value) for r in rows] == [(start, end)]
    if seed is not None:
        assert printed in seed


@pytest.mark.parametrize(
    ("slug", "decade", "part", "printed"),
    [
        ("cooperation-networks-late-1980s", "1980", "late",
         "20世纪80年代后期,各种图书馆协作网络联盟有近百个"),
        ("consortium-boom-late-1990s", "1990", "end", "2纪90世0年代末"),
    ],
)  # fmt: skip
def test_vague_periods_stay_vague(graph, seed, slug, decade, part, printed):
    """ "80年代后期" (late 1980s) and "90年代末" (end of the 1990s): the decade and the part of it
    the text names, no start or end, so that no query reads them as the whole decade."""
    node = ox.NamedNode(f"{BASE}id/event/{slug}")
    rows = select(
        graph, "SELECT ?d ?p WHERE { ?ev lamc:decade ?d ; lamc:partOfDecade ?p }", ev=node
    )
    assert [(r["d"].value, r["p"].value) for r in rows] == [(decade, part)]
    bounded = select(
        graph,
        "SELECT ?x WHERE { { ?ev schema:startDate|lamc:periodStart ?x } UNION"
        " { ?ev schema:endDate|lamc:periodEnd ?x } }",
        ev=node,
    )
    assert bounded == []
    cited = select(
        graph,
        "SELECT ?section WHERE { ?st rdf:subject ?ev ; rdf:predicate lamc:partOfDecade ;"
        " dcterms:source ?section ; lamc:printedAs ?printed }",
        ev=node,
    )
    assert len(cited) == 1
    if seed is not None:
        assert printed in seed


def test_hundred_networks_by_the_late_1980s_is_described(graph):
    rows = select(
        graph,
        'SELECT ?d WHERE { ?e dcterms:description ?d FILTER(LANG(?d) = "en") }',
        e=ox.NamedNode(f"{BASE}id/event/cooperation-networks-late-1980s"),
    )
    assert "近百个" in rows[0]["d"].value and "hundred" in rows[0]["d"].value


#: component -> property of the agreement
