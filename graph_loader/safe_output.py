"""What data may become in lamcoop's outputs: the one rule for spreadsheet cells, for values
quoted in messages and for links. Every CSV lamcoop writes, every importer's message about a
cell and every page that links an IRI goes through here.

A cell that a spreadsheet would read as a formula (OWASP's CSV-injection rule: it starts with
``=``, ``+``, ``-``, ``@``, TAB or CR) is prefixed with a single quote, so it stays text:

>>> [spreadsheet_cell(v) for v in ("=1+1", "\\t=1+1", "-1", "plain", "")]
["'=1+1", "'\\t=1+1", "'-1", 'plain', '']

A value quoted in a message (:func:`quoted`) shows what a reader cannot see, as Python's
``repr`` does (controls, bidirectional overrides, line breaks, no-break spaces), but keeps the
zero-width joiner and non-joiner, which are letters' shapes in Persian and other scripts:

>>> quoted("بی\\u200cپایان") == "'بی\\u200cپایان'"
True
>>> print(quoted("a\\u202eb"), quoted("it's"), quoted("x\\ty"), quoted("a\\\\u200cb"))
'a\\u202eb' "it's" 'x\\ty' 'a\\\\u200cb'

Only http(s) IRIs are linked; any other scheme (``javascript:``, ``data:``, ...) is text:

>>> linkable("https://example.org/x"), linkable("HTTP://example.org/"), linkable("javascript:x")
(True, True, False)
>>> linkable(" https://example.org/x"), linkable("https:evil")
(False, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

#: What a spreadsheet cell must not start with (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_LINKABLE = re.compile(r"https?://", re.IGNORECASE)


def spreadsheet_cell(value: str) -> str:
    """``value`` as a cell no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_row(values: Iterable[str]) -> list[str]:
    """:func:`spreadsheet_cell` of every value of a row."""
    return [spreadsheet_cell(v) for v in values]


#: Invisible characters a message keeps as they are: ZWNJ and ZWJ shape words (Persian
#: بی‌پایان, Kurdish, Hindi conjuncts); escaped, a Persian name reads as ``بی\\u200cپایان``.
JOINERS = frozenset("\u200c\u200d")


def quoted(value: object) -> str:
    """``value`` in quotes for a message: as ``repr`` writes it, :data:`JOINERS` kept in text.

    >>> quoted(None), quoted(b"x"), quoted(12)
    ('None', "b'x'", '12')
    """
    if not isinstance(value, str):
        return repr(value)
    quote = '"' if "'" in value and '"' not in value else "'"
    return quote + "".join(_shown(c, quote) for c in value) + quote


def _shown(char: str, quote: str) -> str:
    if char in JOINERS or (char.isprintable() and char not in (quote, "\\")):
        return char
    return "\\" + char if char in (quote, "\\") else repr(char)[1:-1]


_BEYOND_LATIN1 = re.compile(r"[^\x00-\xff]+")


def header_value(value: str) -> str:
    """``value`` as an HTTP header can carry it (Latin-1): each run of characters beyond
    Latin-1 percent-encoded as UTF-8, as an IRI becomes its URI (RFC 3987). A header that
    cannot be encoded fails the whole response (an empty reply to the client).

    >>> header_value('<https://e/ملی>; rel="describes"'), header_value("café")
    ('<https://e/%D9%85%D9%84%DB%8C>; rel="describes"', 'café')
    """
    return _BEYOND_LATIN1.sub(lambda found: quote(found.group(), safe=""), value)


def linkable(iri: str) -> bool:
    """Whether a page may make ``iri`` a link target: an absolute http or https IRI."""
    return _LINKABLE.match(iri) is not None
