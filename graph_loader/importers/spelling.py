"""Dates and amounts as people write them in a register, read into typed RDF values.

A bad or ambiguous cell raises ``ValueError`` saying why (and, for an ambiguous date, both
readings). Persian (۰-۹) and Arabic-Indic (٠-٩) digits are digits.

>>> person_date("14 May 2019").value, person_date("March 2021").value
('2019-05-14', '2021-03')
>>> person_date("14/05/2019").value, person_date("05/14/2019").value
('2019-05-14', '2019-05-14')
>>> person_date("۱۴۰۱/۰۲/۲۴")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: '۱۴۰۱/۰۲/۲۴' is year 1401, before 1500: a Solar Hijri year? ... --calendar solar-hijri
>>> person_date("۱۴۰۱/۰۲/۲۴", calendar="solar-hijri").value
'2022-05-14'
>>> person_date("03/04/2021")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: '03/04/2021' is ambiguous: 2021-04-03 (day/month) or 2021-03-04 (month/day); ...
>>> person_date("03/04/2021", order="mdy").value
'2021-03-04'
>>> amount("€50,000"), amount("1.250,50 EUR"), amount("300,000元"), amount("۵۰٬۰۰۰ ریال")
(('50000', 'EUR'), ('1250.5', 'EUR'), ('300000', 'CNY'), ('50000', 'IRR'))
>>> amount("۱۲٬۰۰۰٫۵ ریال"), amount("۰٫۵")
(('12000.5', 'IRR'), ('0.5', None))
>>> amount("50万元"), amount("1.2 million USD"), amount("۵۰ میلیون ریال"), amount("人民币1.5亿元")
(('500000', 'CNY'), ('1200000', 'USD'), ('50000000', 'IRR'), ('150000000', 'CNY'))
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import pyoxigraph as ox

from graph_loader.importers import solar_hijri
from graph_loader.importers.cells import date_literal, decimal_literal
from graph_loader.normalise import letters
from graph_loader.safe_output import quoted
from graph_loader.vocab import XSD

#: The orders a ``DD/MM/YYYY``-style date may be read in (``--date-order``).
DATE_ORDERS = ("dmy", "mdy")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
#: The Gregorian months as Persian writes them (۱۴ مه ۲۰۱۹), read like the English names.
MONTHS.update({
    name: number
    for number, names in enumerate(
        (
            ("ژانویه",), ("فوریه",), ("مارس",), ("آوریل",), ("مه", "می"), ("ژوئن",),
            ("ژوئیه", "جولای"), ("اوت", "آگوست"), ("سپتامبر",), ("اکتبر",), ("نوامبر",),
            ("دسامبر",),
        ),
        start=1,
    )
    for name in names
})  # fmt: skip
#: A date as Chinese writes it: 2019年5月14日, 2019年5月, 2019年 (also with 号 for the day).
_CHINESE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?)?")
#: Chinese numerals, for dates written in them (二〇一九年五月十四日).
_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CHINESE_NUMBER = re.compile(r"[〇零一二三四五六七八九十]+")
#: A time of day after a date, as a database or a program's export writes a date (2019-05-14
#: 00:00:00, 2019-05-14T00:00:00Z).
_TIME = re.compile(
    r"(.+?)(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
)
#: Currency symbols and words -> ISO 4217. ``¥`` is read as the yuan (CNY), as ``元``; write
#: JPY for the yen.
CURRENCY_SIGNS = {
    "€": "EUR", "$": "USD", "us$": "USD", "£": "GBP", "¥": "CNY", "￥": "CNY", "元": "CNY",
    "人民币": "CNY", "rmb": "CNY", "ریال": "IRR", "﷼": "IRR", "rial": "IRR", "rials": "IRR",
}  # fmt: skip
_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
# Between a day, a month's name and a year: spaces, or hyphens as Excel writes 14-May-2019.
_DAY_MONTH_YEAR = re.compile(
    rf"(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+|-)({_MONTH_NAME})\.?,?(?:\s+|-)(\d{{4}})"
)
_MONTH_DAY_YEAR = re.compile(rf"({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})")
_MONTH_YEAR = re.compile(rf"({_MONTH_NAME})\.?,?(?:\s+|-)(\d{{4}})")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
#: The year first, then the month and day, with one separator, unpadded as spreadsheet
#: programs write dates in Chinese settings (2019/5/14) or ISO's dashes (2019-5-4).
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})(?:\2(\d{1,2}))?")
#: A date whose year has two digits (14-May-19, May-19, 5/14/19, Excel's defaults): which
#: century it means the cell does not say.
_TWO_DIGIT_YEAR = re.compile(
    rf"(?:\d{{1,2}}[\s/.-])?(?:{_MONTH_NAME}|\d{{1,2}})\.?,?[\s/.-]+(\d{{2}})"
)
_AMOUNTS = (
    "digits, thousands grouped by ',' and a '.' decimal part (e.g. 125,000.50), perhaps "
    "in thousands or millions (1.2 million, 50万), with an optional currency such as €, $, "
    "¥, 元, ریال or EUR"
)
_GROUPED = re.compile(r"\d{1,3}(?:[, \u00a0\u202f\u066c']\d{3})+(?:\.\d+)?")
_GROUPED_EU = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def ascii_digits(text: str) -> str:
    """Every decimal digit (Persian, Arabic-Indic, full-width...) as its ASCII digit.

    >>> ascii_digits("۲۰۱۹-۰۵-۱۴ ٢٠١٩")
    '2019-05-14 2019'
    """
    return "".join(
        str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in text
    )


def person_date(text: str, *, order: str | None = None, calendar: str = "gregorian") -> ox.Literal:
    """A date as people write it, as xsd:date, xsd:gYearMonth or xsd:gYear.

    ISO ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, also unpadded or with ``/`` or ``.``
    (``2019/5/14``); ``14 May 2019``, ``14-May-2019``, ``May 14, 2019``, ``March 2021``
    (English month names, abbreviated or not, and Persian: ``۱۴ مه ۲۰۱۹``); ``2019年5月14日``
    (also in Chinese numerals); ``DD/MM/YYYY`` or ``MM/DD/YYYY`` (also with ``.``) when
    only one reading is a date, or as ``order`` says; any of them followed by a midnight
    time (``2019-05-14 00:00:00``, as exports write dates). A date naming a Solar Hijri month
    (``۲۴ اردیبهشت ۱۳۹۸``) is that calendar's (:mod:`~graph_loader.importers.solar_hijri`),
    as is one in digits before the year 1500 when ``calendar`` is ``solar-hijri``
    (``1398/02/24``). A two-digit year and another time of day are refused as such.

    >>> [person_date(d).value for d in ("2019/5/14", "2019.05", "1-Jan-2020", "May-2019")]
    ['2019-05-14', '2019-05', '2020-01-01', '2019-05']
    >>> [person_date(d).value for d in ("2019年5月14日", "二〇一九年五月", "۱۴ مه ۲۰۱۹")]
    ['2019-05-14', '2019-05', '2019-05-14']
    >>> person_date("2019-05-14 00:00:00").value, person_date("14/05/2019T00:00Z").value
    ('2019-05-14', '2019-05-14')
    """
    given = text
    text = _without_midnight(given, " ".join(ascii_digits(text).strip().split()))
    text = _from_chinese(letters(text))
    if (solar := solar_hijri.named_month_date(given, text)) is not None:
        return solar
    if found := _YEAR_FIRST.fullmatch(text):
        year, month, day = found.group(1), int(found.group(3)), found.group(4)
        text = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        if int(text[:4]) < 1500:
            return _early(given, text, calendar)
        try:
            return date_literal(text)
        except ValueError as exc:  # named as the cell writes it
            raise ValueError(str(exc).replace(quoted(text), quoted(given), 1)) from None
    lower = text.lower()
    if found := _DAY_MONTH_YEAR.fullmatch(lower):
        day, month, year = found.group(1), MONTHS[found.group(2)], found.group(3)
        return _ymd(given, int(year), month, int(day))
    if found := _MONTH_DAY_YEAR.fullmatch(lower):
        month, day, year = MONTHS[found.group(1)], found.group(2), found.group(3)
        return _ymd(given, int(year), month, int(day))
    if found := _MONTH_YEAR.fullmatch(lower):
        return ox.Literal(f"{found.group(2)}-{MONTHS[found.group(1)]:02d}", datatype=XSD.gYearMonth)
    if found := _NUMERIC.fullmatch(text):
        return _numeric(given, *(int(g) for g in found.groups()), order=order)
    if found := _TWO_DIGIT_YEAR.fullmatch(lower):
        short = found.group(1)
        raise ValueError(
            f"{quoted(given)} has a two-digit year: write it in full (20{short} or 19{short}?), "
            "as in 2019-05-14 or 14 May 2019"
        )
    raise ValueError(
        f"{quoted(given)} is not a date lamcoop reads: write 2019-05-14, 2019-05, 2019, "
        "14 May 2019, May 2019 or 14/05/2019"
    )


def _without_midnight(given: str, text: str) -> str:
    """``text`` without a time of day that is midnight (a date exported as a date-time);
    another time is refused: a register's dates are days."""
    found = _TIME.fullmatch(text)
    if found is None or not re.search(r"\d", found.group(1)):
        return text
    if any(int(part or 0) for part in found.group(2, 3, 4)):
        raise ValueError(
            f"{quoted(given)} has a time of day: write the date alone, as in 2019-05-14"
        )
    return found.group(1)


def _from_chinese(text: str) -> str:
    """A date as Chinese writes it (:data:`_CHINESE`, in digits or Chinese numerals) as
    ``YYYY[-MM[-DD]]``; any other text as it is."""
    if "年" not in text:
        return text
    text = _CHINESE_NUMBER.sub(lambda m: str(_chinese_number(m.group())), text)
    found = _CHINESE.fullmatch(text)
    if found is None:
        return text
    year, month, day = found.groups()
    return year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")


def _chinese_number(numeral: str) -> int:
    """A number in Chinese numerals: digit by digit (二〇一九), or with 十 (十四, 二十三).

    >>> [_chinese_number(n) for n in ("二〇一九", "五", "十", "十四", "二十", "三十一")]
    [2019, 5, 10, 14, 20, 31]
    """
    if "十" not in numeral:
        return int(numeral.translate(_CHINESE_DIGITS))
    tens, _, units = numeral.partition("十")
    return int(tens.translate(_CHINESE_DIGITS) or 1) * 10 + int(
        units.translate(_CHINESE_DIGITS) or 0
    )


def _early(given: str, text: str, calendar: str) -> ox.Literal:
    """A date in digits whose year is before 1500 (``text``: ``YYYY[-MM[-DD]]``): in the
    Solar Hijri calendar, the Gregorian date it is; else an error saying what it likely is."""
    if calendar != "solar-hijri":
        raise ValueError(
            f"{quoted(given)} is year {text[:4]}, before 1500: a Solar Hijri year? Write the "
            "Gregorian date, or load with --calendar solar-hijri"
        )
    if len(text) < 10:
        raise ValueError(
            f"{quoted(given)} is a Solar Hijri year or month without its day: it spans two "
            "Gregorian ones; write the whole date (1398/02/24)"
        )
    return solar_hijri.gregorian(given, int(text[:4]), int(text[5:7]), int(text[8:10]))


def _ymd(given: str, year: int, month: int, day: int) -> ox.Literal:
    try:
        return ox.Literal(dt.date(year, month, day).isoformat(), datatype=XSD.date)
    except ValueError as exc:
        raise ValueError(f"{quoted(given)} is not a valid date ({exc})") from None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _numeric(given: str, first: int, second: int, year: int, *, order: str | None) -> ox.Literal:
    if order == "dmy":
        return _ymd(given, year, second, first)
    if order == "mdy":
        return _ymd(given, year, first, second)
    day_month, month_day = _valid(year, second, first), _valid(year, first, second)
    if day_month and month_day and day_month != month_day:
        raise ValueError(
            f"{quoted(given)} is ambiguous: {day_month} (day/month) or {month_day} (month/day); "
            f"write {day_month} or set the order (--date-order dmy or mdy)"
        )
    chosen = day_month or month_day
    if chosen is None:
        raise ValueError(f"{quoted(given)} is not a valid date, read day/month or month/day")
    return ox.Literal(chosen, datatype=XSD.date)


def amount(text: str) -> tuple[str, str | None]:
    """(canonical decimal, ISO 4217 code or ``None``) of an amount such as ``€50,000``,
    ``50 000 EUR``, ``$1,200.50``, ``1.250,50 €``, ``300,000元``, ``50,000 ریال``.

    Thousands are grouped by ``,``, ``.``, spaces, ``'`` or the Arabic separator ``٬``; the
    decimal mark is ``.`` or ``٫`` (``۱۲٬۰۰۰٫۵``, as Persian writes it), or ``,`` after
    ``.``-grouped thousands (``1.250,50``). A
    bare ``1,500`` is fifteen hundred; ``1,5`` and ``1.500`` are errors (two readings). A
    word for thousands or millions may follow the number (:data:`MAGNITUDES`: ``1.2
    million``, ``50万元``, ``۵۰ میلیون ریال``). Two signs of one currency are one
    (``人民币50万元``); an amount in tomans and a negative amount are errors saying so.
    """
    given = text
    text = ascii_digits(text).replace("\u066b", ".").strip()  # Persian's decimal mark
    if re.match(r"[-\u2212(]", text):
        raise ValueError(f"{quoted(given)} is negative: a budget is an amount to spend")
    text, times = _magnitude(text)
    number, code = _split_currency(given, text)
    if re.fullmatch(r"\d{1,3}\.\d{3}", number):
        raise ValueError(
            f"{quoted(given)} is ambiguous: {number.replace('.', '')} with '.' grouping thousands, "
            f"or {number}; write {number.replace('.', '')} or {number}0"
        )
    if not number:
        raise ValueError(f"{quoted(given)} is not a decimal amount: {_AMOUNTS}")
    if re.fullmatch(r"\d+(\.\d+)?", number):
        plain = number
    elif _GROUPED.fullmatch(number):
        plain = re.sub(r"[, \u00a0\u202f\u066c']", "", number)
    elif _GROUPED_EU.fullmatch(number):
        plain = number.replace(".", "").replace(",", ".")
    else:
        raise ValueError(f"{quoted(given)} is not a decimal amount: {_AMOUNTS}")
    return decimal_literal(plain).value if times == 1 else _times(plain, times), code


#: Words for thousands, millions and more after an amount's number (``1.2 million``,
#: ``50万元``, ``۵۰ میلیون ریال``), and what each multiplies it by.
MAGNITUDES = {
    "thousand": 10**3, "k": 10**3, "million": 10**6, "millions": 10**6, "mn": 10**6,
    "m": 10**6, "mio": 10**6, "billion": 10**9, "bn": 10**9, "هزار": 10**3,
    "میلیون": 10**6, "میلیارد": 10**9, "千": 10**3, "万": 10**4, "萬": 10**4,
    "百万": 10**6, "亿": 10**8, "億": 10**8,
}  # fmt: skip
#: A number, then a magnitude word, then no digit: matched whole, in one pass (a search
#: for the word after every digit took minutes on a 100,000-character cell).
_MAGNITUDE = re.compile(
    r"(?P<head>\D*\d[\d\s.,'\u00a0\u202f\u066c]*)(?P<word>"
    + "|".join(sorted(map(re.escape, MAGNITUDES), key=len, reverse=True))
    + r")(?![A-Za-z\u0600-\u06ff])(?P<tail>\D*)",
    re.IGNORECASE,
)


def _magnitude(text: str) -> tuple[str, int]:
    """``text`` without a word for thousands or millions after its number, and what that
    word multiplies the number by (1 when there is none)."""
    found = _MAGNITUDE.fullmatch(text)
    if found is None:
        return text, 1
    return found["head"] + found["tail"], MAGNITUDES[found["word"].lower()]


def _times(plain: str, times: int) -> str:
    """The decimal ``plain`` multiplied by ``times``, as a canonical decimal."""
    product = Decimal(plain) * times
    return decimal_literal(format(product.normalize(), "f")).value


def _split_currency(given: str, text: str) -> tuple[str, str | None]:
    """The number and the currency of an amount cell (sign or code, before or after)."""
    found = re.fullmatch(r"(?P<pre>[^\d\s.,]*)\s*(?P<num>[\d][\d\s.,'\u00a0\u202f\u066c]*?)"
                         r"\s*(?P<post>[^\d\s.,]*)", text)  # fmt: skip
    if found is None:
        return "", None
    codes = {_currency(given, sign) for sign in (found["pre"], found["post"]) if sign}
    if len(codes) > 1:
        raise ValueError(f"{quoted(given)} names two currencies ({', '.join(sorted(codes))})")
    return found["num"], next(iter(codes), None)


def _currency(given: str, sign: str) -> str:
    """The ISO 4217 code of a currency's sign, word or code in an amount cell."""
    if sign == "تومان":
        raise ValueError(
            f"{quoted(given)} is in tomans: a toman is ten rials; "
            "write the amount in rials (ریال, IRR)"
        )
    code = CURRENCY_SIGNS.get(sign.lower())
    if code is None and re.fullmatch(r"[A-Za-z]{3}", sign):
        code = sign.upper()
    if code is None:
        raise ValueError(
            f"{quoted(given)}: unknown currency {quoted(sign)} "
            "(a sign €, $, £, ¥, 元, ریال or an ISO 4217 code such as EUR)"
        )
    return code
