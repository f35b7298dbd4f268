"""Seed 001 (the Persian slides): corrections read back with SPARQL, each naming its slide."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.fidelity.conftest import iri, label_and_source, notes, seed_text, select

SEED = "seed-001"


def letters(text: str) -> Counter:
    return Counter(c for c in text if c.isalpha())


def test_cbbs_is_named_as_printed_with_a_note(seed001):
    """Slide "سیر تحول و تکامل شبکه‌های اجتماعی": «CBBS (Bulletin Board System)»."""
    node = iri("platform/bbs")
    labels, sections = label_and_source(seed001, node, "en")
    assert labels == {"CBBS"} and sections >= {"social-network-history"}
    alt = select(seed001, "SELECT ?a WHERE { ?p skos:altLabel ?a }", p=node)
    assert [r["a"].value for r in alt] == ["Bulletin Board System"]
    assert "CBBS (Bulletin Board System)" in notes(seed001, node)
    assert label_and_source(seed001, node, "fa")[0] == set()
    text = seed_text(SEED)
    if text is not None:
        assert "CBBS (Bulletin Board System)" in text


@pytest.mark.parametrize(
    "slug", ["six-degrees", "friendster", "myspace", "researchgate", "academia-edu", "orcid"]
)
def test_latin_names_are_not_tagged_persian(seed001, slug):
    """Slides "سیر تحول …" and "نمونه‌های شبکه و رسانه‌های اجتماعی" print these in Latin."""
    node = iri(f"platform/{slug}")
    assert label_and_source(seed001, node, "fa")[0] == set()
    english, _ = label_and_source(seed001, node, "en")
    assert len(english) == 1
    flat = seed_text(SEED, flat=True)
    if flat is not None:
        assert next(iter(english)).replace(" ", "") in flat


def test_benefit_labels_are_the_printed_bullets(seed001):
    """Slide "مزایای استفاده از شبکه‌های اجتماعی": each label holds exactly the letters of its
    bullet as extracted (reordered and spaced), none dropped, none added."""
    rows = select(
        seed001,
        """SELECT ?c ?fa ?note WHERE { ?c skos:inScheme ?scheme ; skos:prefLabel ?fa ;
                                         skos:editorialNote ?note .
                                       FILTER(langMatches(lang(?fa), "fa"))
                                       FILTER(STRSTARTS(?note, "Label restored")) }""",
        scheme=iri("scheme/social-media-benefits"),
    )
    assert len(rows) == 12
    for row in rows:
        extracted = row["note"].value.split("«", 1)[1].rsplit("»", 1)[0]
        assert letters(row["fa"].value) == letters(extracted), row["c"].value
    flat = seed_text(SEED, flat=True)
    if flat is not None:
        for row in rows:
            extracted = row["note"].value.split("«", 1)[1].rsplit("»", 1)[0]
            assert extracted.replace(" ", "") in flat


def test_user_participation_keeps_sharing_information(seed001):
    node = iri("concept/social-media-benefits/user-participation")
    (fa,), sections = label_and_source(seed001, node, "fa")
    assert "اطلاعات را به اشتراک بگذارند" in fa and sections == {"benefits"}
    (en,), _ = label_and_source(seed001, node, "en")
    assert "share information" in en
