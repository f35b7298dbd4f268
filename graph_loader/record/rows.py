"""Row shapes the curated tables share: sections, labelled entities, concept schemes.

A labelled row has the name as printed under the source's language key (``zh`` or ``fa``),
``en`` (the project's translation), optionally the name in the site's third language (``zh``
in a Persian document's tables, ``fa`` in a Chinese one's: the project's translation too,
:func:`third_language`), ``alt`` names, ``description``, ``note``, ``section`` and ``also``
(further sections citing it).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph_loader.record.writer import RecordError, RecordWriter, date_literal
from graph_loader.safe_output import quoted
from graph_loader.vocab import DCTERMS, LAMC, RDF, RDFS, SKOS, XSD

Row = dict[str, Any]

#: The site's third language, given by the project as a translation: by the key of the
#: source's own language, the row key and language tag of the translation.
THIRD = {"fa": ("zh", "zh-Hans"), "zh": ("fa", "fa")}


def third_language(
    w: RecordWriter,
    node: ox.NamedNode,
    row: Row,
    source_key: str,
    *,
    prop: ox.NamedNode = SKOS.prefLabel,
) -> None:
    """The row's name in the site's third language (:data:`THIRD`), when it has one, marked
    as the project's translation."""
    key, language = THIRD[source_key]
    if row.get(key):
        w.label(node, row[key], language, translated=True, prop=prop)


#: The languages of the project's own texts about a row (``description``, ``definition``): the
#: English, and its Persian and Chinese (``description_fa``, ``description_zh``...).
TEXT_LANGUAGES = (("", "en"), ("_fa", "fa"), ("_zh", "zh-Hans"))


def described(w: RecordWriter, node: ox.NamedNode, row: Row, key: str, prop: ox.NamedNode) -> None:
    """The project's text ``key`` of ``row`` (what the source says of it, in our words) in
    each language it is given in."""
    for suffix, language in TEXT_LANGUAGES:
        if row.get(key + suffix):
            w.add(node, prop, ox.Literal(row[key + suffix].strip(), language=language))


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
            third_language(w, part, row, self.key, prop=RDFS.label)

    def labelled(
        self, w: RecordWriter, node: ox.NamedNode, row: Row, *, en_translated: bool = True
    ) -> None:
        """Labels, other names, description and doubts of ``row`` on ``node``, with citations.

        ``en_translated=False`` where the source itself prints the English (or Latin) name.
        A row without a name under the source's key has only its Latin name, which is not
        tagged with the source's language.
        """
        if row.get(self.key):
            w.label(node, row[self.key], self.language)
        w.label(node, row["en"], "en", translated=en_translated)
        third_language(w, node, row, self.key)
        if row.get("extracted"):
            w.note(node, f"Label restored from the extracted text «{row['extracted'].strip()}».")
        for alt in row.get("alt") or ():
            self.alt_label(w, node, alt, row["_where"])
        described(w, node, row, "description", DCTERMS.description)
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
            raise RecordError(
                f"{where}: alt name in {quoted(lang)}, expected {self.language} or none"
            )

    def schemes(self, w: RecordWriter, rows: list[Row]) -> None:
        """Concept schemes (named by the project in English, with its Persian and Chinese
        translations; cited to the section of their first concept)."""
        for row in rows:
            scheme = w.iri("scheme", row["slug"])
            w.add(scheme, RDF.type, SKOS.ConceptScheme)
            w.label(scheme, row["en"], "en")
            for key, language in THIRD.values():  # its Chinese and Persian
                if row.get(key):
                    w.label(scheme, row[key], language, translated=True)

    def concepts(self, w: RecordWriter, rows: list[Row]) -> None:
        """SKOS concepts in their schemes, with labels, definitions and doubts."""
        for row in rows:
            node = concept(w, row["scheme"], row["slug"], row["section"])
            self.labelled(w, node, row)
            described(w, node, row, "definition", SKOS.definition)
            if row.get("notation"):  # the number or place the source gives it
                w.add(node, SKOS.notation, ox.Literal(str(row["notation"])))
            w.cite(w.iri("scheme", row["scheme"]), row["section"])


def concept(w: RecordWriter, scheme: str, slug: str, section: str) -> ox.NamedNode:
    """A SKOS concept of ``scheme``, cited to ``section``."""
    node = w.entity("concept", f"{scheme}/{slug}", SKOS.Concept, section=section)
    w.add(node, SKOS.inScheme, w.iri("scheme", scheme))
    return node


DECADE_PARTS = ("early", "late", "end")


def period(w: RecordWriter, node: ox.NamedNode, row: Row, *, printed: str = "") -> None:
    """The period a row gives, each statement cited with the dating as printed.

    ``start``/``end``: a date or year the source gives (``lamc:periodStart``/``periodEnd``).
    ``decade``: a decade the source names instead of a year (``lamc:decade``, its first year);
    named as a whole ("in the 1970s") it also bounds the period by the decade's first and last
    year; with ``decade_part`` (``early``, ``late``, ``end``: "late 1980s", "90年代末") it
    gets ``lamc:partOfDecade`` and no bounds, so that no query reads it as the whole decade.
    """
    cited = {"section": row["section"], "printed": printed}
    if row.get("decade"):
        decade = int(row["decade"])
        if decade % 10:
            raise RecordError(f"{row['_where']}: decade {decade} is not a decade's first year")
        w.fact(node, LAMC.decade, ox.Literal(str(decade), datatype=XSD.gYear), **cited)
        part = row.get("decade_part")
        if part:
            if part not in DECADE_PARTS:
                raise RecordError(
                    f"{row['_where']}: decade_part {quoted(part)}, not {DECADE_PARTS}"
                )
            w.fact(node, LAMC.partOfDecade, ox.Literal(part), **cited)
        elif row.get("start") or row.get("end"):
            raise RecordError(f"{row['_where']}: a whole decade and start or end besides")
        else:
            w.fact(node, LAMC.periodStart, date_literal(str(decade)), **cited)
            w.fact(node, LAMC.periodEnd, date_literal(str(decade + 9)), **cited)
    if row.get("start"):
        w.fact(node, LAMC.periodStart, date_literal(str(row["start"])), **cited)
    if row.get("end"):
        w.fact(node, LAMC.periodEnd, date_literal(str(row["end"])), **cited)


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
