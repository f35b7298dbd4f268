"""Graph seed-001 (Persian slides on social networks and libraries) checked with SPARQL.

The years and names expected below were read from the slides; where ../shared is present each
is also found in the extracted text, which runs words together, reverses their order within a
line and mixes Persian digits (۴, ۷) into Latin numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.record import record_source, record_sources, seed001
from graph_loader.record.writer import RecordWriter

BASE = "https://w3id.org/lamcoop/"
REPO = Path(__file__).resolve().parent.parent
PREFIXES = """
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
"""
PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")

#: platform -> (launch year, the Persian name near which the slides print it)
YEARS = {
    "six-degrees": ("1997", "SixDegrees"),
    "facebook": ("2004", "فیسبوک"),
    "youtube": ("2005", "یوتیوب"),
    "twitter": ("2006", "توئیتر"),
    "whatsapp": ("2009", "واتساپ"),
    "snapchat": ("2011", "اسنپچت"),
    "telegram": ("2013", "تلگرام"),
    "tiktok": ("2016", "تیکتاک"),
}


@pytest.fixture(scope="module")
def writer() -> RecordWriter:
    return record_source("seed-001").write(BASE, REPO / "data")


@pytest.fixture(scope="module")
def graph(writer: RecordWriter) -> ox.Store:
    store = ox.Store()
    store.load(writer.ntriples(), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def seed_text() -> str:
    """The slides' text, whitespace removed and Persian digits read as Latin ones."""
    path = REPO.parent / "shared" / "seeds" / seed001.DOCUMENT
    if not path.is_file():
        pytest.skip(f"{path} is absent: the graph is checked on its own")
    return re.sub(r"\s+", "", path.read_text(encoding="utf-8")).translate(PERSIAN_DIGITS)


@pytest.fixture(scope="module")
def seed(request) -> str | None:
    """The seed text where ../shared is present, else None (the graph is still checked)."""
    path = REPO.parent / "shared" / "seeds" / seed001.DOCUMENT
    if not path.is_file():
        return None
    return request.getfixturevalue("seed_text")


def select(store: ox.Store, query: str, **bound: ox.NamedNode) -> list[ox.QuerySolution]:
    """Run ``query`` with ``bound`` IRIs as values (each joins the projection, as Oxigraph asks)."""
    projected = query.replace("SELECT", "SELECT " + " ".join(f"?{k}" for k in bound), 1)
    subs = {ox.Variable(k): v for k, v in bound.items()}
    return list(store.query(PREFIXES + projected, substitutions=subs))


def platform(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/platform/{slug}")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_seed001_is_a_source_of_record():
    assert {s.graph: s.document for s in record_sources()}["seed-001"] == seed001.DOCUMENT


def test_platforms_with_a_year_are_exactly_those_the_slides_date(graph):
    rows = select(
        graph, "SELECT ?p ?y WHERE { ?p a lamc:SocialMediaPlatform ; lamc:launchYear ?y }"
    )
    years = {r["p"].value.rsplit("/", 1)[1]: r["y"].value for r in rows}
    assert years == {slug: year for slug, (year, _) in YEARS.items()}


@pytest.mark.parametrize("slug", sorted(YEARS))
def test_launch_year_is_printed_beside_the_platform(seed_text, slug):
    year, name = YEARS[slug]
    assert re.search(rf"{re.escape(name)}.{{0,6}}{year}|{year}.{{0,8}}{re.escape(name)}", seed_text)


@pytest.mark.parametrize("slug", sorted(YEARS))
def test_launch_year_is_cited_with_its_printed_form(graph, seed, slug):
    rows = select(
        graph,
        """SELECT ?printed WHERE {
             ?s rdf:subject ?p ; rdf:predicate lamc:launchYear ; lamc:printedAs ?printed ;
                dcterms:source ?section . ?section dcterms:isPartOf ?doc .
           }""",
        p=platform(slug),
    )
    assert len(rows) == 1
    printed = flat(rows[0]["printed"].value).translate(PERSIAN_DIGITS)
    assert YEARS[slug][0] in printed
    if seed is not None:
        assert printed in seed


def test_bbs_dates_from_the_1970s_without_a_year(graph, seed):
    """The slides name the 1970s as a whole: the decade, bounded by its first and last year."""
    rows = select(
        graph,
        "SELECT ?d ?s ?e WHERE { ?p lamc:decade ?d ; lamc:periodStart ?s ; lamc:periodEnd ?e "
        "FILTER NOT EXISTS { ?p lamc:launchYear ?y } "
        "FILTER NOT EXISTS { ?p lamc:partOfDecade ?x } }",
        p=platform("bbs"),
    )
    assert [(r["d"].value, r["s"].value, r["e"].value) for r in rows] == [("1970", "1970", "1979")]
    if seed is not None:
        assert "CBBS(BulletinBoardSystem)مانندپلتفرمهاییباگرفتندشکل1970دهه" in seed


def test_whatsapp_was_bought_by_facebook_in_2014(graph, seed):
    rows = select(
        graph,
        'SELECT ?d WHERE { ?p dcterms:description ?d FILTER(LANG(?d) = "en") }',
        p=platform("whatsapp"),
    )
    assert "2014" in rows[0]["d"].value and "Facebook" in rows[0]["d"].value
    if seed is not None:
        assert "شدخریداریفیسبوکتوسط2014سالدر" in seed


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("social-network", {"facebook", "instagram", "twitter", "linkedin", "pinterest"}),
        ("social-media", {"youtube", "tiktok", "reddit", "telegram", "snapchat"}),
        ("scholarly-social-network",
         {"researchgate", "academia-edu", "mendeley", "orcid", "google-scholar"}),
        ("domestic-social-media", {"aparat", "rubika", "eitaa", "bale", "soroush"}),
    ],
)  # fmt: skip
def test_example_slide_lists_platforms_by_kind(graph, kind, expected):
    rows = select(
        graph,
        "SELECT ?p WHERE { ?p a lamc:SocialMediaPlatform ; dcterms:type ?k }",
        k=ox.NamedNode(f"{BASE}id/concept/social-platform-kinds/{kind}"),
    )
    assert {r["p"].value.rsplit("/", 1)[1] for r in rows} == expected


def test_domestic_platforms_are_printed_on_the_example_slide(seed_text):
    assert "آپارات،روبیکا،ایتا،بله،سروش" in seed_text


def test_library_history_has_five_numbered_stages_in_order(graph, seed):
    rows = select(
        graph,
        """SELECT ?n ?s WHERE { ?c skos:inScheme ?scheme ; skos:notation ?n .
                               OPTIONAL { ?c lamc:periodStart ?s } } ORDER BY ?n""",
        scheme=ox.NamedNode(f"{BASE}id/scheme/library-history"),
    )
    starts = [(r["n"].value, r["s"].value if r["s"] else None) for r in rows]
    assert starts == [("1", None), ("2", "1960"), ("3", "1990"), ("4", "2010"), ("5", None)]
    for number, year in (("2", "1960"), ("3", "1990"), ("4", "2010")):
        if seed is not None:
            assert re.search(rf"{year}.{{0,40}}\.{number}", seed)


#: scheme -> how many items the slides print under it
COUNTS = {
    "social-media-benefits": 12,
    "social-media-challenges": 7,
}


@pytest.mark.parametrize(("scheme", "count"), sorted(COUNTS.items()))
def test_benefits_and_challenges_are_all_there(graph, scheme, count):
    rows = select(
        graph,
        "SELECT ?c WHERE { ?c a skos:Concept ; skos:inScheme ?s ; skos:topConceptOf ?s }",
        s=ox.NamedNode(f"{BASE}id/scheme/{scheme}"),
    )
    assert len(rows) == count


def test_the_slides_print_twelve_benefits_and_seven_challenges(seed_text):
    """Benefits are bullets; each challenge is a heading followed by a colon."""
    start, end = seed_text.index("مزایایاستفادهاز"), seed_text.index("ازاستفادهلشهایاچ")
    assert seed_text[start:end].count("•") == COUNTS["social-media-benefits"]
    assert seed_text[end:].count(":") == COUNTS["social-media-challenges"]


def test_services_name_the_ones_the_brief_of_the_slides_lists(graph):
    rows = select(
        graph,
        """SELECT ?en WHERE { ?c skos:inScheme ?s ; skos:prefLabel ?en .
                             FILTER(langMatches(lang(?en), "en")) }""",
        s=ox.NamedNode(f"{BASE}id/scheme/library-social-media-services"),
    )
    labels = " | ".join(r["en"].value.lower() for r in rows)
    for phrase in ("digital reference", "opac", "younger", "information literacy", "research"):
        assert phrase in labels


def test_narrower_services_sit_under_a_service_of_the_same_scheme(graph):
    rows = select(
        graph,
        """SELECT ?c WHERE { ?c skos:broader ?b .
                             FILTER NOT EXISTS { ?c skos:inScheme ?s . ?b skos:inScheme ?s } }""",
    )
    assert rows == []
    assert select(graph, "SELECT ?c WHERE { ?c skos:broader ?b }")


def test_ala_list_is_attributed_to_the_american_library_association(graph, seed):
    rows = select(
        graph,
        "SELECT ?c WHERE { ?c prov:wasAttributedTo ?ala }",
        ala=ox.NamedNode(f"{BASE}id/institution/american-library-association"),
    )
    assert len(rows) == 6
    if seed is not None:
        assert "(AmericanLibraryAssociation)" in seed


def test_every_entity_has_a_persian_and_an_english_label(graph):
    """Every entity but the platforms the slides name only in Latin letters (a Latin name is
    not tagged as Persian: see test_record_fidelity_001.py)."""
    rows = select(
        graph,
        """SELECT ?e WHERE {
             ?e dcterms:source ?section . FILTER(isIRI(?e))
             FILTER NOT EXISTS { ?e a skos:ConceptScheme }
             FILTER NOT EXISTS {
               ?e a lamc:SocialMediaPlatform ; skos:prefLabel ?latin .
               FILTER(langMatches(lang(?latin), "en"))
               FILTER NOT EXISTS { ?e lamc:translatedLanguage "en" }
             }
             FILTER NOT EXISTS {
               ?e skos:prefLabel ?fa , ?en .
               FILTER(langMatches(lang(?fa), "fa") && langMatches(lang(?en), "en"))
             }
           }""",
    )
    assert [r["e"].value for r in rows] == []


def test_concepts_english_labels_are_marked_translated(graph):
    rows = select(
        graph,
        """SELECT ?c WHERE { ?c a skos:Concept .
                            FILTER NOT EXISTS { ?c lamc:translatedLanguage "en" } }""",
    )
    assert rows == []


def test_english_names_not_marked_translated_are_printed_in_the_slides(graph, seed_text):
    rows = select(
        graph,
        """SELECT ?en WHERE { ?e dcterms:source ?s ; skos:prefLabel ?en .
                             FILTER(isIRI(?e) && langMatches(lang(?en), "en"))
                             FILTER NOT EXISTS { ?e lamc:translatedLanguage "en" }
                             FILTER NOT EXISTS { ?e a skos:ConceptScheme } }""",
    )
    assert rows
    assert [r["en"].value for r in rows if flat(r["en"].value) not in seed_text] == []


def letters(text: str) -> Counter:
    return Counter(c for c in text if c.isalpha())


def test_restored_persian_labels_use_only_printed_letters(graph, seed):
    """A restored label reorders and spaces the extracted letters; it adds none."""
    rows = select(
        graph,
        """SELECT ?fa ?note WHERE { ?e skos:prefLabel ?fa ; skos:editorialNote ?note .
                                   FILTER(langMatches(lang(?fa), "fa"))
                                   FILTER(STRSTARTS(?note, "Label restored")) }""",
    )
    assert len(rows) > 50
    for row in rows:
        extracted = row["note"].value.split("«", 1)[1].rsplit("»", 1)[0]
        assert not letters(row["fa"].value) - letters(extracted), row["fa"].value
        if seed is not None:
            assert flat(extracted).translate(PERSIAN_DIGITS) in seed


def test_the_same_tables_give_the_same_bytes(writer):
    again = record_source("seed-001").write(BASE, REPO / "data")
    assert again.ntriples() == writer.ntriples()
