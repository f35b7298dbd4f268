"""Reading one cell as a typed RDF value; a bad cell raises ``ValueError`` saying why.

>>> date_literal("2001-12").datatype.value
'http://www.w3.org/2001/XMLSchema#gYearMonth'
>>> date_literal("2001-02-30")
Traceback (most recent call last):
...
ValueError: '2001-02-30' is not a valid date (day is out of range for month)
>>> decimal_literal("1,5")
Traceback (most recent call last):
...
ValueError: '1,5' is not a decimal amount (digits with an optional '.' part, e.g. 125000.50)
>>> valid_isil("DE-188-920"), valid_isil("DE_188"), valid_isil("ABCDE-1")
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from babel import Locale

from graph_loader.normalise import fold
from graph_loader.safe_output import quoted
from graph_loader.vocab import XSD

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_ISIL = re.compile(r"[A-Za-z0-9]{1,4}-[A-Za-z0-9/:\-]{1,11}")
_GND = re.compile(r"1[012]?\d{7}[0-9X]|[47]\d{6}-\d|[1-9]\d{0,7}-[0-9X]|3\d{7}[0-9X]")
_DBS = re.compile(r"[A-Z]{2}\d{3}")
#: Yes and no as a register may write them, in English, Persian and Chinese (folded by the
#: one normaliser, so Arabic yeh and kaf are read too), or as a tick and a cross.
_TRUE = {"true", "yes", "1", "y", "بله", "بلی", "آری", "درست", "是", "是的", "对", "對", "真",
         "✓", "✔", "☑", "✅"}  # fmt: skip
_FALSE = {"false", "no", "0", "n", "خیر", "نه", "نادرست", "否", "不", "不是", "错", "錯",
          "假", "✗", "✘", "☐", "❌"}  # fmt: skip
_TRUE_KEYS = {fold(word) or word for word in _TRUE}
_FALSE_KEYS = {fold(word) or word for word in _FALSE}


def date_literal(text: str) -> ox.Literal:
    """An ISO 8601 date, year-month or year as xsd:date, xsd:gYearMonth or xsd:gYear."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"{quoted(text)} is not a valid date ({exc})") from None
        return ox.Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        if not 1 <= int(text[5:]) <= 12:
            raise ValueError(f"{quoted(text)} is not a valid year-month (month {text[5:]})")
        return ox.Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}", text):
        return ox.Literal(text, datatype=XSD.gYear)
    raise ValueError(
        f"{quoted(text)} is not an ISO 8601 date (YYYY-MM-DD), year-month (YYYY-MM) or year (YYYY)"
    )


def ends_before(end: ox.Literal, start: ox.Literal) -> bool:
    """Whether ``end`` is surely before ``start``, comparing at the coarser precision.

    >>> ends_before(date_literal("2001"), date_literal("2001-05")), ends_before(
    ...     date_literal("2000-12-31"), date_literal("2001"))
    (False, True)
    """
    n = min(len(end.value), len(start.value))
    return end.value[:n] < start.value[:n]


def decimal_literal(text: str, *, negative: bool = False) -> ox.Literal:
    """A decimal number as xsd:decimal, written canonically."""
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(
            f"{quoted(text)} is not a decimal amount "
            "(digits with an optional '.' part, e.g. 125000.50)"
        )
    number = Decimal(text)
    if number < 0 and not negative:
        raise ValueError(f"{quoted(text)} is negative")
    return ox.Literal(_canonical(number), datatype=XSD.decimal)


def _canonical(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return text


def boolean_literal(text: str) -> ox.Literal:
    """true/false (also yes/no, 1/0, بله/خیر, 是/否, a tick or a cross) as xsd:boolean.

    >>> [boolean_literal(t).value for t in ("Yes", "بلي", "否", "✓")]
    ['true', 'true', 'false', 'true']
    """
    key = fold(text) or text.strip()
    if key in _TRUE_KEYS:
        return ox.Literal("true", datatype=XSD.boolean)
    if key in _FALSE_KEYS:
        return ox.Literal("false", datatype=XSD.boolean)
    raise ValueError(f"{quoted(text)} is not true or false (write yes or no, بله or خیر, 是 or 否)")


def currency(text: str) -> str:
    """An ISO 4217 currency code: three letters, returned in capitals."""
    code = text.strip()
    if not re.fullmatch(r"[A-Za-z]{3}", code):
        raise ValueError(
            f"{quoted(text)} is not an ISO 4217 currency code (three letters, e.g. CNY)"
        )
    return code.upper()


def valid_isil(text: str) -> bool:
    """ISO 15511 syntax: a prefix of 1-4 letters or digits, '-', then at most 11 of
    letters, digits, '-', '/' and ':'; 16 characters at most in all."""
    return len(text) <= 16 and _ISIL.fullmatch(text) is not None


def isil_problem(text: str) -> str:
    """Why ``text`` is not an ISIL."""
    if len(text) > 16:
        return f"{quoted(text)} is not an ISIL: longer than 16 characters"
    if "-" not in text:
        return f"{quoted(text)} is not an ISIL: no '-' after the prefix (e.g. DE-101)"
    prefix = text.split("-", 1)[0]
    if not 1 <= len(prefix) <= 4 or not prefix.isalnum():
        return (
            f"{quoted(text)} is not an ISIL: the prefix {quoted(prefix)} "
            "must be 1-4 letters or digits"
        )
    return (
        f"{quoted(text)} is not an ISIL: after the prefix, "
        "at most 11 letters, digits, '-', '/' or ':'"
    )


def valid_gnd(text: str) -> bool:
    """The syntax of a GND identifier (Wikidata P227)."""
    return _GND.fullmatch(text) is not None


def valid_dbs(text: str) -> bool:
    """The syntax of a German library statistics (DBS) identifier (Wikidata P4007)."""
    return _DBS.fullmatch(text) is not None


#: Languages' names people write that Babel's names do not give.
_LANGUAGE_ALIASES = {"farsi": "fa"}


def language_tag(text: str) -> str:
    """The BCP 47 tag a register's language cell gives: a tag whose language Babel knows
    (``en``, ``fa``, ``zh-Hans``), or a language's name in English, Persian or Chinese.
    ``English`` is a well-formed tag, of no language: read as one, it tagged every title
    ``@english``, which no page's language matches.

    >>> [language_tag(t) for t in ("fa", "zh-Hans", "Persian", "فارسی", "中文", "Farsi")]
    ['fa', 'zh-Hans', 'fa', 'fa', 'zh', 'fa']
    >>> language_tag("english"), language_tag("Simplified Chinese")
    ('en', 'zh-Hans')
    >>> language_tag("xyzzy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'xyzzy' is not a language lamcoop knows: write its BCP 47 tag (en, fa, ...
    """
    written = text.strip()
    named = _language_names().get(fold(written))
    if named is not None:
        return named
    primary = written.split("-", 1)[0].lower()
    if primary in _known_languages():
        try:
            ox.Literal("x", language=written)
        except ValueError:
            pass
        else:
            return written
    raise ValueError(
        f"{quoted(text)} is not a language lamcoop knows: write its BCP 47 tag (en, fa, zh-Hans) "
        "or its name"
    )


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    """Folded language names in English, Persian and Chinese (Babel's) -> their tags."""
    names = dict(_LANGUAGE_ALIASES)
    for display in ("en", "fa", "zh"):
        for code, name in Locale.parse(display).languages.items():
            names.setdefault(fold(name), code.replace("_", "-"))
    return names


@lru_cache(maxsize=1)
def _known_languages() -> frozenset[str]:
    """The language subtags Babel names (``en``, ``fa``, ``zh``, ``haw``...)."""
    return frozenset(str(code).split("_")[0].lower() for code in Locale.parse("en").languages)
