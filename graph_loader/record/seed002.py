"""Seed 002: collected Chinese articles on library cooperation and consortia in China.

Turns the tables of ``data/seed-002/`` into graph ``seed-002``: the consortia and the bodies
around them, their units, resources, services and standards, the facts the text states of them
(each cited with its printed wording), their founding agreements with exactly the components
the text documents, the history as events, and the general statements as SKOS concepts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from graph_loader.record.rows import (
    Row,
    Tables,
    check_references,
    lamc_types,
    period,
    third_language,
)
from graph_loader.record.tables import read_rows
from graph_loader.record.writer import (
    RecordError,
    RecordWriter,
    date_literal,
    decimal,
    non_negative,
)
from graph_loader.vocab import DCTERMS, FRAPO, LAMC, ORG, PROV, SKOS

DOCUMENT = "002_6a0016c2059dec43.txt"
TITLE = "我国区域性图书馆联盟建设的现状与对策"
LANGUAGE = "zh-Hans"
TABLES = Tables("zh", LANGUAGE)

Value = Callable[[RecordWriter, str], ox.NamedNode | ox.Literal]


def _ref(kind: str, scheme: str = "") -> Value:
    """A value naming an entity of ``kind`` (a concept of ``scheme``) by its slug."""
    if scheme:
        return lambda w, v: w.iri("concept", scheme, v)
    return lambda w, v: w.iri(kind, v)


def _date(w: RecordWriter, value: str) -> ox.Literal:
    return date_literal(value)


def _count(w: RecordWriter, value: str) -> ox.Literal:
    return non_negative(value)


def _amount(w: RecordWriter, value: str) -> ox.Literal:
    return decimal(value)


def _zh(w: RecordWriter, value: str) -> ox.Literal:
    """The source's own words (Chinese, spaces of the extraction removed)."""
    return ox.Literal("".join(value.split()), language=LANGUAGE)


#: fact name in facts.yaml -> (property, how its value is read)
FACTS: dict[str, tuple[ox.NamedNode, Value]] = {
    "founded": (LAMC.foundedOn, _date),
    "founded-by": (LAMC.foundedBy, _ref("institution")),
    "member-count": (LAMC.memberCount, _count),
    "group-size": (LAMC.groupSize, _count),
    "cooperation-area": (LAMC.cooperationArea, _ref("concept", "cooperation-areas")),
    "led-by": (LAMC.ledBy, _ref("institution")),
    "approved-by": (LAMC.approvedBy, _ref("institution")),
    "member-scope": (LAMC.memberScope, _zh),
    "annual-investment": (LAMC.annualInvestment, _amount),
    "described-as": (LAMC.describedAs, _zh),
    "faces-problem": (LAMC.facesProblem, _ref("concept", "consortium-problems")),
    "founding-member-count": (LAMC.foundingMemberCount, _count),
    "network": (LAMC.network, _ref("resource")),
    "funding-model": (LAMC.fundingModel, _ref("concept", "funding-models")),
    "funded-by": (FRAPO.isFundedBy, _ref("institution")),
    "building-mode": (DCTERMS.type, _ref("concept", "consortium-building-modes")),
    "record-count": (LAMC.recordCount, _count),
}

#: kind of row in resources.yaml -> (base class, property linking the consortium to it)
RESOURCE_KINDS = {
    "resource": (LAMC.SharedResource, LAMC.sharesResource),
    "service": (LAMC.Service, LAMC.providesService),
    "standard": (LAMC.Standard, LAMC.definedBy),
}

LABELLED = ("slug", "zh", "en", "section")
CONSORTIUM_KINDS = {"NationalConsortium", "RegionalConsortium", "SectoralConsortium"}


def build(w: RecordWriter, tables_dir: Path) -> None:
    """Write every table of ``data/seed-002`` into ``w``."""
    folder = tables_dir / "seed-002"
    sections = read_rows(folder / "sections.yaml", required=("slug", "zh", "en"))
    TABLES.sections(w, sections)
    TABLES.schemes(w, read_rows(folder / "concepts.yaml", required=("slug", "en"), key="schemes"))
    concept_rows = read_rows(folder / "concepts.yaml", required=("scheme", "slug", "zh", "en"))
    TABLES.concepts(w, concept_rows)
    write_institutions(w, read_rows(folder / "institutions.yaml", required=LABELLED))
    write_units(w, read_rows(folder / "units.yaml", required=(*LABELLED, "unit_of")))
    write_resources(w, read_rows(folder / "resources.yaml", required=(*LABELLED, "kind")))
    write_facts(w, read_rows(folder / "facts.yaml", required=("subject", "fact", "value")))
    write_events(w, read_rows(folder / "events.yaml", required=LABELLED))
    write_agreements(w, read_rows(folder / "agreements.yaml", required=(*LABELLED, "types")))
    articles = folder / "articles.yaml"
    write_journals(w, read_rows(articles, required=LABELLED, key="journals"))
    titles = {row["slug"]: row for row in sections}
    write_articles(w, read_rows(articles, required=("section",)), titles)
    check_references(w)


def write_institutions(w: RecordWriter, rows: list[Row]) -> None:
    """Consortia and other organisations."""
    for row in rows:
        types = lamc_types(row.get("types"), row["_where"])
        if CONSORTIUM_KINDS & set(row["types"]):
            types.append(LAMC.Consortium)
        node = w.entity(
            "institution", row["slug"], LAMC.Institution, *types, section=row["section"]
        )
        # en_printed: the text prints the English name (CALIS's, line 292).
        TABLES.labelled(w, node, row, en_translated=not row.get("en_printed"))


def write_units(w: RecordWriter, rows: list[Row]) -> None:
    """Units of the consortia, linked both ways, with the institution hosting each."""
    for row in rows:
        types = lamc_types(row.get("types"), row["_where"])
        node = w.entity(
            "unit", row["slug"], LAMC.OrganisationalUnit, *types, section=row["section"]
        )
        TABLES.labelled(w, node, row)
        parent = w.iri("institution", row["unit_of"])
        w.fact(node, ORG.unitOf, parent, section=row["section"])
        w.add(parent, ORG.hasUnit, node)
        if row.get("hosted_by"):
            host = w.iri("institution", row["hosted_by"])
            w.fact(node, LAMC.hostedBy, host, section=row["section"])


def write_resources(w: RecordWriter, rows: list[Row]) -> None:
    """Shared resources, services and standards, linked to the consortium they belong to."""
    for row in rows:
        if row["kind"] not in RESOURCE_KINDS:
            raise RecordError(f"{row['_where']}: unknown kind {row['kind']!r}")
        base, link = RESOURCE_KINDS[row["kind"]]
        types = lamc_types(row.get("types"), row["_where"])
        node = w.entity(row["kind"], row["slug"], base, *types, section=row["section"])
        TABLES.labelled(w, node, row)
        if row.get("of"):
            owner = w.iri("institution", row["of"])
            if row["kind"] == "standard":
                w.fact(node, link, owner, section=row["section"])
            else:
                w.fact(owner, link, node, section=row["section"])
        if row.get("through"):
            platform = w.iri("resource", row["through"])
            w.fact(node, LAMC.offeredThrough, platform, section=row["section"])


def _subject(w: RecordWriter, name: str) -> ox.NamedNode:
    """``slug`` names an institution; ``kind/slug`` anything else."""
    kind, _, slug = name.rpartition("/")
    return w.iri(kind or "institution", slug)


def write_facts(w: RecordWriter, rows: list[Row]) -> None:
    """One cited statement per row, with the wording as printed and any doubt noted."""
    for row in rows:
        if row["fact"] not in FACTS:
            raise RecordError(f"{row['_where']}: unknown fact {row['fact']!r}")
        prop, read = FACTS[row["fact"]]
        subject = _subject(w, row["subject"])
        value = read(w, str(row["value"]))
        w.fact(subject, prop, value, section=row["section"], printed=row.get("printed", ""))
        w.cite(subject, row["section"])
        if row.get("note"):
            w.note(subject, row["note"])


def write_events(w: RecordWriter, rows: list[Row]) -> None:
    """The history: each event dated, with who acted and what it created."""
    for row in rows:
        node = w.entity("event", row["slug"], LAMC.Event, section=row["section"])
        TABLES.labelled(w, node, row)
        cited = {"section": row["section"], "printed": row.get("printed", "")}
        if row.get("date"):
            w.fact(node, DCTERMS.date, date_literal(str(row["date"])), **cited)
        period(w, node, row, printed=row.get("printed", ""))
        for slug in row.get("associated") or ():
            agent = w.iri("institution", slug)
            w.fact(node, PROV.wasAssociatedWith, agent, section=row["section"])
        for slug in row.get("generated") or ():
            w.fact(node, PROV.generated, w.iri("institution", slug), section=row["section"])


def write_agreements(w: RecordWriter, rows: list[Row]) -> None:
    """The agreements the text documents, with their date and the event that made them.

    The text names no founding agreement of any consortium: none is made up (what it says of
    each consortium is stated on the consortium). Nothing else is written of an agreement than
    what the text states, so the audit finds the rest missing.
    """
    for row in rows:
        types = lamc_types(row.get("types"), row["_where"])
        node = w.entity("agreement", row["slug"], LAMC.Agreement, *types, section=row["section"])
        TABLES.labelled(w, node, row)
        cited = {"section": row["section"], "printed": row.get("printed", "")}
        if row.get("date"):
            w.fact(node, DCTERMS.date, date_literal(str(row["date"])), **cited)
        if row.get("event"):
            w.fact(w.iri("event", row["event"]), PROV.generated, node, section=row["section"])


def write_journals(w: RecordWriter, rows: list[Row]) -> None:
    """The journals the articles are printed in (``{base}id/work/{slug}``)."""
    for row in rows:
        node = w.entity("work", row["slug"], DCTERMS.BibliographicResource, section=row["section"])
        TABLES.labelled(w, node, row, en_translated=not row.get("en_printed"))


def write_articles(w: RecordWriter, rows: list[Row], titles: dict[str, Row]) -> None:
    """Articles as works (``{base}id/work/{section}``, titled as their section is): authors,
    journal and issue, figures, findings.

    Every statement cites the article's section; findings are the article's sentences as
    printed, numbered in printed order, with our English on the statement (a translation).
    """
    for row in rows:
        section = row["section"]
        if section not in titles:
            raise RecordError(f"{row['_where']}: unknown section {section!r}")
        article = w.entity("work", section, DCTERMS.BibliographicResource, section=section)
        title = titles[section]
        w.label(article, title["zh"], LANGUAGE)
        w.label(article, title["en"], "en", translated=True)
        third_language(w, article, title, "zh")  # the section's Persian title (ours)
        w.add(article, DCTERMS.title, ox.Literal(title["zh"], language=LANGUAGE))
        for author in row.get("authors") or ():
            name = ox.Literal(author["zh"], language=LANGUAGE)
            w.fact(article, DCTERMS.creator, name, section=section, printed=author["printed"])
        if row.get("journal"):
            journal = w.iri("work", row["journal"])
            w.fact(article, LAMC.publishedIn, journal, section=section)
        issue = row.get("issue")
        if issue:
            cited = {"section": section, "printed": issue["printed"]}
            citation = ox.Literal(issue["zh"], language=LANGUAGE)
            w.fact(article, DCTERMS.bibliographicCitation, citation, **cited)
            w.fact(article, DCTERMS.date, date_literal(str(issue["date"])), **cited)
        for fig in row.get("figures") or ():
            node = w.entity(
                "work", f"{section}/{fig['slug']}", LAMC.ReportedFigure, section=section
            )
            TABLES.labelled(w, node, fig)
            w.fact(article, LAMC.reportsFigure, node, section=section, printed=fig["printed"])
            w.add(node, LAMC.value, decimal(fig["value"]))
            w.add(node, LAMC.unit, ox.Literal(fig["unit"]))
        for number, item in enumerate(row.get("findings") or (), start=1):
            text = ox.Literal(item["zh"], language=LANGUAGE)
            said = w.fact(
                article, LAMC.finding, text, section=section, printed=item.get("printed", "")
            )
            w.add(said, SKOS.notation, ox.Literal(str(number)))
            w.add(said, DCTERMS.description, ox.Literal(item["en"], language="en"))
            w.add(said, LAMC.translatedLanguage, ox.Literal("en"))
            if item.get("note"):
                w.add(said, SKOS.editorialNote, ox.Literal(item["note"], language="en"))
        if row.get("note"):
            w.note(article, row["note"])
