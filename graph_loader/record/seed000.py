"""Seed 000: the grounded-theory study of cooperation among Iran's libraries, archives and museums.

Turns the tables of ``data/seed-000/`` into graph ``seed-000``: the study, its five categories,
the 53 secondary codes of Table 6, the initial codes of Tables 1-5, the paradigm model of
Figure 1, the research questions, and the examples and literature figures the study cites.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph_loader.record.rows import THIRD, third_language
from graph_loader.record.seed000_names import (
    CATEGORIES,
    CODES,
    INITIAL,
    QUESTIONS,
    SCHEMES,
    SECTIONS,
    SELECTIVE,
)
from graph_loader.record.tables import read_rows
from graph_loader.record.writer import (
    RecordError,
    RecordWriter,
    date_literal,
    decimal,
    integer,
    non_negative,
)
from graph_loader.vocab import DCTERMS, LAMC, RDFS, SCHEMA, SKOS

DOCUMENT = "000_a973b8066488d974.txt"
TITLE = "همگرایی کتابخانه‌ها، موزه‌ها و آرشیوهای ایران: وضعیت موجود و چالش‌ها"


def build(w: RecordWriter, tables_dir: Path) -> None:
    """Write every table of ``data/seed-000`` into ``w``."""
    folder = tables_dir / "seed-000"
    for slug, (en, fa, zh) in SECTIONS.items():
        part = w.section(slug, en)
        w.label(part, fa, "fa", translated=True, prop=RDFS.label)
        w.label(part, zh, "zh-Hans", translated=True, prop=RDFS.label)
    for slug, ((en, fa, zh), section) in SCHEMES.items():
        scheme = w.entity("scheme", slug, SKOS.ConceptScheme, section=section)
        w.label(scheme, en, "en")
        w.label(scheme, fa, "fa", translated=True)
        w.label(scheme, zh, "zh-Hans", translated=True)
    study = write_study(w, read_rows(folder / "study.yaml", required=("slug",))[0])
    write_categories(w, read_rows(folder / "categories.yaml", required=("slug", "fa", "en")))
    write_codes(w, read_rows(folder / "secondary-codes.yaml", required=("slug", "frequency")))
    write_initial_codes(w, read_rows(folder / "initial-codes.yaml", required=("table", "fa")))
    write_paradigm(w, read_rows(folder / "paradigm-model.yaml", required=("slug", "roles")))
    write_questions(w, read_rows(folder / "research-questions.yaml", required=("slug",)))
    literature = folder / "literature.yaml"
    works = write_literature(w, study, read_rows(literature, required=("slug",)))
    later = read_rows(literature, required=("work", "section", "en"), key="later")
    write_later_citations(w, study, later, works)
    write_institutions(w, study, read_rows(folder / "institutions.yaml", required=("slug",)))


def concept(w: RecordWriter, scheme: str, slug: str, section: str) -> ox.NamedNode:
    """A SKOS concept of ``scheme``, cited to ``section``."""
    node = w.entity("concept", f"{scheme}/{slug}", SKOS.Concept, section=section)
    w.add(node, SKOS.inScheme, w.iri("scheme", scheme))
    return node


def bilingual(w: RecordWriter, node: ox.NamedNode, row: dict[str, Any]) -> None:
    """The Persian label as printed, the English translation, and the doubts noted."""
    w.label(node, row["fa"], "fa")
    w.label(node, row["en"], "en", translated=True)
    third_language(w, node, row, "fa")
    if row.get("extracted"):
        w.note(node, f"Persian label restored from the extracted text «{row['extracted']}».")
    if row.get("note"):
        w.note(node, row["note"])


def code_iri(w: RecordWriter, scheme: str, slug: str) -> ox.NamedNode:
    return w.iri("concept", scheme, slug)


def role_iri(w: RecordWriter, role: str) -> ox.NamedNode:
    """A role concept of the paradigm model (defined by the ontology, not here)."""
    return w.iri("concept", "paradigm-model", role)


def write_study(w: RecordWriter, row: dict[str, Any]) -> ox.NamedNode:
    """The study, its publication and its design."""
    study = w.entity("study", row["slug"], LAMC.Study, section="abstract")
    w.cite(study, "method")
    w.add(study, DCTERMS.source, w.doc)
    w.add(study, DCTERMS.title, ox.Literal(row["title_fa"], language="fa"))
    w.add(study, DCTERMS.title, ox.Literal(row["title_en"], language="en"))
    w.add(study, DCTERMS.title, ox.Literal(row["title_zh"], language="zh-Hans"))
    w.label(study, row["title_fa"], "fa")
    w.label(study, row["title_en"], "en", translated=True)
    w.label(study, row["title_zh"], "zh-Hans", translated=True)
    citation = f"{row['journal_fa']}، دوره {row['volume']}، شماره {row['issue']}، {row['year_sh']}"
    w.add(study, DCTERMS.bibliographicCitation, ox.Literal(citation, language="fa"))
    w.add(study, DCTERMS.date, ox.Literal(f"{row['year_sh']} SH"))
    w.add(study, LAMC.method, ox.Literal(row["method_en"], language="en"))
    w.add(study, LAMC.method, ox.Literal(row["method_fa"], language="fa"))
    texts = {
        LAMC.population: [row["population_en"]],
        LAMC.samplingMethod: [row["sampling_en"]],
        LAMC.dataCollectionMethod: [row["data_collection_en"]],
        LAMC.codingPhase: row["coding_phases_en"],
        LAMC.trustworthinessCriterion: row["trustworthiness_en"],
    }
    for prop, values in texts.items():
        for value in values:
            w.add(study, prop, ox.Literal(value, language="en"))
    counts = {
        LAMC.sampleSize: row["sample_size"],
        LAMC.interviewQuestionCount: row["interview_questions"],
        LAMC.initialCodeCount: row["initial_codes"],
        LAMC.secondaryCodeCount: row["secondary_codes"],
        LAMC.categoryCount: row["categories"],
    }
    for prop, value in counts.items():
        w.add(study, prop, non_negative(value))
    for axis in row["interview_axes"]:
        w.add(study, LAMC.interviewAxis, code_iri(w, CATEGORIES, axis))
    for key in ("title_note", "date_note", "interview_questions_note", "initial_codes_note"):
        w.note(study, row[key])
    write_abstract_and_sample(w, study, row)
    return study


def write_abstract_and_sample(w: RecordWriter, study: ox.NamedNode, row: dict[str, Any]) -> None:
    """The sample's entry criteria (method), the recommendations (discussion) and the
    abstract's findings and conclusion, each a statement cited to its section and numbered in
    printed order (``skos:notation``); the abstract's sentences are printed in English."""
    for prop, key, section in (
        (LAMC.entryCriterion, "entry_criteria", "method"),
        (LAMC.recommendation, "recommendations", "discussion"),
    ):
        for number, item in enumerate(row.get(key) or (), start=1):
            said = w.fact(study, prop, ox.Literal(item["fa"], language="fa"), section=section)
            w.add(said, SKOS.notation, ox.Literal(str(number)))
            describe(w, said, item["en"])
    for prop, key in ((LAMC.finding, "findings_en"), (LAMC.conclusion, "conclusions_en")):
        for number, text in enumerate(row.get(key) or (), start=1):
            said = w.fact(study, prop, ox.Literal(text, language="en"), section="abstract")
            w.add(said, SKOS.notation, ox.Literal(str(number)))


def write_categories(w: RecordWriter, rows: list[dict[str, Any]]) -> None:
    """The five main categories, top concepts of their scheme."""
    scheme = w.iri("scheme", CATEGORIES)
    for row in rows:
        node = concept(w, CATEGORIES, row["slug"], "table-6")
        w.cite(node, f"table-{row['table']}")
        w.cite(node, "abstract")
        w.add(node, SKOS.topConceptOf, scheme)
        w.add(scheme, SKOS.hasTopConcept, node)
        w.label(node, row["fa"], "fa")
        w.label(node, row["en"], "en")
        third_language(w, node, row, "fa")
        if row["table_title"] != row["fa"]:
            w.label(node, row["table_title"], "fa", prop=SKOS.altLabel)
        w.add(node, LAMC.tableRow, integer(row["row"]))
        if row.get("note"):
            w.note(node, row["note"])
        w.fact(
            node,
            LAMC.initialCodeCount,
            non_negative(row["stated_initial_codes"]),
            section=f"table-{row['table']}",
            printed=row["stated_initial_codes_printed"],
        )
        w.fact(
            node, LAMC.secondaryCodeCount, non_negative(row["stated_secondary_codes"]),
            section="findings",
        )  # fmt: skip


def write_codes(w: RecordWriter, rows: list[dict[str, Any]]) -> None:
    """The 53 secondary codes of Table 6 with their frequencies."""
    for row in rows:
        node = concept(w, CODES, row["slug"], "table-6")
        w.add(node, SKOS.broader, code_iri(w, CATEGORIES, row["category"]))
        w.add(node, LAMC.frequency, non_negative(row["frequency"]))
        w.add(node, LAMC.tableRow, integer(row["row"]))
        bilingual(w, node, row)


def write_initial_codes(w: RecordWriter, rows: list[dict[str, Any]]) -> None:
    """The initial codes of Tables 1-5, each under its category."""
    for row in rows:
        section = f"table-{row['table']}"
        node = concept(w, INITIAL, f"table-{row['table']}-row-{row['number']}", section)
        w.add(node, SKOS.broader, code_iri(w, CATEGORIES, row["category"]))
        w.add(node, LAMC.codeNumber, integer(row["number"]))
        bilingual(w, node, row)


def write_paradigm(w: RecordWriter, rows: list[dict[str, Any]]) -> None:
    """The selective codes of Figure 1 in their roles, matched to the secondary codes."""
    for row in rows:
        places = (("figure-1", "in_figure"), ("selective-coding", "in_text"))
        sections = [section for section, flag in places if row[flag]]
        node = concept(w, SELECTIVE, row["slug"], sections[0])
        for section in sections[1:]:
            w.cite(node, section)
        bilingual(w, node, row)
        for role in row["roles"]:
            w.add(node, LAMC.paradigmRole, role_iri(w, role))
        if not row.get("code"):
            continue
        code = code_iri(w, CODES, row["code"])
        exact = row["match"] == "exact"
        w.add(node, SKOS.exactMatch if exact else SKOS.closeMatch, code)
        for other in row.get("also", []):
            w.add(node, SKOS.closeMatch, code_iri(w, CODES, other))
        if exact:
            for role in row["roles"]:
                w.add(code, LAMC.paradigmRole, role_iri(w, role))


def write_questions(w: RecordWriter, rows: list[dict[str, Any]]) -> None:
    """The research questions, the category each answers and its most frequent codes."""
    for row in rows:
        node = concept(w, QUESTIONS, f"lam-study-question-{row['number']}", row["section"])
        w.add(node, SKOS.notation, ox.Literal(str(row["number"])))
        w.add(node, SKOS.related, code_iri(w, CATEGORIES, row["category"]))
        for slug in row["most_frequent"]:
            w.add(node, LAMC.mostFrequentCode, code_iri(w, CODES, slug))
        bilingual(w, node, row)


def write_literature(
    w: RecordWriter, study: ox.NamedNode, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Works the study cites: authors and year as printed, one reference per citing section
    (what the study says there, translated), the figures they report, and their claims as
    numbered statements cited to the section that reports them (our translations).

    Returns how many claims each work (by slug) has, so that later citations number on."""
    claims: dict[str, int] = {}
    for row in rows:
        references = row.get("references") or [{"section": "literature-review", "en": row["en"]}]
        first = references[0]["section"]
        work = w.entity("work", row["slug"], DCTERMS.BibliographicResource, section=first)
        w.add(work, DCTERMS.creator, ox.Literal(row["authors"]))
        year = row["year"]
        if row.get("calendar") == "solar-hijri":  # an Iranian year, not a Gregorian one
            w.add(work, DCTERMS.date, ox.Literal(f"{year} SH"))
        else:
            w.add(work, DCTERMS.date, date_literal(year))
        if row.get("fa"):
            w.label(work, f"{row['fa']} ({year})", "fa")
        # authors_en: our transliteration, where the study prints the names only in Persian.
        latin = row.get("authors_en") or row["authors"]
        w.label(work, f"{latin} ({year})", "en", translated=bool(row.get("authors_en")))
        for ref in references:
            said = w.fact(study, DCTERMS.references, work, section=ref["section"])
            describe(w, said, ref["en"])
        for fig in row.get("figures") or ():
            node = w.entity(
                "work", f"{row['slug']}/{fig['slug']}", LAMC.ReportedFigure,
                section=fig.get("section", first),
            )  # fmt: skip
            w.add(work, LAMC.reportsFigure, node)
            w.add(node, LAMC.value, decimal(fig["value"]))
            w.add(node, LAMC.unit, ox.Literal(fig["unit"]))
            w.label(node, fig["en"], "en", translated=True)
            for key, language in THIRD.values():  # our Persian and Chinese of it
                if fig.get(key):
                    w.label(node, fig[key], language, translated=True)
        if row.get("note"):
            w.note(work, row["note"])
        claims[row["slug"]] = write_claims(w, work, row.get("claims") or [], first, 0)
    return claims


def write_later_citations(
    w: RecordWriter, study: ox.NamedNode, rows: list[dict[str, Any]], claims: dict[str, int]
) -> None:
    """Citations of works already written, in later sections (the method, the selective coding,
    the answers to the research questions): one reference per row, its claims numbered on."""
    for row in rows:
        if row["work"] not in claims:
            raise RecordError(f"{row['_where']}: unknown work {row['work']!r}")
        work = w.iri("work", row["work"])
        w.cite(work, row["section"])
        said = w.fact(study, DCTERMS.references, work, section=row["section"])
        describe(w, said, row["en"])
        done = claims[row["work"]]
        claims[row["work"]] = write_claims(w, work, row.get("claims") or [], row["section"], done)


def write_claims(
    w: RecordWriter, work: ox.NamedNode, items: list[Any], section: str, before: int
) -> int:
    """Claims as numbered statements (after ``before`` earlier ones); returns the new count."""
    for number, claim in enumerate(items, start=before + 1):
        if isinstance(claim, str):
            claim = {"en": claim}
        said = w.fact(
            work, LAMC.finding, ox.Literal(claim["en"], language="en"),
            section=claim.get("section", section),
        )  # fmt: skip
        w.add(said, SKOS.notation, ox.Literal(str(number)))
        w.add(said, LAMC.translatedLanguage, ox.Literal("en"))
    return before + len(items)


def describe(w: RecordWriter, statement: ox.BlankNode, text: str) -> None:
    """What the study says, in our English translation, on the statement of the reference."""
    w.add(statement, DCTERMS.description, ox.Literal(text, language="en"))
    w.add(statement, LAMC.translatedLanguage, ox.Literal("en"))


def write_institutions(w: RecordWriter, study: ox.NamedNode, rows: list[dict[str, Any]]) -> None:
    """The international examples, with what the study says of each (once per section)."""
    for row in rows:
        node = w.entity(
            "institution", row["slug"], *(LAMC[t] for t in row["types"]), section=row["section"]
        )
        w.label(node, row["fa"], "fa")
        w.label(node, row["en"], "en", translated=bool(row.get("en_translated")))
        third_language(w, node, row, "fa")
        if row.get("url"):
            w.add(node, SCHEMA.url, ox.NamedNode(row["url"]))
        if row.get("founded"):
            w.fact(node, LAMC.foundedOn, date_literal(row["founded"]), section=row["section"])
        if row.get("note"):
            w.note(node, row["note"])
        said = w.fact(study, DCTERMS.references, node, section=row["section"])
        describe(w, said, row["says"])
