"""Seed 000: the works the introduction and the literature review cite, read back with SPARQL:
authors and year as printed, one reference per citing section, the figures they report and
their claims numbered and cited to the section that reports them."""

from __future__ import annotations

import re

import pytest

from tests.fidelity.conftest import iri, seed_text, select

STUDY = iri("study/lam-cooperation-iran")
INTRO, LIT = "introduction", "literature-review"

#: slug -> (authors as written, date, citing sections and the section of each claim (i:
#: introduction, l: literature review, m: method, s: selective coding, 1-5: the answer to that
#: research question), figures, the name as printed if not the authors)
WORKS = {
    "ranjbar-karimi-mansourabad-1388": ("رنجبر و کریمی منصورآباد", "1388 SH", "i", "i", {}, None),
    "huvila-2014": ("Huvila", "2014", "i1", "i1", {}, None),
    "gibson-morris-cleeve-2007": ("Gibson, Morris, Cleeve", "2007", "i", "ii", {}, None),
    "solhjoo-beigi-2014": ("صلحجو و بیگی", "2014", "i", "i", {}, None),
    "hooper-greenhill-2007": ("Hooper-Greenhill", "2007", "i", "i", {}, None),
    "buckland-1991": ("Buckland", "1991", "i", "ii", {}, None),
    "pashazadeh-1388": ("پاشازاده", "1388 SH", "i", "i", {}, "پاش"),
    "bearman-2011": ("David Bearman", "2011", "i2", "iii2", {2.0: "decades"}, None),
    "duff-et-al-2013": ("Duff et al.", "2013", "i2345", "i22345", {}, "Duff"),
    "mabe-potgieter-2021": ("Mabe & Potgieter", "2021", "il45", "iill45", {}, None),
    "rasmussen-2023": ("Rasmussen", "2023", "i4", "i4", {}, None),
    "eriksen-watstein-2022": (
        "Eriksen, D., & Watstein",
        "2022",
        "i",
        "i",
        {},
        "Eriksen, D., &Watstein",
    ),
    "anderson-2016": ("Anderson", "2016", "i", "", {}, None),
    "tehranipour-1386": ("طهرانی‌پور", "1386 SH", "l", "l", {}, "طهرانی"),
    "pashaeizad-1388": ("پاشایی‌زاد", "1388 SH", "l", "ll", {}, "پاشایی"),
    "khalili-azani-1398": ("خلیلی ازنی", "1398 SH", "l", "ll", {}, None),
    "asghari-abam-rezaei-sharifabadi-1401": (
        "اصغری، آبام و رضایی‌شریف‌آبادی",
        "1401 SH",
        "l",
        "l",
        {},
        "اصغری، آبام و رضایی",
    ),
    "zorich-waibel-erway-2008": ("زوریخ، ویبل و ایروای", "2008", "l23", "l23", {}, None),
    "bertium-2020": ("برتیوم", "2020", "l", "ll", {}, None),
    "bury-2013": ("Bury", "2013", "l", "l", {}, None),
    "ray-botticelli-2021": ("Ray & Botticelli", "2021", "l", "lll", {2.0: "universities"}, None),
    "narlock-2020": ("Narlock", "2020", "l23", "ll2223", {3.0: "areas"}, None),
    "rasmussen-2019": ("Rasmussen", "2019", "l", "l", {}, None),
    "rasmussen-rydbeck-larsen-2023": (
        "Rasmussen, Rydbeck & Larsen",
        "2023",
        "l35",
        "l355",
        {},
        "Rydbeck",
    ),
    "hedrick-bickman-rog-1381": ("هدریک، بیکمن و رگ", "1381 SH", "m", "m", {}, "هدر رگ"),
    "lincoln-guba-1988": ("لینکلن و گوبا", "1988", "m", "m", {4.0: "criteria"}, None),
    "azkia-imani-jajarmi-1382": ("ازکیا و ایمانی جاجرمی", "1382 SH", "s", "sssss", {}, "جاجرم"),
    "danaeifard-eslami-1389": ("دانایی‌فرد و اسلامی", "1389 SH", "s", "s", {}, "دانا"),
    "creswell-2012": ("Creswell", "2012", "s", "s", {3.0: "ways of presenting a theory"}, None),
    "novia-2012": ("Novia", "2012", "25", "225", {}, None),
    "rasmussen-hjorland-2023": ("Rasmussen & Hjørland", "2023", "l", "l", {}, "Hjørland"),
}
SECTIONS = {
    "i": INTRO,
    "l": LIT,
    "m": "method",
    "s": "selective-coding",
    **{str(n): f"question-{n}" for n in range(1, 6)},
}


def short(node) -> str:
    return node.value.rsplit("/", 1)[1]


@pytest.mark.parametrize("slug", list(WORKS))
def test_cited_work_with_its_references_and_claims(seed000, slug):
    authors, date, cited, said, figures, printed = WORKS[slug]
    cited_in = [SECTIONS[c] for c in cited]
    claims_in = [SECTIONS[c] for c in said]
    printed = printed or authors
    work = iri(f"work/{slug}")
    about = select(
        seed000, "SELECT ?a ?d WHERE { ?w dcterms:creator ?a ; dcterms:date ?d }", w=work
    )
    assert [(r["a"].value, r["d"].value) for r in about] == [(authors, date)]
    refs = select(
        seed000,
        """SELECT ?src ?en WHERE {
             ?st rdf:subject ?study ; rdf:predicate dcterms:references ; rdf:object ?w ;
                 dcterms:source ?src ; dcterms:description ?en ; lamc:translatedLanguage "en" }""",
        w=work,
        study=STUDY,
    )
    assert sorted(short(r["src"]) for r in refs) == sorted(cited_in)
    claims = select(
        seed000,
        """SELECT ?n ?src WHERE {
             ?st rdf:subject ?w ; rdf:predicate lamc:finding ; skos:notation ?n ;
                 dcterms:source ?src ; lamc:translatedLanguage "en" }""",
        w=work,
    )
    ordered = sorted((int(r["n"].value), short(r["src"])) for r in claims)
    assert ordered == list(enumerate(claims_in, start=1))
    found = select(
        seed000,
        "SELECT ?v ?u WHERE { ?w lamc:reportsFigure ?f . ?f lamc:value ?v ; lamc:unit ?u }",
        w=work,
    )
    assert {float(r["v"].value): r["u"].value for r in found} == figures
    text = seed_text("seed-000")
    if text is not None:
        # Persian names: each word is printed (the extraction splits some at the half-space).
        words = [w for w in re.split(r"[\s\u200c،]+", printed) if w and w != "و"]
        assert all(word in text for word in words), printed


def test_solar_hijri_years_are_not_gregorian(seed000):
    """A year of the Iranian calendar (1386-1401) is never written as an xsd:gYear."""
    rows = select(
        seed000,
        """SELECT ?w ?d WHERE { ?w a dcterms:BibliographicResource ; dcterms:date ?d .
             FILTER(datatype(?d) = xsd:gYear && STR(?d) < "1500") }""".replace(
            "xsd:gYear", "<http://www.w3.org/2001/XMLSchema#gYear>"
        ),
    )
    assert rows == []
