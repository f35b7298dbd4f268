"""Dates in the Solar Hijri calendar (the Iranian calendar), read as the Gregorian dates they
are: a register kept in Iran dates its agreements ``۱۳۹۸/۰۲/۲۴`` or ``۲۴ اردیبهشت ۱۳۹۸``.

A date that names a Solar Hijri month is read as one whatever the load's calendar; a date in
digits only with ``lamcoop load --calendar solar-hijri`` (a year such as 1440 may be a lunar
Hijri year, which the digits do not tell apart). The conversion is jdatetime's. Only a
whole date converts: a Solar Hijri month or year spans parts of two Gregorian months or
years, which ``xsd:gYearMonth`` and ``xsd:gYear`` cannot say.

>>> named_month_date("۲۴ اردیبهشت ۱۳۹۸", "24 اردیبهشت 1398").value
'2019-05-14'
>>> named_month_date("1 فروردین ماه 1403", "1 فروردین ماه 1403").value
'2024-03-20'
>>> named_month_date("14 May 2019", "14 May 2019") is None
True
>>> gregorian("1398/12/30", 1398, 12, 30)
Traceback (most recent call last):
...
ValueError: '1398/12/30' is not a Solar Hijri date (day is out of range for month)
"""

from __future__ import annotations

import re

import jdatetime
import pyoxigraph as ox

from graph_loader.safe_output import quoted
from graph_loader.vocab import XSD

#: The calendars a register's dates in digits may be read in (``--calendar``).
CALENDARS = ("gregorian", "solar-hijri")
#: The months, in Persian, from the first (Farvardin).
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر",
          "دی", "بهمن", "اسفند")  # fmt: skip
_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
#: A day, a month's name (perhaps followed by ماه, "month") and a year: ۲۴ اردیبهشت ۱۳۹۸.
_DAY_MONTH_YEAR = re.compile(rf"(\d{{1,2}})\s+({_NAMES})(?:\s+ماه)?\s+(\d{{4}})")
#: A month's name anywhere: a date that names one is this calendar's.
_ANY_MONTH = re.compile(rf"(?<![^\s\d/.,-])({_NAMES})(?![^\s\d/.,-])")


def named_month_date(given: str, text: str) -> ox.Literal | None:
    """The Gregorian date of ``text`` (``given`` with ASCII digits and Persian letters) when
    it names a Solar Hijri month; ``None`` when it names none. A month or a year without
    its day is an error: it spans two Gregorian months."""
    named = _ANY_MONTH.search(text)
    if named is None:
        return None
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found is None:
        raise ValueError(
            f"{quoted(given)} is a Solar Hijri date ({named.group(1)}) without its day, or not one "
            "lamcoop reads: write the day, month and year (۲۴ اردیبهشت ۱۳۹۸), or the "
            "Gregorian date"
        )
    day, month, year = found.groups()
    return gregorian(given, int(year), MONTHS.index(month) + 1, int(day))


def gregorian(given: str, year: int, month: int, day: int) -> ox.Literal:
    """The Solar Hijri date ``year``/``month``/``day`` as a Gregorian ``xsd:date``."""
    try:
        converted = jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise ValueError(f"{quoted(given)} is not a Solar Hijri date ({exc})") from None
    return ox.Literal(converted.isoformat(), datatype=XSD.date)
