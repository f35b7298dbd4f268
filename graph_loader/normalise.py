"""The one text normaliser: what search, the text index, reconciliation and the importers
compare, so that what a reader types finds what the data says.

:func:`fold` makes a key from any text: Latin case and accents folded (Unicode NFKD, marks
dropped, case folded); Persian and Arabic letter variants made one (Arabic ي and ى to
Persian ی, ك to ک, ة and ۀ to ه, hamza forms to their bare letter); ZWNJ, ZWJ, tatweel and
Arabic diacritics removed; Persian and Arabic-Indic digits to ASCII; traditional Chinese
to simplified (OpenCC's ``t2s`` table); punctuation to spaces, spaces collapsed.
:func:`grams` cuts Chinese, Japanese and Korean text, which has no word boundaries, into
character bigrams.

>>> fold("Bibliothèque  Nationale-de-France")
'bibliotheque nationale de france'
>>> fold("كتابخانه ملي") == fold("کتابخانه ملی")
True
>>> fold("می\u200cخواهم"), fold("۱۲۳ ١٢٣")
('میخواهم', '123 123')
>>> fold("國家圖書館")
'国家图书馆'
>>> grams("国家图书馆")
['国家', '家图', '图书', '书馆']
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

#: Letters folded to one form (after NFKD has split hamza and madda off their letters).
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
        "\u0629": "\u0647",  # TEH MARBUTA -> HEH
        "\u06c0": "\u0647",  # HEH WITH YEH ABOVE -> HEH
        "\u06c1": "\u0647",  # HEH GOAL -> HEH
        "\u0671": "\u0627",  # ALEF WASLA -> ALEF
        "\u0621": "",  # a lone HAMZA is dropped
        "\u0640": "",  # TATWEEL
        "\u200c": "",  # ZERO WIDTH NON-JOINER
        "\u200d": "",  # ZERO WIDTH JOINER
        "\u200e": "",  # LEFT-TO-RIGHT MARK
        "\u200f": "",  # RIGHT-TO-LEFT MARK
        "\ufeff": "",  # BYTE ORDER MARK
    }
)
_SPACES = re.compile(r"\s+")


def letters(text: str) -> str:
    """``text`` with its Persian and Arabic letter variants made one and its joiners and
    marks of direction removed (the first step of :func:`fold`), nothing else changed: for
    text still to be read, such as a date naming a month.

    >>> letters("24 ارديبهشت 1398") == "24 اردیبهشت 1398", letters("May 14")
    (True, 'May 14')
    """
    return text.translate(_LETTERS)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    """OpenCC's traditional-to-simplified converter (made once, on first use)."""
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """The comparison key of ``text`` (see the module's notes)."""
    lowered = text.lower()
    if _PLAIN.fullmatch(lowered):  # plain ASCII words: nothing else to fold
        return lowered
    if lowered.isascii():  # what the Unicode pass does to ASCII, by one table
        return _SPACES.sub(" ", lowered.translate(_ASCII)).strip()
    return _fold_unicode(text)


def _fold_unicode(text: str) -> str:
    """:func:`fold` of any text, character by character."""
    if _has_cjk(text):
        text = _t2s().convert(text)
    out = []
    for ch in unicodedata.normalize("NFKD", text.translate(_LETTERS)).translate(_LETTERS):
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Me", "Cf", "Cc", "Cs", "Co", "Cn"):
            continue
        if cat == "Nd":
            ch = str(unicodedata.digit(ch, 0))
        elif cat[0] in "PSZ":
            ch = " "
        out.append(ch)
    return _SPACES.sub(" ", "".join(out).casefold()).strip()


#: Han, kana and Hangul characters (written without spaces), as :func:`_cjk` tells them.
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)


def _ascii_table() -> dict[int, str | None]:
    """The Unicode pass of :func:`fold` on each ASCII character (NFKD and case aside):
    controls dropped, punctuation, symbols and spaces made a space."""
    table: dict[int, str | None] = {}
    for code in range(128):
        cat = unicodedata.category(chr(code))
        if cat == "Cc":
            table[code] = None
        elif cat[0] in "PSZ":
            table[code] = " "
    return table


_ASCII = _ascii_table()
#: Text :func:`fold` leaves as it is but for case: ASCII letters, digits and single spaces.
_PLAIN = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _cjk(ch: str) -> bool:
    """Whether ``ch`` is a Han, kana or Hangul character (written without spaces)."""
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def grams(key: str) -> list[str]:
    """The character bigrams of the CJK runs of a folded ``key`` (a lone character stands as
    itself), for matching text that has no word boundaries."""
    out: list[str] = []
    for run in re.findall(r"[^\W\d_a-z]+", key):
        cjk = "".join(ch for ch in run if _cjk(ch))
        if len(cjk) == 1:
            out.append(cjk)
        out += [cjk[i : i + 2] for i in range(len(cjk) - 1)]
    return out


def has_cjk(text: str) -> bool:
    """Whether ``text`` has Chinese, Japanese or Korean characters.

    >>> has_cjk("图书馆 library"), has_cjk("library")
    (True, False)
    """
    return _has_cjk(text)


def squeeze(text: str) -> str:
    """:func:`fold` without spaces: the key of a name matched whole (a register's cell,
    a reconciliation query), where "تفاهم نامه", "تفاهم‌نامه" and "تفاهمنامه", or
    "Fee-for-service" and "fee for service", are one.

    >>> squeeze("تفاهم نامه") == squeeze("تفاهم\u200cنامه") == squeeze("تفاهمنامه")
    True
    >>> squeeze("Fee-for-Service")
    'feeforservice'
    """
    return fold(text).replace(" ", "")


def key_words(key: str) -> list[str]:
    """The words of a folded ``key``: its runs of letters and digits outside Chinese,
    Japanese and Korean text, then the bigrams of that text (:func:`grams`). What the text
    index files each label under, and what reconciliation compares a query's words with.

    >>> key_words(fold("Biblioteca Nacional, 国家图书馆"))
    ['biblioteca', 'nacional', '国家', '家图', '图书', '书馆']
    """
    if _KEY_OF_ASCII.fullmatch(key):  # most keys: words of ASCII letters and digits
        return key.split()
    return [w for w in re.findall(r"\w+", key) if not grams(w)] + grams(key)


_KEY_OF_ASCII = re.compile(r"[a-z0-9 ]*")
