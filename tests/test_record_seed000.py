"""Seed 000 (the Iranian LAM cooperation study): the graph against what the paper prints.

The expected numbers below are transcribed from the paper (../shared/seeds/
000_a973b8066488d974.txt), not from data/seed-000; the graph is built from data/ through the
record writer into a real in-memory store and read back with SPARQL.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.record import record_source

BASE = "https://w3id.org/lamcoop/"
REPO = Path(__file__).resolve().parent.parent
DOC = f"{BASE}id/document/000_a973b8066488d974"
PREFIXES = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

# Table 6 as printed (seed lines 1069-1184): per category, top to bottom, the frequency column.
TABLE_6 = {
    "current-situation": [15, 12, 9, 7, 7, 6, 3, 3, 3, 2, 1],
    "existing-grounds-for-cooperation": [21, 13, 11, 9, 8, 8, 8, 6, 5, 4, 4, 3, 3, 3],
    "factors-affecting-cooperation": [18, 18, 16, 13, 11, 11, 9, 4, 3, 3, 3, 2],
    "benefits-of-cooperation": [14, 11, 10, 5, 5, 4, 3, 2, 2, 2, 1],
    "challenges-of-cooperation": [19, 11, 11, 8, 7],
}
# The text after Table 6 (seed lines 1186-1190): coded concepts per category.
STATED_CODES = {
    "current-situation": 11,
    "existing-grounds-for-cooperation": 14,
    "factors-affecting-cooperation": 12,
    "benefits-of-cooperation": 11,
    "challenges-of-cooperation": 5,
}
# The initial codes the text states below each of Tables 1-5 (seed lines 627, 704, 849, 925,
# 1002) and in all (abstract, findings: 399).
STATED_INITIAL = {1: 68, 2: 106, 3: 111, 4: 59, 5: 53}
# The row numbers Tables 1-5 print (Table 4 skips 52; Table 5 prints 1-55).
PRINTED_ROWS = {
    1: set(range(1, 69)),
    2: set(range(1, 107)),
    3: set(range(1, 112)),
    4: set(range(1, 60)) - {52},
    5: set(range(1, 56)),
}
ROLES = (
    "causal-conditions",
    "central-phenomenon",
    "contextual-conditions",
    "intervening-conditions",
    "strategies",
    "consequences",
)
# Figure 1 as printed (seed lines 1299-1373), the boxes' items per role.
FIGURE_1 = {
    "causal-conditions": {"کمبود نیروی انسانی متخصص", "ساختار سازمانی"},
    "central-phenomenon": {"همکاری بین کتابخانه‌ها، موزه‌ها و آرشیوها"},
    "contextual-conditions": {
        "فرآهم‌آوری بستر فناوری",
        "سطح رفاه اجتماعی مردم جامعه",
        "ارتقا سطح فرهنگی جامعه",
        "مسائل مالی و اختصاص بودجه",
    },
    "intervening-conditions": {
        "ایجاد شبکه‌های اطلاعاتی",
        "طراحی استانداردهای مشترک تأمین و سازماندهی منابع",
        "نزدیک کردن خط‌مشی‌های سازمانی",
        "تأمین و استفاده مشترک از فناوری‌های نوین",
        "تأمین منابع مالی",
        "تأمین امنیت اطلاعات",
    },
    "strategies": {
        "تأمین نیروی انسانی متخصص و علاقه‌مند",
        "ایجاد نظام ملی همکاری",
        "ایجاد انجمن یا تشکل ملی برای سه سازمان",
        "شفاف‌سازی مزایای مالی همکاری",
        "فرآهم‌آوری بستر فناوری",
        "یکپارچه‌سازی نظام اطلاعاتی",
    },
    "consequences": {
        "کاهش بروکراسی و کوچک‌سازی سازمان",
        "افزایش گستره و عمق فعالیت‌های پژوهشی",
        "افزایش رضایت کاربر",
        "توسعه و بهبود خط‌مشی سازمانی",
        "یکپارچه‌سازی اطلاعات",
        "کاهش استفاده از منابع اولیه",
    },
}


@pytest.fixture(scope="module")
def ntriples() -> bytes:
    """Graph seed-000 as the record writer writes it from data/."""
    return record_source("seed-000").write(BASE, REPO / "data").ntriples()


@pytest.fixture(scope="module")
def graph(ntriples) -> ox.Store:
    """Graph seed-000 in an in-memory store."""
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store


def select(store: ox.Store, query: str, **bound: str) -> list[dict[str, ox.Term]]:
    """Rows of a SELECT as dicts; ``bound`` IRIs are passed as substitutions."""
    subs = {ox.Variable(k): ox.NamedNode(v) for k, v in bound.items()}
    result = store.query(PREFIXES + query, substitutions=subs)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def slug(term: ox.Term) -> str:
    return term.value.rsplit("/", 1)[-1]


def test_secondary_codes_per_category_match_table_6_and_the_text(graph):
    rows = select(
        graph,
        """SELECT ?category ?scheme (COUNT(?code) AS ?n) (SUM(?f) AS ?total)
           WHERE { ?code skos:inScheme ?scheme ; skos:broader ?category ; lamc:frequency ?f }
           GROUP BY ?category ?scheme""",
        scheme=f"{BASE}id/scheme/lam-study-codes",
    )
    found = {slug(r["category"]): (int(r["n"].value), int(r["total"].value)) for r in rows}
    assert found == {c: (len(f), sum(f)) for c, f in TABLE_6.items()}
    assert {c: n for c, (n, _) in found.items()} == STATED_CODES
    assert sum(n for n, _ in found.values()) == 53


def test_category_totals_equal_the_stated_initial_codes_except_challenges(graph):
    totals = {c: sum(f) for c, f in TABLE_6.items()}
    stated = dict(zip(TABLE_6, STATED_INITIAL.values(), strict=True))
    assert {c for c in totals if totals[c] != stated[c]} == {"challenges-of-cooperation"}
    notes = select(
        graph,
        "SELECT ?c ?note WHERE { ?c skos:editorialNote ?note }",
        c=f"{BASE}id/concept/lam-study-categories/challenges-of-cooperation",
    )
    assert any("53" in n["note"].value and "56" in n["note"].value for n in notes)


def test_table_6_query_reproduces_the_printed_table(graph):
    query = (REPO / "docs/queries/table-6.rq").read_text(encoding="utf-8")
    rows = [
        {k: v for k, v in row.items()}
        for row in select(graph, query, codes=f"{BASE}id/scheme/lam-study-codes")
    ]
    by_category: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_category[slug(row["category"])].append(int(row["frequency"].value))
        assert row["codeFa"].language == "fa" and row["codeEn"].language == "en"
    assert list(by_category) == list(TABLE_6)
    assert dict(by_category) == TABLE_6
    names = {slug(r["category"]): r["categoryFa"].value for r in rows}
    assert names["current-situation"] == "وضعیت موجود"
    assert names["benefits-of-cooperation"] == "مزایای همکاری"


def test_every_code_has_a_persian_label_and_translated_english_and_chinese_ones(graph):
    """The Persian label is the study's; the English and Chinese ones are the project's
    translations, and marked as such."""
    for scheme in ("lam-study-codes", "lam-study-initial-codes", "lam-study-selective-codes"):
        rows = select(
            graph,
            """SELECT ?scheme ?code ?fa ?en ?zh
                      (GROUP_CONCAT(DISTINCT ?mark; separator=" ") AS ?marks) WHERE {
                 ?code skos:inScheme ?scheme .
                 OPTIONAL { ?code skos:prefLabel ?fa FILTER(LANG(?fa) = "fa") }
                 OPTIONAL { ?code skos:prefLabel ?en FILTER(LANG(?en) = "en") }
                 OPTIONAL { ?code skos:prefLabel ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) }
                 OPTIONAL { ?code lamc:translatedLanguage ?mark }
               } GROUP BY ?scheme ?code ?fa ?en ?zh""",
            scheme=f"{BASE}id/scheme/{scheme}",
        )
        assert rows, scheme
        for row in rows:
            assert "fa" in row and "en" in row and "zh" in row, row["code"].value
            assert set(row["marks"].value.split()) == {"en", "zh-Hans"}, row["code"].value
            assert re.search(r"[\u0600-\u06FF]", row["fa"].value)
            assert re.search(r"[\u4E00-\u9FFF]", row["zh"].value)


def test_every_paradigm_role_is_filled(graph):
    rows = select(
        graph,
        """SELECT ?scheme ?role (COUNT(?code) AS ?n)
           WHERE { ?code skos:inScheme ?scheme ; lamc:paradigmRole ?role }
           GROUP BY ?scheme ?role""",
        scheme=f"{BASE}id/scheme/lam-study-selective-codes",
    )
    counts = {slug(r["role"]): int(r["n"].value) for r in rows}
    assert set(counts) == set(ROLES)
    # The text names 4 causal, 1 central, 4 contextual, 6 intervening, 6 strategic, 6 consequences.
    assert counts == {
        "causal-conditions": 4,
        "central-phenomenon": 1,
        "contextual-conditions": 4,
        "intervening-conditions": 6,
        "strategies": 6,
        "consequences": 6,
    }


def test_figure_1_query_reproduces_the_role_assignment(graph):
    query = (REPO / "docs/queries/figure-1.rq").read_text(encoding="utf-8")
    found: dict[str, set[str]] = defaultdict(set)
    for row in select(graph, query):
        found[slug(row["role"])].add(row["codeFa"].value)
    assert dict(found) == FIGURE_1


def test_exact_figure_codes_carry_their_role_on_the_secondary_code(graph):
    rows = select(
        graph,
        """SELECT ?code ?role WHERE { ?code lamc:paradigmRole ?role ; lamc:frequency ?f }""",
    )
    roles = Counter(slug(r["role"]) for r in rows)
    assert roles == {"contextual-conditions": 4, "strategies": 6, "consequences": 6}


def test_initial_codes_per_table_are_the_printed_rows(graph):
    rows = select(
        graph,
        """SELECT ?scheme ?section ?number WHERE {
             ?code skos:inScheme ?scheme ; lamc:codeNumber ?number ; dcterms:source ?section }""",
        scheme=f"{BASE}id/scheme/lam-study-initial-codes",
    )
    numbers: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        numbers[int(slug(row["section"]).removeprefix("table-"))].append(int(row["number"].value))
    assert {t: set(n) for t, n in numbers.items()} == PRINTED_ROWS
    assert {t: len(n) for t, n in numbers.items()} == {1: 68, 2: 106, 3: 111, 4: 58, 5: 55}
    assert sum(len(n) for n in numbers.values()) == 398


def test_the_399_figure_is_recorded_with_its_discrepancies(graph):
    study = f"{BASE}id/study/lam-cooperation-iran"
    rows = select(graph, "SELECT ?s ?n WHERE { ?s lamc:initialCodeCount ?n }", s=study)
    assert [int(r["n"].value) for r in rows] == [399]
    assert sum(STATED_INITIAL.values()) == 397 and sum(map(sum, TABLE_6.values())) == 400
    notes = " ".join(
        r["note"].value
        for r in select(graph, "SELECT ?s ?note WHERE { ?s skos:editorialNote ?note }", s=study)
    )
    for figure in ("399", "397", "398", "400"):
        assert figure in notes


def test_study_metadata(graph):
    rows = select(
        graph,
        """SELECT ?s ?size ?questions ?phase ?criterion ?date WHERE {
             ?s a lamc:Study ; lamc:sampleSize ?size ; lamc:interviewQuestionCount ?questions ;
                lamc:codingPhase ?phase ; lamc:trustworthinessCriterion ?criterion ;
                dcterms:date ?date }""",
        s=f"{BASE}id/study/lam-cooperation-iran",
    )
    assert {int(r["size"].value) for r in rows} == {24}
    assert {int(r["questions"].value) for r in rows} == {19}
    assert len({r["phase"].value for r in rows}) == 3
    assert len({r["criterion"].value for r in rows}) == 4
    assert {r["date"].value for r in rows} == {"1404 SH"}
    axes = select(
        graph,
        "SELECT ?s ?axis WHERE { ?s lamc:interviewAxis ?axis }",
        s=f"{BASE}id/study/lam-cooperation-iran",
    )
    assert {slug(r["axis"]) for r in axes} == set(TABLE_6)


def test_research_questions_name_the_most_frequent_codes(graph):
    rows = select(
        graph,
        """SELECT ?scheme ?q ?section ?f WHERE {
             ?q skos:inScheme ?scheme ; dcterms:source ?section ; lamc:mostFrequentCode ?code .
             ?code lamc:frequency ?f }""",
        scheme=f"{BASE}id/scheme/research-questions",
    )
    freqs: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        freqs[slug(row["section"])].append(int(row["f"].value))
    # The answers print: Q2 21 (Table 6); Q3 18, 18, 16; Q4 14, 11, 10 (seed lines 1504, 1541).
    assert sorted(freqs["question-2"]) == [21]
    assert sorted(freqs["question-3"]) == [16, 18, 18]
    assert sorted(freqs["question-4"]) == [10, 11, 14]
    assert set(freqs) == {f"question-{n}" for n in range(1, 6)}


def test_every_entity_is_cited_to_a_section_of_the_document(graph):
    uncited = select(
        graph,
        """SELECT ?doc ?s WHERE {
             ?s a ?type .
             FILTER(?s != ?doc)
             FILTER NOT EXISTS { ?s dcterms:source ?part . ?part dcterms:isPartOf ?doc }
           }""",
        doc=DOC,
    )
    assert [r["s"].value for r in uncited] == []


def test_literature_figures_and_examples(graph):
    rows = select(
        graph,
        """SELECT ?work ?value WHERE { ?work lamc:reportsFigure ?f . ?f lamc:value ?value }""",
        work=f"{BASE}id/work/toth-2024",
    )
    assert sorted(float(r["value"].value) for r in rows) == [46.0, 60.0, 73.0]
    founded = select(
        graph,
        "SELECT ?i ?year WHERE { ?i lamc:foundedOn ?year }",
        i=f"{BASE}id/institution/digital-public-library-of-america",
    )
    assert [r["year"].value for r in founded] == ["2013"]
    said = select(
        graph,
        """SELECT ?study ?thing ?text WHERE {
             ?st rdf:subject ?study ; rdf:predicate dcterms:references ; rdf:object ?thing ;
                 dcterms:description ?text ; lamc:translatedLanguage "en" }""",
        study=f"{BASE}id/study/lam-cooperation-iran",
    )
    assert {slug(r["thing"]) for r in said} >= {
        "digital-public-library-of-america",
        "museums-libraries-and-archives-council",
        "smithsonian-institution",
        "university-of-edinburgh-libraries",
        "princeton-university",
        "victoria-and-albert-museum",
        "toth-2024",
    }


def _letters(text: str) -> Counter:
    """The letters of a label, without spaces, half-spaces, brackets or word order."""
    text = unicodedata.normalize("NFC", text)
    return Counter(c for c in text if c.isalpha())


def test_restored_persian_labels_only_reorder_the_printed_letters(graph, shared_dir):
    seed = (shared_dir / "seeds/000_a973b8066488d974.txt").read_text(encoding="utf-8")
    table_6 = seed.split("ی بررس مورد  یهامقوله ک یتفک به هیثانو یکدها . 6جدول", 1)[1]
    printed = [
        _letters(m.group(2))
        for m in re.finditer(r"^\s*(\d+)\s+(.+?)\s*$", table_6.split("طور که در جدول")[0], re.M)
    ]
    rows = select(
        graph,
        """SELECT ?scheme ?fa WHERE { ?c skos:inScheme ?scheme ; skos:prefLabel ?fa
                                      FILTER(LANG(?fa) = "fa") }""",
        scheme=f"{BASE}id/scheme/lam-study-codes",
    )
    labels = [_letters(r["fa"].value) for r in rows]
    assert len(printed) == 53
    unmatched = [lab for lab in labels if lab not in printed]
    assert unmatched == []


def test_lamcoop_build_loads_graph_seed_000_with_its_provenance(
    invoke, dataset_store, tmp_path, graph, ntriples
):
    from graph_loader import provenance
    from graph_loader.store import open_store

    # A copy of the session's built store: building it again finds every graph unchanged.
    store_path = dataset_store.copy(tmp_path / "built")
    result = invoke("--store", str(store_path), "build", "--quiet")
    assert result.exit_code == 0, result.output
    record_line = next(li for li in result.output.splitlines() if li.startswith("dataset of"))
    assert "(0 loaded" in record_line  # the second build finds every graph unchanged
    store = open_store(store_path)
    try:
        iri = f"{BASE}graph/seed-000"
        recorded = provenance.read_sources(store, BASE)[iri]
        assert store.triple_count(iri) == len(graph)
        assert recorded["sha256"] == hashlib.sha256(ntriples).hexdigest()
    finally:
        store.close()
