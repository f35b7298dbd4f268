"""Museums from the IMLS Museum Universe Data File (CSV, latin-1), 2014 Q3 layout.

One museum per row: ``{base}id/institution/imls-{MID}``, typed by its discipline code,
with its postal address (``schema:address``), WGS84 position (``geo:lat``/``geo:long``),
web site and ``lamc:imlsId``. A MID already in the store (``lamc:imlsId``, another graph)
or repeated in the file for the same museum merges; a MID the file gives to a different
museum (a different name) is kept as a second museum, ``imls-{MID}-2``, with a note. A
merged row adds its identifier, names and web site; the museum's position and address
stay those it has.
See docs/importers.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from graph_loader.bounded import BOM
from graph_loader.importers import cells
from graph_loader.importers.common import (
    ImportContext,
    Outcome,
    Problem,
    Row,
    RowRejected,
    csv_rows,
    header_error,
    raw_text,
)
from graph_loader.importers.lookup import identities, known_labels
from graph_loader.safe_output import quoted
from graph_loader.vocab import GEO, LAMC, RDF, RDFS, SCHEMA, SKOS

#: IMLS discipline codes (codebook of the 2014 Q3 release) -> museum kinds.
DISCIPLINES = {
    "ART": LAMC.ArtMuseum,
    "BOT": LAMC.ArboretumOrBotanicalGarden,
    "CMU": LAMC.ChildrensMuseum,
    "GMU": LAMC.GeneralMuseum,
    "HSC": LAMC.HistoricSite,
    "HST": LAMC.HistoryMuseum,
    "NAT": LAMC.NaturalHistoryMuseum,
    "SCI": LAMC.ScienceMuseum,
    "ZAW": LAMC.ZooOrAquarium,
}
REQUIRED = ("MID", "NAME", "DISCIPL", "LATITUDE", "LONGITUDE")
#: ISO 3166-1 numeric country codes (the file's CNTRYCD) -> alpha-2.
COUNTRIES = {"840": "US"}
_MID = re.compile(r"\d{1,20}")
_URL_SAFE = re.compile(r"[^\s<>\"{}|\\^`]+")
LANGUAGE = "en"
# Terms of the hot path, made once.
_TYPE, _LABEL, _PREF_LABEL, _ALT_LABEL = RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel
_IMLS_ID, _LAT, _LONG = LAMC.imlsId, GEO.lat, GEO.long
_ADDRESS, _POSTAL_ADDRESS = SCHEMA.address, SCHEMA.PostalAddress
_ADDRESS_PARTS = (
    SCHEMA.streetAddress, SCHEMA.addressLocality, SCHEMA.addressRegion, SCHEMA.postalCode,
    SCHEMA.addressCountry,
)  # fmt: skip


class ImlsMuseumImporter:
    """Reads the Museum Universe Data File and writes one museum per row."""

    #: Whether ``lamcoop load --language`` names the table's language (else it says its own).
    takes_language = False
    name = "imls-museums"
    encoding = "latin-1"

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.by_mid: dict[str, str] = dict(identities(ctx, LAMC.imlsId))
        self.existing = set(self.by_mid.values())
        self.labels = known_labels(ctx, self.existing)
        self.names: dict[str, str] = {}
        self.taken: set[str] = set()

    def rows(self, handle: TextIO, path: Path) -> Iterator[Row]:
        """The file's rows by column name (the header's names, upper-cased)."""
        records = csv_rows(handle, delimiter=",")
        first = next(records, None)
        names = first[1] if first else []
        if names:  # a UTF-8 byte order mark, read as Latin-1
            names = [names[0].removeprefix(BOM.decode("latin-1")), *names[1:]]
        header = [h.strip().upper() for h in names]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise header_error(
                path, f"no {', '.join(missing)} column; expected the IMLS MUDF header (MID, NAME, "
                "ADDRESS, CITY, STATE, ZIP, WEBURL, DISCIPL, LATITUDE, LONGITUDE, CNTRYCD, ...)"
            )  # fmt: skip
        for line, values in records:
            if any(v.strip() for v in values):
                found = {h: v.strip() for h, v in zip(header, values, strict=False)}
                if len(values) != len(header):
                    found["_count"] = f"{len(values)} cells, the header names {len(header)}"
                yield Row(str(line), found, raw_text(values, ","))

    def convert(self, row: Row) -> Outcome:
        """The museum's statements, or :class:`RowRejected` naming every bad field."""
        c = row.cells
        problems, position = _check(c)
        if problems:
            raise RowRejected(problems)
        mid, name = c["MID"], c["NAME"]
        target, merged, note = self._target(mid, name)
        node = ox.NamedNode(target)
        label = ox.Literal(name, language=LANGUAGE)
        quads = [] if merged else [ox.Quad(node, _TYPE, k) for k in _kinds(c["DISCIPL"])]
        quads.append(ox.Quad(node, _IMLS_ID, ox.Literal(mid)))
        if not merged:
            quads += [ox.Quad(node, _LAT, position[0]), ox.Quad(node, _LONG, position[1])]
        if not merged or str(label) not in self.labels.get(target, ()):
            quads.append(ox.Quad(node, _LABEL, label))
            quads.append(ox.Quad(node, _ALT_LABEL if merged else _PREF_LABEL, label))
        alt = c.get("ALTNAME", "")
        if alt and alt != name:
            quads.append(ox.Quad(node, _ALT_LABEL, ox.Literal(alt, language=LANGUAGE)))
        if note:
            quads.append(ox.Quad(node, SKOS.editorialNote, ox.Literal(note, language="en")))
        dropped: list[Problem] = []
        quads += _website(node, c.get("WEBURL", ""), dropped)
        if not merged:
            quads += _address(node, c)
        return Outcome(quads, merged=merged, dropped=dropped)

    def _target(self, mid: str, name: str) -> tuple[str, bool, str]:
        """(IRI, merged?, editorial note) of the row's museum."""
        known = self.by_mid.get(mid)
        if known and (known in self.existing or self.names.get(known) == name):
            return known, True, ""
        slug, note = f"imls-{mid}", ""
        if known:
            n = 2
            while f"{slug}-{n}" in self.taken:
                n += 1
            slug = f"{slug}-{n}"
            note = (
                f"The IMLS file gives MID {mid} to more than one museum; this one, "
                f"{name}, was given the identifier {slug}."
            )
        target = self.ctx.iri("institution", slug).value
        self.taken.add(slug)
        self.by_mid.setdefault(mid, target)
        self.names[target] = name
        return target, False, note


def _kinds(code: str) -> tuple[ox.NamedNode, ...]:
    return (LAMC.Institution, LAMC.Museum, DISCIPLINES[code.upper()])


def _check(c: Mapping[str, Any]) -> tuple[list[Problem], list[ox.Literal]]:
    """The row's problems, and its latitude and longitude when they are good."""
    problems, position = [], []
    if "_count" in c:
        problems.append(Problem("(row)", c["_count"]))
    if not _MID.fullmatch(c.get("MID", "")):
        problems.append(
            Problem("MID", f"{quoted(c.get('MID', ''))} is not an IMLS museum id (digits)")
        )
    if not c.get("NAME"):
        problems.append(Problem("NAME", "missing: every museum needs a name"))
    code = c.get("DISCIPL", "").upper()
    if code not in DISCIPLINES:
        problems.append(
            Problem(
                "DISCIPL", f"unknown discipline {quoted(code)}; one of {', '.join(DISCIPLINES)}"
            )
        )
    for column, limit in (("LATITUDE", 90), ("LONGITUDE", 180)):
        try:
            value = cells.decimal_literal(c.get(column, ""), negative=True)
        except ValueError as exc:
            problems.append(Problem(column, str(exc).replace("amount", "number")))
            continue
        if abs(float(value.value)) > limit:
            problems.append(Problem(column, f"{value.value} is beyond ±{limit} degrees"))
        position.append(value)
    return problems, position


def _address(node: ox.NamedNode, c: Mapping[str, Any]) -> list[ox.Quad]:
    address = ox.BlankNode()
    zip5, zip4 = c.get("ZIP5", ""), c.get("ZIP4", "")
    postal = (zip5 + (f"-{zip4}" if zip4 else "")) if re.fullmatch(r"\d{5}", zip5) else c.get("ZIP")
    country = COUNTRIES.get(c.get("CNTRYCD", ""), c.get("CNTRYCD"))
    values = (c.get("ADDRESS"), c.get("CITY"), c.get("STATE"), postal, country)
    parts = zip(_ADDRESS_PARTS, values, strict=True)
    quads = [ox.Quad(address, p, ox.Literal(v)) for p, v in parts if v]
    if not quads:
        return []
    return [ox.Quad(node, _ADDRESS, address), ox.Quad(address, _TYPE, _POSTAL_ADDRESS), *quads]


def _website(node: ox.NamedNode, url: str, dropped: list[Problem]) -> list[ox.Quad]:
    if not url:
        return []
    full = url if re.match(r"https?://", url, re.IGNORECASE) else f"http://{url}"
    if _URL_SAFE.fullmatch(full):
        try:
            return [ox.Quad(node, SCHEMA.url, ox.NamedNode(full))]
        except ValueError:
            pass
    dropped.append(Problem("WEBURL", f"{quoted(url)} is not a web address; left out"))
    return []
