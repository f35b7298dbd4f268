"""What data may become in lamcoop's outputs: the one rule for spreadsheet cells and the one
rule for links. Every CSV lamcoop writes and every page that links an IRI goes through here.

A cell that a spreadsheet would read as a formula (OWASP's CSV-injection rule: it starts with
``=``, ``+``, ``-``, ``@``, TAB or CR) is prefixed with a single quote, so it stays text:

>>> [spreadsheet_cell(v) for v in ("=1+1", "\\t=1+1", "-1", "plain", "")]
["'=1+1", "'\\t=1+1", "'-1", 'plain', '']

Only http(s) IRIs are linked; any other scheme (``javascript:``, ``data:``, ...) is text:

>>> linkable("https://example.org/x"), linkable("HTTP://example.org/"), linkable("javascript:x")
(True, True, False)
>>> linkable(" https://example.org/x"), linkable("https:evil")
(False, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What a spreadsheet cell must not start with (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_LINKABLE = re.compile(r"https?://", re.IGNORECASE)


def spreadsheet_cell(value: str) -> str:
    """``value`` as a cell no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def spreadsheet_row(values: Iterable[str]) -> list[str]:
    """:func:`spreadsheet_cell` of every value of a row."""
    return [spreadsheet_cell(v) for v in values]


def linkable(iri: str) -> bool:
    """Whether a page may make ``iri`` a link target: an absolute http or https IRI."""
    return _LINKABLE.match(iri) is not None
