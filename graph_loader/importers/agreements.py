"""Agreement registers (CSV or JSON, one agreement per row or object) as agreements.

Written with the terms of docs/vocabulary.md, "Agreements and their components": an empty
cell means the component is not documented (the audit reports it); a cell that cannot be
read rejects the row with the field and the reason. See docs/importers.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from graph_loader.importers import cells
from graph_loader.importers.agreement_fields import (
    DATES,
    PROVISIONS,
    agreement_type,
    budget,
    date,
    funding_model,
)
from graph_loader.importers.common import (
    ImportContext,
    Outcome,
    Problem,
    Row,
    RowRejected,
    is_slug,
    literal,
    slugify,
    split_multi,
    word_slug,
)
from graph_loader.importers.lookup import StoreLookup, is_iri, named_node
from graph_loader.importers.register_rows import (
    EXTRA,
    LANGUAGE_COLUMN,
    SINGLE,
    check_columns,
    csv_register_rows,
    json_rows,
    register_columns,
)
from graph_loader.importers.spreadsheets import SUFFIXES as SPREADSHEETS
from graph_loader.importers.spreadsheets import spreadsheet_rows
from graph_loader.rdf_formats import source_name
from graph_loader.safe_output import quoted
from graph_loader.vocab import DCTERMS, LAMC, RDF, RDFS, SKOS, Term

#: The problems of an id: none given, or nothing a slug can be made of.
MISSING_ID = "missing: every agreement needs an id (a slug such as calis-charter)"
NO_SLUG = "has no letter or digit to make its slug of (such as calis-charter)"

AREAS_SCHEME = "cooperation-areas"


class AgreementImporter:
    """Reads an agreement register and writes one ``lamc:Agreement`` per row."""

    #: Whether ``lamcoop load --language`` names the table's language (else it says its own).
    takes_language = True
    name = "agreements"
    encoding = "utf-8-sig"

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.lookup = StoreLookup(ctx)
        self.seen: dict[str, str] = {}
        self.own_scheme = f"{slugify(source_name(ctx.source)) or 'register'}-areas"

    # -- reading -------------------------------------------------------------------------
    def rows(self, handle: TextIO, path: Path) -> Iterator[Row]:
        """The file's agreements: XLSX or ODS by suffix; JSON when it starts with ``[`` or
        ``{``; else CSV."""
        columns = register_columns(self.ctx.store)
        if path.suffix.lower() in SPREADSHEETS:
            check = lambda names, at: check_columns(path, names, "column", at, columns)  # noqa: E731
            yield from spreadsheet_rows(handle.buffer.read(), path, check, EXTRA, column=columns)
            return
        head = handle.read(1)
        while head[-1:].isspace() and (more := handle.read(1)):
            head += more
        if head.strip() in ("[", "{"):
            yield from json_rows(head + handle.read(), path, columns)
        else:
            yield from csv_register_rows(head.lstrip(), handle, path, columns)

    # -- converting ----------------------------------------------------------------------
    def convert(self, row: Row) -> Outcome:
        """The agreement's quads, or :class:`RowRejected` with every bad field."""
        problems: list[Problem] = []
        writer = _AgreementWriter(self, row, problems)
        writer.write()
        if problems:
            raise RowRejected(problems)
        self.seen[writer.slug] = row.where
        return Outcome(writer.quads)


class _AgreementWriter:
    """Builds one row's quads, collecting a :class:`Problem` per bad field."""

    def __init__(self, importer: AgreementImporter, row: Row, problems: list[Problem]):
        self.importer = importer
        self.ctx = importer.ctx
        self.lookup = importer.lookup
        self.row = row
        self.problems = problems
        self.quads: list[ox.Quad] = []
        self.slug = self.written = ""
        self.me = ox.NamedNode(f"{self.ctx.base_iri}id/agreement/_")
        self.language: str | None = self.ctx.language

    def write(self) -> None:
        self.problems.extend(self.row.unread)
        if EXTRA in self.row.cells:
            self.problem(EXTRA, self.row.cells[EXTRA])
        if not self._identify():
            return
        self._language()
        self.add(self.me, RDF.type, LAMC.Agreement)
        self._single("type", self._type)
        self._single("title", self._title)
        if not self.text("title"):
            self.add(self.me, RDFS.label, ox.Literal(self.written))
        self._each("parties", lambda v: self.add(self.me, LAMC.party, self.lookup.institution(v)))
        self._each(
            "coordinator", lambda v: self.add(self.me, LAMC.coordinator, self.lookup.institution(v))
        )
        self._term()
        self._funding()
        self._each("governance", self._governance)
        self._each("areas", self._area)
        self._each(
            "standards", lambda v: self.add(self.me, LAMC.adoptsStandard, self.lookup.standard(v))
        )
        for column in PROVISIONS:
            self._provisions(column)
        self._each("source", self._source)

    # -- helpers -------------------------------------------------------------------------
    def add(self, s: ox.NamedNode, p: ox.NamedNode, o: Term) -> None:
        self.quads.append(ox.Quad(s, p, o))

    def problem(self, field: str, reason: str) -> None:
        self.problems.append(Problem(field, reason))

    def cell(self, column: str) -> Any:
        value = self.row.cells.get(column)
        if isinstance(value, list) and column in SINGLE:
            self.problem(column, f"takes one value, not a list of {len(value)}")
            return None
        return value

    def text(self, column: str) -> str:
        value = self.cell(column)
        return "" if value is None else str(value).strip()

    def _single(self, column: str, action: Callable[[str], None]) -> None:
        value = self.text(column)
        if value:
            self._guarded(column, action, value)

    def _each(self, column: str, action: Callable[[str], None]) -> None:
        # Every list but the sources' is of names or terms (a citation may hold a 、).
        for value in split_multi(self.cell(column), names=column != "source"):
            self._guarded(column, action, value)

    def _guarded(self, column: str, action: Callable[[str], None], value: str) -> None:
        try:
            action(value)
        except (ValueError, LookupError) as exc:
            self.problem(column, str(exc))

    # -- the fields ----------------------------------------------------------------------
    def _identify(self) -> bool:
        """The IRI from the id: a slug as it is, an id such as ``AGR-2024-01`` by its slug,
        the id as written then kept as ``dcterms:identifier``."""
        self.written = written = self.text("id")
        slug = written if is_slug(written) else word_slug(written)
        if not written or not slug:
            self.problem("id", MISSING_ID if not written else f"{quoted(written)} {NO_SLUG}")
            return False
        if slug in self.importer.seen:
            seen, shown = self.importer.seen[slug], "" if written == slug else f" (as {slug})"
            self.problem("id", f"duplicate id {quoted(written)}{shown}: already used at {seen}")
            return False
        self.slug = slug
        self.me = self.ctx.iri("agreement", slug)
        if written != slug:
            self.add(self.me, DCTERMS.identifier, ox.Literal(written))
        return True

    def _language(self) -> None:
        tag = self.text(LANGUAGE_COLUMN)
        if not tag:
            return
        try:
            self.language = cells.language_tag(tag)
        except ValueError as exc:
            self.problem(LANGUAGE_COLUMN, str(exc))

    def _type(self, value: str) -> None:
        self.add(self.me, RDF.type, agreement_type(self.lookup, value))

    def _title(self, value: str) -> None:
        title = literal(value, self.language)
        self.add(self.me, DCTERMS.title, title)
        self.add(self.me, RDFS.label, title)

    def _term(self) -> None:
        found: dict[str, ox.Literal] = {}
        for column, prop in DATES.items():
            value = self.text(column)
            if value:
                try:
                    found[column] = date(value, self.ctx)
                except ValueError as exc:
                    self.problem(column, str(exc))
                    continue
                self.add(self.me, prop, found[column])
        if "start" in found and "end" in found and cells.ends_before(found["end"], found["start"]):
            self.problem("end", f"{found['end'].value} is before start {found['start'].value}")
        self._single(
            "open_ended", lambda v: self.add(self.me, LAMC.openEnded, cells.boolean_literal(v))
        )

    def _funding(self) -> None:
        self._each(
            "funding_model",
            lambda v: self.add(self.me, LAMC.fundingModel, funding_model(self.lookup, v)),
        )
        number, code, bad = budget(self.text("budget_amount"), self.text("budget_currency"))
        for field, reason in bad:
            self.problem(field, reason)
        if number is not None:
            self.add(self.me, LAMC.budgetAmount, number)
        if code is not None:
            self.add(self.me, LAMC.budgetCurrency, ox.Literal(code))

    def _governance(self, value: str) -> None:
        unit = self.lookup.unit(value)
        if unit is None:
            slug = word_slug(value)
            if not slug:
                raise ValueError(f"{quoted(value)} gives no words for the unit's IRI; give its IRI")
            unit = self.ctx.iri("unit", f"{self.slug}--{slug}")
            self.add(unit, RDF.type, LAMC.OrganisationalUnit)
            self.add(unit, RDFS.label, literal(value, self.language))
            self.add(unit, SKOS.prefLabel, literal(value, self.language))
        self.add(self.me, LAMC.governanceBody, unit)

    def _area(self, value: str) -> None:
        if is_iri(value) or value.startswith("<"):
            self.add(self.me, LAMC.cooperationArea, self.lookup.known(value, "concept"))
            return
        concept = self.lookup.concept(value, AREAS_SCHEME)
        if concept is None:
            concept = self._own_concept(value)
        self.add(self.me, LAMC.cooperationArea, concept)

    def _own_concept(self, value: str) -> ox.NamedNode:
        slug = word_slug(value)
        if not slug:
            raise ValueError(f"{quoted(value)} gives no words for a concept IRI; give its IRI")
        scheme = self.ctx.iri("scheme", self.importer.own_scheme)
        concept = self.ctx.iri("concept", self.importer.own_scheme, slug)
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        name = f"Cooperation areas of the register {self.importer.own_scheme[: -len('-areas')]}"
        self.add(scheme, RDFS.label, ox.Literal(name, language="en"))
        self.add(concept, RDF.type, SKOS.Concept)
        self.add(concept, SKOS.inScheme, scheme)
        self.add(concept, SKOS.prefLabel, literal(value, self.language))
        self.add(concept, RDFS.label, literal(value, self.language))
        return concept

    def _provisions(self, column: str) -> None:
        prop, kind, component = PROVISIONS[column]
        for n, value in enumerate(split_multi(self.cell(column), lines=False), start=1):
            party, text = _party_prefix(value) if column == "responsibilities" else (None, value)
            node = ox.NamedNode(f"{self.me.value}/{component}-{n}")
            if party is not None:
                try:
                    self.add(node, LAMC.responsibleParty, self.lookup.institution(party))
                except LookupError as exc:
                    self.problem(column, str(exc))
            if not text:
                self.problem(column, f"item {n} has no text")
                continue
            self.add(self.me, prop, node)
            self.add(node, RDF.type, kind)
            self.add(node, LAMC.text, literal(text, self.language))

    def _source(self, value: str) -> None:
        obj = named_node(value) if is_iri(value) else ox.Literal(value)
        self.add(self.me, DCTERMS.source, obj)


def _party_prefix(value: str) -> tuple[str | None, str]:
    """``[party] text`` -> (party, text); plain text -> (None, text)."""
    if value.startswith("[") and "]" in value:
        party, _, text = value[1:].partition("]")
        return party.strip(), text.strip()
    return None, value
