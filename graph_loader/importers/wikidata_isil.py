"""Institutions from a Wikidata export with ISIL codes (``?item ?itemLabel ?isil ?gndId ?dbsId``).

Each Wikidata item is one institution, ``{base}id/institution/wd-q{number}``, unless it
already exists: a row whose Wikidata IRI (``owl:sameAs``) or ISIL (``lamc:isil``) is found
in the store, or earlier in the file, adds its statements to that institution instead
("merged"). An ISIL held by an institution already linked to a *different* Wikidata item
does not merge: two items sharing an ISIL (museums in one building) stay two institutions.
See docs/importers.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from graph_loader.importers import cells
from graph_loader.importers.common import (
    ImportContext,
    Outcome,
    Problem,
    Row,
    RowRejected,
    csv_rows,
    header_error,
    literal,
    raw_text,
)
from graph_loader.importers.lookup import identities, known_labels
from graph_loader.safe_output import quoted
from graph_loader.vocab import LAMC, OWL, RDF, RDFS, SKOS
from graph_loader.wikidata import item_id, item_iri

COLUMNS = ("item", "itemlabel", "isil", "gndid", "dbsid")
_TERM = re.compile(r'"(?P<text>.*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<[^>]*>)?')
_KINDS = (
    (LAMC.Library, r"bibliot|b[üu]e?cherei|librar|m[ée]dia?thek|mediothek|knihovn|kirjasto|"
     r"k[öo]nyvt[áa]r|toshokan|図書|bunko|文庫"),
    (LAMC.Archive, r"archiv|archief|arkiv|arquivo|文書館|公文書"),
    (LAMC.Museum, r"museum|museo|mus[ée]e|museu|muzeum|museet|pinakothek|kunsthalle|博物館|"
     r"美術館|資料館"),
)  # fmt: skip


def kind_of(label: str, isil: str) -> ox.NamedNode | None:
    """The kind of institution a label and ISIL show, when they show exactly one.

    >>> kind_of("Stadtbücherei Burgdorf", "").value.rsplit("#")[-1]
    'Library'
    >>> kind_of("Bibliothek des Deutschen Museums", "") is None
    True
    >>> kind_of("Krameramtsstuben", "DE-MUS-165513").value.rsplit("#")[-1]
    'Museum'
    """
    if "-MUS-" in isil.upper():
        return LAMC.Museum
    found = [kind for kind, pattern in _KINDS if re.search(pattern, label, re.IGNORECASE)]
    return found[0] if len(found) == 1 else None


class WikidataIsilImporter:
    """Reads the tab-separated export and writes (or merges) one institution per item."""

    #: Whether ``lamcoop load --language`` names the table's language (else it says its own).
    takes_language = False
    name = "wikidata-isil"
    encoding = "utf-8-sig"

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.by_item: dict[str, str] = {}
        self.by_isil: dict[str, str | None] = {}
        self.items_of: dict[str, set[str]] = {}
        for value, subject in identities(ctx, OWL.sameAs):
            if (item := item_iri(value)) is not None:
                self.by_item.setdefault(item, subject)
                self.items_of.setdefault(subject, set()).add(item)
        for value, subject in identities(ctx, LAMC.isil):
            owner = self.by_isil.get(value, subject)
            self.by_isil[value] = subject if owner == subject else None
        self.existing = set(self.by_item.values()) | {s for s in self.by_isil.values() if s}
        self.labels = known_labels(ctx, self.existing)

    def rows(self, handle: TextIO, path: Path) -> Iterator[Row]:
        """The export's rows; columns named with or without the ``?`` of the query."""
        records = csv_rows(handle, delimiter="\t", quoted=False)
        first = next(records, None)
        header = [h.strip().lstrip("?").lower() for h in first[1]] if first else []
        if "item" not in header:
            raise header_error(
                path, "no ?item column; expected the columns ?item ?itemLabel ?isil ?gndId ?dbsId"
            )
        for line, values in records:
            if any(v.strip() for v in values):
                found: dict[str, Any] = {
                    h: v.strip() for h, v in zip(header, values, strict=False) if h in COLUMNS
                }
                found["_short"] = len(values) < len(header)
                yield Row(str(line), found, raw_text(values, "\t"))

    def convert(self, row: Row) -> Outcome:
        """The institution's statements; merged into an existing one where it matches."""
        fields = _Fields(row)
        if fields.problems:
            raise RowRejected(fields.problems)
        target, merged = self._target(fields.item, fields.isil)
        node = ox.NamedNode(target)
        quads = [ox.Quad(node, OWL.sameAs, ox.NamedNode(fields.item))]
        if not merged:
            quads.append(ox.Quad(node, RDF.type, LAMC.Institution))
            kind = kind_of(fields.label, fields.isil)
            if kind is not None:
                quads.append(ox.Quad(node, RDF.type, kind))
        for prop, value in (
            (LAMC.isil, fields.isil),
            (LAMC.gndId, fields.gnd),
            (LAMC.dbsId, fields.dbs),
        ):
            if value:
                quads.append(ox.Quad(node, prop, ox.Literal(value)))
        quads += self._labels(target, fields)
        self._remember(target, fields.item, fields.isil)
        return Outcome(quads, merged=merged, dropped=fields.dropped)

    def _target(self, item: str, isil: str) -> tuple[str, bool]:
        if item in self.by_item:
            return self.by_item[item], True
        owner = self.by_isil.get(isil) if isil else None
        if owner and not self.items_of.get(owner):
            return owner, True
        return self.ctx.iri("institution", "wd-" + item.rsplit("/", 1)[1].lower()).value, False

    def _labels(self, target: str, fields: _Fields) -> list[ox.Quad]:
        """The row's label: preferred for a new institution, else an alternative one."""
        node = ox.NamedNode(target)
        if not fields.label or item_id(fields.label):
            # No label in the export's languages: the item's Q-number names it, as on Wikidata.
            if target in self.existing or target in self.labels:
                return []
            self.labels[target] = set()
            return [ox.Quad(node, RDFS.label, ox.Literal(fields.item.rsplit("/", 1)[1]))]
        label = literal(fields.label, fields.language)
        known = self.labels.setdefault(target, set())
        if str(label) in known:
            return []
        prop = SKOS.altLabel if known or target in self.existing else SKOS.prefLabel
        known.add(str(label))
        return [ox.Quad(node, RDFS.label, label), ox.Quad(node, prop, label)]

    def _remember(self, target: str, item: str, isil: str) -> None:
        self.by_item[item] = target
        self.items_of.setdefault(target, set()).add(item)
        if isil and isil not in self.by_isil:
            self.by_isil[isil] = target


class _Fields:
    """One row's values, checked: ``problems`` reject the row, ``dropped`` are repairs."""

    def __init__(self, row: Row):
        self.problems: list[Problem] = []
        self.dropped: list[Problem] = []
        cells_ = row.cells
        self.item = self._item(cells_.get("item", ""))
        self.label, self.language = _term(cells_.get("itemlabel", ""))
        self.isil = _term(cells_.get("isil", ""))[0]
        self.gnd = _term(cells_.get("gndid", ""))[0]
        self.dbs = _term(cells_.get("dbsid", ""))[0]
        if self.isil and not cells.valid_isil(self.isil):
            self.problems.append(Problem("?isil", cells.isil_problem(self.isil)))
        self._identifiers(bool(cells_.get("_short")))

    def _item(self, value: str) -> str:
        text = value.strip().strip("<>")
        item = item_iri(text)
        if not text:
            self.problems.append(Problem("?item", "missing: every row needs its Wikidata item"))
        elif item is None:
            self.problems.append(
                Problem(
                    "?item",
                    f"{quoted(text)} is not a Wikidata item IRI (http://www.wikidata.org/entity/Q…)",
                )
            )
        return item or ""

    def _identifiers(self, short: bool) -> None:
        if short and self.gnd and not self.dbs and not cells.valid_gnd(self.gnd):
            self._shifted(self.gnd)
        if self.gnd and not cells.valid_gnd(self.gnd):
            self.problems.append(Problem("?gndId", f"{quoted(self.gnd)} is not a GND identifier"))
        if self.dbs and not cells.valid_dbs(self.dbs):
            self.problems.append(
                Problem(
                    "?dbsId", f"{quoted(self.dbs)} is not a DBS identifier (two capitals, 3 digits)"
                )
            )

    def _shifted(self, value: str) -> None:
        """A row one cell short whose last cell is no GND id: the export dropped the empty
        ?gndId cell, so the value is the ?dbsId; left out when it is not one either."""
        self.gnd = ""
        if cells.valid_dbs(value):
            self.dbs = value
            return
        self.dropped.append(
            Problem("?dbsId", f"{quoted(value)} (in a row one cell short) is neither a GND nor a "
                    "DBS identifier; left out")
        )  # fmt: skip


_ESCAPE = re.compile(r"\\(.)")
_ESCAPED = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """A cell's text with the query service's TSV escapes (``\\"``, ``\\\\``, ``\\t``) undone.

    The export writes each literal as the query service does, ``"…"`` with escapes, then drops
    the outer quotes; a quote that closed the label (``\\"M. Picone\\"``) thus leaves a lone
    backslash at the end, which stands for that quote.

    >>> unescape('Calcolo \\\\"M. Picone\\\\')
    'Calcolo "M. Picone"'
    >>> unescape("Keio \\\\\\\\, Matsushita")
    'Keio \\\\, Matsushita'
    >>> unescape("Plain")
    'Plain'
    """
    trailing = len(text) - len(text.rstrip("\\"))
    if trailing % 2:
        text += '"'
    return _ESCAPE.sub(lambda m: _ESCAPED.get(m.group(1), m.group(0)), text)


def _term(value: str) -> tuple[str, str | None]:
    """A cell as (text, language): plain text, or the query service's ``"text"@lang``;
    escapes undone either way."""
    match = _TERM.fullmatch(value)
    if match is None:
        return unescape(value.strip()).strip(), None
    return unescape(match.group("text")).strip(), match.group("lang")
