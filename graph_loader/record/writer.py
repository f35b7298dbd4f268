"""Writing one source document's facts as RDF, every entity cited to its section.

>>> w = RecordWriter("https://w3id.org/lamcoop/", "002_6a0016c2059dec43.txt",
...                  title="Library cooperation and consortia in China")
>>> calis = w.entity("institution", "calis", LAMC.NationalConsortium, section="calis")
>>> w.label(calis, "CALIS", "en")
>>> w.label(calis, "中国高等教育文献保障系统", "zh-Hans")
>>> w.label(calis, "China Academic Library & Information System", "en", translated=True)
>>> b"lamcoop/id/document/002_6a0016c2059dec43/calis" in w.ntriples()
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal

import pyoxigraph as ox

from graph_loader.safe_output import quoted
from graph_loader.vocab import DCTERMS, LAMC, RDF, RDFS, SKOS, XSD

Object = ox.NamedNode | ox.BlankNode | ox.Literal
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class RecordError(ValueError):
    """A curated table has a value that cannot be written; the message says where."""


class RecordWriter:
    """Collects the triples of one document's graph; :meth:`ntriples` gives them sorted."""

    def __init__(self, base_iri: str, document: str, *, title: str, language: str = "en"):
        self.base = base_iri
        self.document = document
        self.triples: set[ox.Triple] = set()
        self.section_labels: dict[ox.NamedNode, str] = {}
        self.doc = self.iri("document", document.rsplit(".", 1)[0])
        self.add(self.doc, RDF.type, DCTERMS.BibliographicResource)
        self.add(self.doc, DCTERMS.identifier, ox.Literal(document))
        self.add(self.doc, DCTERMS.title, ox.Literal(title, language=language))

    def iri(self, kind: str, *slugs: str) -> ox.NamedNode:
        """``{base}id/{kind}/{slug}``; slugs must be lower-case words joined by ``-``.

        Document stems and section slugs may also hold ``_`` and ``.``.
        """
        for slug in slugs:
            if not _SLUG.match(slug) and not (kind == "document" and re.match(r"^[\w.-]+$", slug)):
                raise RecordError(f"{self.document}: {quoted(slug)} is not a valid slug for {kind}")
        return ox.NamedNode(f"{self.base}id/{kind}/{'/'.join(slugs)}")

    def add(self, s: ox.NamedNode | ox.BlankNode, p: ox.NamedNode, o: Object) -> None:
        self.triples.add(ox.Triple(s, p, o))

    def entity(self, kind: str, slug: str, *types: ox.NamedNode, section: str) -> ox.NamedNode:
        """The entity ``{base}id/{kind}/{slug}`` with its types, cited to ``section``."""
        node = self.iri(kind, *slug.split("/"))
        for t in types:
            self.add(node, RDF.type, t)
        self.cite(node, section)
        return node

    def cite(self, node: ox.NamedNode | ox.BlankNode, section: str, label: str = "") -> None:
        """State that ``node`` comes from ``section`` (a table or section) of the document."""
        part = self.section(section, label)
        self.add(node, DCTERMS.source, part)

    def section(self, section: str, label: str = "") -> ox.NamedNode:
        """The IRI of a table or section of this document (``.../document/{stem}/{section}``)."""
        part = ox.NamedNode(f"{self.doc.value}/{section}")
        if not _SLUG.match(section):
            raise RecordError(f"{self.document}: section {quoted(section)} is not a valid slug")
        self.add(part, DCTERMS.isPartOf, self.doc)
        if label or part not in self.section_labels:
            self.section_labels[part] = label or section.replace("-", " ")
        return part

    def label(
        self,
        node: ox.NamedNode,
        text: str,
        language: str,
        *,
        translated: bool = False,
        prop: ox.NamedNode = SKOS.prefLabel,
    ) -> None:
        """A label; ``translated`` marks it as the project's translation, not the source's."""
        if not text or not text.strip():
            raise RecordError(f"{self.document}: empty {language} label for {node.value}")
        self.add(node, prop, ox.Literal(text.strip(), language=language))
        if prop == SKOS.prefLabel:
            self.add(node, RDFS.label, ox.Literal(text.strip(), language=language))
        if translated:
            self.add(node, LAMC.translatedLanguage, ox.Literal(language))

    def fact(
        self, s: ox.NamedNode, p: ox.NamedNode, o: Object, *, section: str, printed: str = ""
    ) -> ox.BlankNode:
        """The triple, and an ``rdf:Statement`` about it citing ``section`` (returned).

        ``printed`` is the source's wording of the fact as extracted (kept with the citation,
        so a damaged or split figure can be checked against the document). A fact stated in
        two sections gets two statements, one per section, each with its own wording: which
        wording goes with which section stays plain.
        """
        self.add(s, p, o)
        key = f"{self.document} {section} {s} {p} {o}".encode()
        statement = ox.BlankNode("f" + hashlib.sha1(key, usedforsecurity=False).hexdigest())
        self.add(statement, RDF.type, RDF.Statement)
        self.add(statement, RDF.subject, s)
        self.add(statement, RDF.predicate, p)
        self.add(statement, RDF.object, o)
        self.cite(statement, section)
        if printed:
            self.add(statement, LAMC.printedAs, ox.Literal(printed.strip()))
        return statement

    def note(self, node: ox.NamedNode, text: str) -> None:
        """A doubt about damaged or ambiguous source text (English)."""
        self.add(node, SKOS.editorialNote, ox.Literal(text.strip(), language="en"))

    def ntriples(self) -> bytes:
        """The graph as sorted N-Triples: the same tables always give the same bytes."""
        # With no output given, serialize returns the bytes.
        return ox.serialize(sorted(self.graph(), key=str), format=ox.RdfFormat.N_TRIPLES) or b""

    def graph(self) -> set[ox.Triple]:
        """Every triple, with one English label per section (the one given, else its slug)."""
        labels = {
            ox.Triple(part, RDFS.label, ox.Literal(text, language="en"))
            for part, text in self.section_labels.items()
        }
        return self.triples | labels


def integer(value: int | str) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=XSD.integer)


def non_negative(value: int | str) -> ox.Literal:
    number = int(value)
    if number < 0:
        raise RecordError(f"{quoted(value)} is negative")
    return ox.Literal(str(number), datatype=XSD.nonNegativeInteger)


def decimal(value: str | float | Decimal) -> ox.Literal:
    return ox.Literal(str(Decimal(str(value))), datatype=XSD.decimal)


def date_literal(value: str | int | dt.date) -> ox.Literal:
    """An ISO date, year-month or year as xsd:date, xsd:gYearMonth or xsd:gYear.

    >>> date_literal("2001-12").datatype.value
    'http://www.w3.org/2001/XMLSchema#gYearMonth'
    """
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    for pattern, kind in (
        (r"\d{4}-\d{2}-\d{2}", "date"),
        (r"\d{4}-\d{2}", "gYearMonth"),
        (r"\d{4}", "gYear"),
    ):
        if re.fullmatch(pattern, text):
            return ox.Literal(text, datatype=XSD[kind])
    raise RecordError(f"{quoted(value)} is not an ISO date, year-month or year")
