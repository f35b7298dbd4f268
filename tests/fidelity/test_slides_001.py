"""Seed 001: the definitions slide and the differences slide as data, read back with SPARQL,
each sentence with its slide, its place on the slide and its extracted text."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.fidelity.conftest import iri, section, seed_text, select

SEED = "seed-001"


def letters(text: str) -> Counter:
    """Letters only: no spaces, ZWNJ, punctuation, digits or tatweel (a stretching stroke)."""
    return Counter(c for c in text if c.isalpha() and c != "\u0640")


def said(store, prop: str, slug: str) -> list[tuple[int, str, str, str, str]]:
    """(place, Persian, slide, extracted, English) of each statement, in the slide's order."""
    rows = select(
        store,
        f"""SELECT ?n ?fa ?src ?printed ?en WHERE {{
              ?c skos:{prop} ?fa .
              ?st rdf:subject ?c ; rdf:predicate skos:{prop} ; rdf:object ?fa ;
                  skos:notation ?n ; dcterms:source ?src ; lamc:printedAs ?printed ;
                  dcterms:description ?en ; lamc:translatedLanguage "en" .
              FILTER(langMatches(lang(?fa), "fa")) }}""",
        c=iri(f"concept/social-platform-kinds/{slug}"),
    )
    return sorted(
        (int(r["n"].value), r["fa"].value, r["src"].value, r["printed"].value, r["en"].value)
        for r in rows
    )


@pytest.mark.parametrize(
    ("slug", "numbers", "first"),
    [
        ("social-media", [1, 3], "رسانه اجتماعی (Social media) فناوری‌های تعاملی مبتنی بر کامپیوتر"),
        ("social-network", [2, 3], "شبکه‌های اجتماعی (Social network) ساختاری اجتماع‌محور"),
    ],
)  # fmt: skip
def test_definitions_as_printed(seed001, slug, numbers, first):
    """Slide «شبکه و رسانه اجتماعی چیست؟» (lines 158-178): each definition, and the summary
    that defines both, in Persian restored with exactly the extracted letters."""
    rows = said(seed001, "definition", slug)
    assert [n for n, *_ in rows] == numbers
    assert rows[0][1].startswith(first)
    assert rows[1][1].startswith("به طور خلاصه شبکه‌ها و رسانه‌های اجتماعی")
    assert {src for _, _, src, _, _ in rows} == {section(SEED, "definitions").value}
    check_printed(rows)


def test_the_stated_differences_in_slide_order(seed001):
    """Slide «تفاوت شبکه‌های اجتماعی و رسانه‌های اجتماعی» (lines 182-205): ten sentences, the
    ones on media on social media, those on networks on social networks, the rest on both."""
    media = said(seed001, "scopeNote", "social-media")
    networks = said(seed001, "scopeNote", "social-network")
    assert [n for n, *_ in media] == [1, 2, 3, 4, 5, 8, 9, 10]
    assert [n for n, *_ in networks] == [1, 2, 3, 6, 7, 8, 9, 10]
    assert {src for _, _, src, _, _ in media + networks} == {section(SEED, "differences").value}
    assert media[3][1].startswith("به عبارتی بهتر رسانه‌های اجتماعی کانالی برای پخش پیام است")
    assert networks[3][1].startswith("در حالی که شبکه‌های اجتماعی می‌تواند به عنوان یک وسیله")
    assert media[-1][1] == (
        "تفاوت اصلی بین شبکه‌های اجتماعی و رسانه‌های اجتماعی به نوع تعامل و محتوا بستگی دارد."
    )
    check_printed(media + networks)


def check_printed(rows: list[tuple[int, str, str, str, str]]) -> None:
    """Each restored sentence has exactly the letters of its extracted pieces, each piece
    found in the document where ../shared is present."""
    text = seed_text(SEED)
    for _, fa, _, printed, _ in rows:
        assert letters(fa) == letters(printed), fa
        if text is not None:
            for piece in printed.split("\n"):
                assert piece in text, piece


@pytest.mark.parametrize(
    ("slug", "prop", "value", "printed"),
    [
        ("friendster", "decade", "2000", "2000اوایل"),
        ("friendster", "partOfDecade", "early", "2000اوایل"),
        ("myspace", "decade", "2000", "2000اوایل"),
        ("myspace", "partOfDecade", "early", "2000اوایل"),
        ("instagram", "periodStart", "2010", "بعدبه2010سالهای"),
    ],
)
def test_periods_the_history_slide_gives(seed001, slug, prop, value, printed):
    """Slide «سیر تحول و تکامل شبکه‌های اجتماعی» (lines 123, 132): Friendster and MySpace in
    the early 2000s (no start or end, so not the whole decade), Instagram from 2010 on."""
    rows = select(
        seed001,
        f"""SELECT ?v ?src ?printed WHERE {{
              ?p lamc:{prop} ?v .
              ?st rdf:subject ?p ; rdf:predicate lamc:{prop} ; rdf:object ?v ;
                  dcterms:source ?src ; lamc:printedAs ?printed }}""",
        p=iri(f"platform/{slug}"),
    )
    assert [(r["v"].value, r["src"].value, r["printed"].value) for r in rows] == [
        (value, section(SEED, "social-network-history").value, printed)
    ]
    bounds = select(
        seed001,
        "SELECT ?b WHERE { ?p lamc:periodStart|lamc:periodEnd|lamc:launchYear ?b }",
        p=iri(f"platform/{slug}"),
    )
    assert [r["b"].value for r in bounds] == ([] if prop != "periodStart" else [value])
    text = seed_text(SEED, flat=True)
    if text is not None:
        assert printed in text
