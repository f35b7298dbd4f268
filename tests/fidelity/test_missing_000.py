"""Seed 000: facts the dataset of record lacked, read back with SPARQL with their places."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.fidelity.conftest import iri, seed_text, select

STUDY = iri("study/lam-cooperation-iran")
#: The counts printed below Tables 1-5, and after Table 6 (secondary codes).
COUNTS = {
    "current-situation": (1, 68, 11),
    "existing-grounds-for-cooperation": (2, 106, 14),
    "factors-affecting-cooperation": (3, 111, 12),
    "benefits-of-cooperation": (4, 59, 11),
    "challenges-of-cooperation": (5, 53, 5),
}


@pytest.mark.parametrize("slug", sorted(COUNTS))
def test_counts_stated_below_each_table_are_written(seed000, slug):
    table, initial, secondary = COUNTS[slug]
    rows = select(
        seed000,
        """SELECT ?prop ?n ?section WHERE {
             ?st rdf:subject ?c ; rdf:predicate ?prop ; rdf:object ?n ; dcterms:source ?section .
             ?c ?prop ?n . VALUES ?prop { lamc:initialCodeCount lamc:secondaryCodeCount } }""",
        c=iri(f"concept/lam-study-categories/{slug}"),
    )
    found = {
        (r["prop"].value.rsplit("#", 1)[1], int(r["n"].value), r["section"].value.rsplit("/", 1)[1])
        for r in rows
    }
    assert found == {
        ("initialCodeCount", initial, f"table-{table}"),
        ("secondaryCodeCount", secondary, "findings"),
    }


def numbered(store, prop: str, subject) -> list[tuple[str, str, str]]:
    rows = select(
        store,
        f"""SELECT ?n ?text ?section WHERE {{
              ?st rdf:subject ?s ; rdf:predicate lamc:{prop} ; rdf:object ?text ;
                  skos:notation ?n ; dcterms:source ?section }} ORDER BY xsd:integer(?n)""".replace(
            "xsd:integer", "<http://www.w3.org/2001/XMLSchema#integer>"
        ),
        s=subject,
    )
    return [(r["n"].value, r["text"].value, r["section"].value.rsplit("/", 1)[1]) for r in rows]


def test_the_four_entry_criteria_in_printed_order(seed000):
    criteria = numbered(seed000, "entryCriterion", STUDY)
    assert [n for n, _, _ in criteria] == ["1", "2", "3", "4"]
    assert {section for _, _, section in criteria} == {"method"}
    assert criteria[0][1].startswith("صاحب‌نظر بودن در حوزه میراث فرهنگی")
    assert "کارشناسی ارشد" in criteria[3][1]
    text = seed_text("seed-000")
    if text is not None:
        assert "شرایط ورود به جامعه پژوهش شامل چنین مورد بود" in text


def test_the_abstract_findings_and_conclusion_as_printed(seed000):
    findings = numbered(seed000, "finding", STUDY)
    conclusions = numbered(seed000, "conclusion", STUDY)
    assert [n for n, _, _ in findings] == ["1", "2", "3", "4"]
    assert [n for n, _, _ in conclusions] == ["1", "2", "3"]
    assert {s for *_, s in findings + conclusions} == {"abstract"}
    assert findings[0][1].startswith("The findings indicated limited, occasional and fragmented")
    text = seed_text("seed-000")
    if text is not None:
        flat = " ".join(text.split())
        for _, sentence, _ in findings + conclusions:
            assert sentence in flat, sentence


@pytest.mark.parametrize(
    ("work", "count", "unit", "claims"),
    [
        ("dea-kennedy-1983", 3, "barriers", {"literature-review": 3}),
        ("perrin-weaver-2020", 2, "factors", {"literature-review": 2, "question-2": 1}),
    ],
)
def test_cited_works_with_their_claims(seed000, work, count, unit, claims):
    node = iri(f"work/{work}")
    figures = select(
        seed000,
        "SELECT ?v ?u WHERE { ?w lamc:reportsFigure ?f . ?f lamc:value ?v ; lamc:unit ?u }",
        w=node,
    )
    assert [(float(r["v"].value), r["u"].value) for r in figures] == [(count, unit)]
    said = numbered(seed000, "finding", node)
    assert Counter(s for *_, s in said) == claims
    assert [n for n, *_ in said] == [str(i) for i in range(1, len(said) + 1)]
    cited = select(
        seed000,
        "SELECT ?s WHERE { ?st rdf:object ?w ; rdf:predicate dcterms:references ;"
        " dcterms:source ?s }",
        w=node,
    )
    assert sorted(r["s"].value.rsplit("/", 1)[1] for r in cited) == sorted(claims)
    text = seed_text("seed-000")
    if text is not None:
        assert {
            "dea-kennedy-1983": "Dea & Kennedy",
            "perrin-weaver-2020": "Perrin, J. M., & Weaver",
        }[work] in text


def test_the_recommendations_in_printed_order(seed000):
    """Section "بحث، نتیجه‌گیری و پیشنهادها" (lines 1655-1692): laws, national coordinating
    bodies, financial incentives, ..., pilot projects."""
    said = numbered(seed000, "recommendation", STUDY)
    assert [n for n, _, _ in said] == [str(i) for i in range(1, 11)]
    assert {s for *_, s in said} == {"discussion"}
    texts = [t for _, t, _ in said]
    assert texts[0].startswith("تدوین قوانین") and "در سطح ملی" in texts[1]
    assert "مشوق" in texts[3] and "پایلوت" in texts[9]
    text = seed_text("seed-000")
    if text is not None:
        assert "و پیشنهادها گیرییجهنت  ،بحث" in text
        assert "مشوق" in text and "پایلو" in text


def test_research_questions_in_printed_order(seed000):
    """The five questions, numbered as their sections «پرسش اول» … «پرسش پنجم» print them
    (lines 1375-1563), each cited to its own section."""
    rows = select(
        seed000,
        """SELECT ?n ?q ?section WHERE {
             ?c skos:inScheme ?scheme ; skos:notation ?n ; skos:prefLabel ?q ;
                dcterms:source ?section . FILTER(langMatches(lang(?q), "fa")) }""",
        scheme=iri("scheme/research-questions"),
    )
    ordered = sorted((int(r["n"].value), r["section"].value.rsplit("/", 1)[1]) for r in rows)
    assert ordered == [(n, f"question-{n}") for n in range(1, 6)]
    text = seed_text("seed-000")
    if text is not None:
        places = [text.index(f"پرسش {word}") for word in ("اول", "دوم", "سوم", "چهارم", "پنجم")]
        assert places == sorted(places)
