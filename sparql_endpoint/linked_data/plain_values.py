"""Typed literals as people write them, in the reader's language: ``2001`` (not
``"2001"^^xsd:gYear``), ``4 March 2001``, ``۱۵۲``, ``5 years``. The lexical form and the
datatype stay in the value's ``title`` (and in every RDF format of the page).

>>> XS = "http://www.w3.org/2001/XMLSchema#"
>>> shown = plain(ox.Literal("2001", datatype=ox.NamedNode(XS + "gYear")), "fa")
>>> shown.value, shown.lang, shown.title
('۲۰۰۱', 'fa', '2001 (xsd:gYear)')
>>> plain(ox.Literal("2001-03-04", datatype=ox.NamedNode(XS + "date")), "zh-Hans").value
'2001年3月4日'
>>> plain(ox.Literal("1500000", datatype=ox.NamedNode(XS + "integer")), "en").value
'1,500,000'
>>> plain(ox.Literal("P5Y6M", datatype=ox.NamedNode(XS + "duration")), "en").value
'5 years, 6 months'
>>> plain(ox.Literal("not a date", datatype=ox.NamedNode(XS + "date")), "en") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
from babel.lists import format_list

from graph_loader.vocab import XSD
from sparql_endpoint import reader_formats
from sparql_endpoint.linked_data.present import Text, local_name

_NUMBERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
        "decimal",
        "double",
        "float",
    )
)
_YEAR = re.compile(r"(-?\d{4,})(Z|[+-]\d\d:\d\d)?")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d\d)(Z|[+-]\d\d:\d\d)?")
_DATE = re.compile(r"(\d{4}-\d\d-\d\d)(Z|[+-]\d\d:\d\d)?")
_DURATION = re.compile(
    r"P(?:(?P<year>\d+)Y)?(?:(?P<month>\d+)M)?(?:(?P<day>\d+)D)?"
    r"(?:T(?:(?P<hour>\d+)H)?(?:(?P<minute>\d+)M)?(?:(?P<second>\d+)S)?)?"
)
BOOLEAN = XSD + "boolean"


def plain(lit: ox.Literal, lang: str) -> Text | None:
    """``lit`` as a reader of ``lang`` writes it, or ``None`` when it is text to show as it
    is (a string, a language-tagged literal, a datatype with no plain form)."""
    datatype = lit.datatype.value
    if lit.language or datatype == XSD + "string" or datatype == BOOLEAN:
        return None
    try:
        shown = _shown(lit.value, datatype, lang)
    except (ValueError, InvalidOperation, OverflowError):
        shown = None
    if shown is None:
        return None
    return Text(shown, lang, title=f"{lit.value} (xsd:{local_name(datatype)})")


def _shown(value: str, datatype: str, lang: str) -> str | None:
    if datatype in _NUMBERS:
        Decimal(value)  # refuses what is not a number
        return reader_formats.number(value, lang)
    if datatype == XSD + "gYear" and (m := _YEAR.fullmatch(value)):
        return reader_formats.digits(m.group(1), lang)
    if datatype == XSD + "gYearMonth" and (m := _YEAR_MONTH.fullmatch(value)):
        return reader_formats.year_month(int(m.group(1)), int(m.group(2)), lang)
    if datatype == XSD + "date" and (m := _DATE.fullmatch(value)):
        return reader_formats.date(dt.date.fromisoformat(m.group(1)), lang)
    if datatype == XSD + "dateTime":
        return reader_formats.date_time(dt.datetime.fromisoformat(value), lang)
    if datatype == XSD + "duration" and value != "P" and (m := _DURATION.fullmatch(value)):
        parts = [
            reader_formats.quantity(int(amount), f"duration-{unit}", lang)
            for unit, amount in m.groupdict().items()
            if amount is not None
        ]
        return format_list(parts, style="unit", locale=reader_formats.locale(lang)) or None
    return None
