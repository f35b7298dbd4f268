"""Row shapes the curated tables share: sections, labelled entities, concept schemes.

A labelled row has the name as printed under the source's language key (``zh`` or ``fa``),
``en`` (the project's translation), optional ``alt`` names, ``description``, ``note``,
``section`` and ``also`` (further sections citing it).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph_loader.record.writer import RecordError, RecordWriter
from graph_loader.vocab import DCTERMS, LAMC, RDF, RDFS, SKOS

Row = dict[str, Any]


class Tables:
    """The source language of a document's tables: its row key and language tag."""

    def __init__(self, key: str, language: str):
        self.key = key
        self.language = language

    def sections(self, w: RecordWriter, rows: list[Row]) -> None:
        """Each section with its printed title and the English one."""
        for row in rows:
            part = w.section(row["slug"], row["en"])
            w.add(part, RDFS.label, ox.Literal(row[self.key], language=self.language))

    def labelled(
        self, w: RecordWriter, node: ox.NamedNode, row: Row, *, en_translated: bool = True
    ) -> None:
        """Labels, other names, description and doubts of ``row`` on ``node``, with citations.

        ``en_translated=False`` where the source itself prints the English (or Latin) name.
        """
        w.label(node, row[self.key], self.language)
        w.label(node, row["en"], "en", translated=en_translated)
        if row.get("extracted"):
            w.note(node, f"Label restored from the extracted text «{row['extracted'].strip()}».")
        for alt in row.get("alt") or ():
            self.alt_label(w, node, alt, row["_where"])
        if row.get("description"):
            w.add(node, DCTERMS.description, ox.Literal(row["description"].strip(), language="en"))
        if row.get("note"):
            w.note(node, row["note"])
        for section in row.get("also") or ():
            w.cite(node, section)

    def alt_label(self, w: RecordWriter, node: ox.NamedNode, alt: Row | str, where: str) -> None:
        """Another name as printed; ``lang: none`` for an acronym in Latin letters."""
        if isinstance(alt, str):
            alt = {"text": alt}
        lang = alt.get("lang", self.language)
        if lang == "none":
            w.add(node, SKOS.altLabel, ox.Literal(alt["text"]))
        elif lang == self.language:
            w.label(node, alt["text"], lang, prop=SKOS.altLabel)
        else:
            raise RecordError(f"{where}: alt name in {lang!r}, expected {self.language} or none")

    def schemes(self, w: RecordWriter, rows: list[Row]) -> None:
        """Concept schemes (named by the project, cited to the section of their first concept)."""
        for row in rows:
            scheme = w.iri("scheme", row["slug"])
            w.add(scheme, RDF.type, SKOS.ConceptScheme)
            w.label(scheme, row["en"], "en")

    def concepts(self, w: RecordWriter, rows: list[Row]) -> None:
        """SKOS concepts in their schemes, with labels, definitions and doubts."""
        for row in rows:
            node = concept(w, row["scheme"], row["slug"], row["section"])
            self.labelled(w, node, row)
            if row.get("definition"):
                w.add(node, SKOS.definition, ox.Literal(row["definition"].strip(), language="en"))
            w.cite(w.iri("scheme", row["scheme"]), row["section"])


def concept(w: RecordWriter, scheme: str, slug: str, section: str) -> ox.NamedNode:
    """A SKOS concept of ``scheme``, cited to ``section``."""
    node = w.entity("concept", f"{scheme}/{slug}", SKOS.Concept, section=section)
    w.add(node, SKOS.inScheme, w.iri("scheme", scheme))
    return node


def lamc_types(names: list[str] | None, where: str) -> list[ox.NamedNode]:
    """Ontology classes named by their local names (``RegionalConsortium``)."""
    if not names:
        raise RecordError(f"{where}: no types")
    return [LAMC[name] for name in names]


def check_references(w: RecordWriter) -> None:
    """Every ``{base}id/...`` IRI used as an object is described (typed) in the graph.

    A slug mistyped in a table would otherwise leave a link to nothing.
    """
    typed = {t.subject for t in w.triples if t.predicate == RDF.type}
    prefix = f"{w.base}id/"
    for t in w.triples:
        o = t.object
        if (
            isinstance(o, ox.NamedNode)
            and o.value.startswith(prefix)
            and not o.value.startswith(f"{prefix}document/")
            and o not in typed
        ):
            raise RecordError(f"{w.document}: {o.value} is linked to but not described")
