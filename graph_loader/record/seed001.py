"""Seed 001: Persian lecture slides on social networks and libraries.

Turns the tables of ``data/seed-001/`` into graph ``seed-001``: the social networks and media
the slides name, with the years they give; the stages of library history; library services over
social media, and the benefits and challenges of social media, as SKOS concepts.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph_loader.record.rows import Row, Tables, check_references, lamc_types, period
from graph_loader.record.tables import read_rows
from graph_loader.record.writer import RecordError, RecordWriter, date_literal
from graph_loader.vocab import DCTERMS, LAMC, PROV, SKOS

DOCUMENT = "001_a4577af1700b26fe.txt"
TITLE = "شبکه‌های اجتماعی و کتابخانه‌ها"
LANGUAGE = "fa"
TABLES = Tables("fa", LANGUAGE)
KINDS = "social-platform-kinds"
LABELLED = ("slug", "fa", "en", "section")


def build(w: RecordWriter, tables_dir: Path) -> None:
    """Write every table of ``data/seed-001`` into ``w``."""
    folder = tables_dir / "seed-001"
    TABLES.sections(w, read_rows(folder / "sections.yaml", required=("slug", "fa", "en")))
    TABLES.schemes(w, read_rows(folder / "concepts.yaml", required=("slug", "en"), key="schemes"))
    write_institutions(w, read_rows(folder / "institutions.yaml", required=LABELLED))
    concepts = read_rows(folder / "concepts.yaml", required=("scheme", *LABELLED))
    TABLES.concepts(w, concepts)
    write_concept_details(w, concepts)
    write_platforms(w, read_rows(folder / "platforms.yaml", required=("slug", "en", "section")))
    said = ("concepts", "prop", "number", "section", "fa", "extracted", "en")
    write_slide_sentences(w, read_rows(folder / "definitions.yaml", required=said))
    check_references(w)


def write_institutions(w: RecordWriter, rows: list[Row]) -> None:
    """Organisations the slides name (their English name is printed unless marked ours)."""
    for row in rows:
        types = lamc_types(row.get("types"), row["_where"])
        node = w.entity(
            "institution", row["slug"], LAMC.Institution, *types, section=row["section"]
        )
        TABLES.labelled(w, node, row, en_translated=bool(row.get("en_translated")))


def write_concept_details(w: RecordWriter, rows: list[Row]) -> None:
    """What some concepts carry besides labels: number, broader concept, dates, attribution."""
    for row in rows:
        node = w.iri("concept", row["scheme"], row["slug"])
        if row.get("broader"):
            broader = w.iri("concept", row["scheme"], row["broader"])
            w.add(node, SKOS.broader, broader)
            w.add(broader, SKOS.narrower, node)
        else:
            w.add(node, SKOS.topConceptOf, w.iri("scheme", row["scheme"]))
        period(w, node, row, printed=row.get("date_printed", ""))
        if row.get("attributed_to"):
            source = w.iri("institution", row["attributed_to"])
            w.fact(node, PROV.wasAttributedTo, source, section=row["section"])


def write_platforms(w: RecordWriter, rows: list[Row]) -> None:
    """Social-media platforms with the launch year (or decade) and the kinds the slides give."""
    for row in rows:
        node = w.entity("platform", row["slug"], LAMC.SocialMediaPlatform, section=row["section"])
        TABLES.labelled(w, node, row, en_translated=bool(row.get("en_translated")))
        if row.get("launch"):
            year = date_literal(str(row["launch"]))
            w.fact(
                node, LAMC.launchYear, year, section=row["section"], printed=row["launch_printed"]
            )
        period(w, node, row, printed=row.get("date_printed", ""))
        for kind in row.get("kinds") or ():
            w.fact(node, DCTERMS.type, w.iri("concept", KINDS, kind), section="examples")


#: prop in definitions.yaml -> the SKOS property it is written as
SLIDE_PROPS = {"definition": SKOS.definition, "scope-note": SKOS.scopeNote}


def write_slide_sentences(w: RecordWriter, rows: list[Row]) -> None:
    """The definitions and differences slides, sentence by sentence, on the concepts each
    speaks of: Persian as printed (restored), on a statement citing the slide with the
    extracted text, numbered by its place on the slide, our English marked as a translation."""
    for row in rows:
        if row["prop"] not in SLIDE_PROPS:
            raise RecordError(f"{row['_where']}: unknown prop {row['prop']!r}")
        text = ox.Literal(" ".join(row["fa"].split()), language=LANGUAGE)
        for slug in row["concepts"]:
            node = w.iri("concept", KINDS, slug)
            said = w.fact(
                node, SLIDE_PROPS[row["prop"]], text,
                section=row["section"], printed=row["extracted"],
            )  # fmt: skip
            w.add(said, SKOS.notation, ox.Literal(str(row["number"])))
            w.add(said, DCTERMS.description, ox.Literal(row["en"], language="en"))
            w.add(said, LAMC.translatedLanguage, ox.Literal("en"))
