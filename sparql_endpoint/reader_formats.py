"""Numbers, dates and durations as a reader of each language writes them (Babel's CLDR data):
``1,234`` in English, ``۱٬۲۳۴`` in Persian, ``2001年3月4日`` in Chinese.

Pure functions of a value and a language tag (one of :data:`graph_loader.vocab.LANGUAGES`);
the pages reach them through the ``number`` and ``percent`` template filters
(:mod:`sparql_endpoint.interface_text`) and the entity pages' values
(:mod:`sparql_endpoint.linked_data.plain_values`).

>>> number(12345, "en"), number(12345, "fa"), number(12345, "zh-Hans")
('12,345', '۱۲٬۳۴۵', '12,345')
>>> percent(0.456, "en"), percent(0.456, "fa")
('45.6%', '۴۵٫۶٪')
>>> digits("2001", "fa"), digits("2001", "en")
('۲۰۰۱', '2001')
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_percent
from babel.units import format_unit

#: The Babel locale of each language tag the pages are read in.
LOCALES = {"en": "en", "fa": "fa", "zh-Hans": "zh_Hans"}
#: Languages whose readers write numbers in their own digits (Babel keeps ASCII digits).
_NATIVE_DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")}
#: Separators and signs Babel gives in the Latin numbering, as the Persian one writes them.
_PERSIAN_SIGNS = str.maketrans({",": "٬", ".": "٫", "%": "٪", "-": "−"})


#: Each language's Babel locale, parsed once (parsing one costs more than writing a number).
_PARSED = MappingProxyType({tag: Locale.parse(name) for tag, name in LOCALES.items()})


def locale(language: str) -> Locale:
    """The Babel locale for a language tag (English for one without its own)."""
    return _PARSED.get(language) or _PARSED["en"]


def digits(text: str, language: str) -> str:
    """``text`` with its ASCII digits in the reader's own digits (Persian: ۰-۹)."""
    table = _NATIVE_DIGITS.get(language)
    return text.translate(table) if table else text


def _native(text: str, language: str) -> str:
    if language == "fa":
        return text.translate(_PERSIAN_SIGNS).translate(_NATIVE_DIGITS["fa"])
    return text


def number(value: int | float | Decimal | str, language: str) -> str:
    """A number with the reader's grouping, decimal sign and digits, every decimal kept
    (``0.1875``, not ``0.188``); text that is not a number is returned as it is.

    >>> number("0.1875", "fa"), number("6000000", "zh-Hans"), number("n/a", "en")
    ('۰٫۱۸۷۵', '6,000,000', 'n/a')
    """
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)  # a whole number as a literal writes it ("1998", "007")
    if type(value) is int:
        return _native(f"{value:,}", language)
    try:
        figure = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not figure.is_finite():
        return str(value)
    # What Babel writes with the locales' standard pattern and every decimal kept (every
    # served language, and English for the others, groups by thousands with "," and writes
    # "." before the decimals, which _native turns into the reader's signs), trailing zeros
    # dropped: without its pattern machinery, and without its 28-digit limit, past which
    # it raises (a page writes several numbers).
    shown = format(figure, ",f")
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return _native(shown, language)


def percent(share: float, language: str) -> str:
    """A share (0.456) as a percentage with one decimal (45.6%)."""
    return _native(format_percent(share, "#,##0.0%", locale=locale(language)), language)


def date(value: dt.date, language: str) -> str:
    """A date as the reader writes it in full (4 March 2001, ۴ مارس ۲۰۰۱, 2001年3月4日)."""
    return digits(format_date(value, "long", locale=locale(language)), language)


def date_time(value: dt.datetime, language: str) -> str:
    """A moment as the reader writes it (date and time of day, medium length)."""
    return digits(format_datetime(value, "medium", locale=locale(language)), language)


def year_month(year: int, month: int, language: str) -> str:
    """A month of a year (March 2001, مارس ۲۰۰۱, 2001年3月)."""
    shown = format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale(language))
    return digits(shown, language)


def quantity(amount: int, unit: str, language: str) -> str:
    """An amount of a CLDR duration unit (``duration-year``...): 5 years, ۵ سال, 5年."""
    return digits(format_unit(amount, unit, "long", locale=locale(language)), language)
