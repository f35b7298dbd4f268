"""Where a table's header is and what its names say, as people write spreadsheets.

A register's first rows are often a title ("Cooperation agreements, 2024"), a note or a blank
line, and its columns are named in words: "Funding model", "Open-ended", "Budget amount".
The header is the first row, among the first ``MAX_ABOVE + 1``, with a cell naming ``id``
(the one column every register has); the rows above it are no agreements and are not read.
When no row names ``id`` the first row is the header, and its problems are named there.
A column name is compared in lower case, its spaces and hyphens read as underscores.

>>> column_name(" Funding model "), column_name("Open-ended"), column_name("DATA  protection")
('funding_model', 'open_ended', 'data_protection')
>>> header_index([["Register, 2024"], [], ["ID", "Title"], ["a-1", "First"]])
2
>>> header_index([["item", "isil"], ["Q1", "DE-1"]])
0
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from graph_loader.importers.common import table_delimiter
from graph_loader.normalise import squeeze

#: How many rows above the header (a title, notes, blank lines) a table may have.
MAX_ABOVE = 10
#: The column every register names.
KEY = "id"
#: How a header's cell is read as a column's name.
Naming = Callable[[str], str]
#: The most characters of a line read to look for the header (a header is far shorter;
#: the rest of a longer line is read with its record, under the cell limits).
LINE_LIMIT = 65536


def column_name(text: str) -> str:
    """A column's name as the importers know it: lower case, spaces and hyphens as ``_``."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@dataclass(frozen=True)
class ColumnNames:
    """How a header names a table's columns: by a column's own name (:func:`column_name`),
    or by a label (``labels``: the label folded by :func:`~graph_loader.normalise.squeeze`
    -> the column). Called with a header's cell, it gives the column the cell names, else the
    cell's :func:`column_name` (which :attr:`known` then lacks).

    >>> names = ColumnNames(frozenset({"id", "parties"}), {squeeze("طرف‌ها"): "parties"})
    >>> names("ID"), names("طرف ها"), names("Notes"), names("Parties 2"), names("طرف‌ها ۳")
    ('id', 'parties', 'notes', 'parties', 'parties')
    """

    known: frozenset[str]
    labels: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, written: str) -> str:
        name = self._named(written)
        if name in self.known:
            return name
        bare = _NUMBERED.sub("", written.strip())  # "Party 1", "Party 2": parties
        again = self._named(bare) if bare and bare != written.strip() else name
        return again if again in self.known else name

    def _named(self, written: str) -> str:
        name = column_name(written)
        return name if name in self.known else self.labels.get(squeeze(written), name)


#: A number ending a column's name ("Party 1", "partner_2", "Area #3").
_NUMBERED = re.compile(r"[\s_\-#.]*\d+$")


def merged(header: Sequence[str], values: Sequence[str]) -> dict[str, str]:
    """A row's cells by column; the cells of a column the header names more than once
    ("Party 1", "Party 2") are joined by ``;``, as several values of it.

    >>> merged(["id", "parties", "parties", "parties"], ["x", "a", "", "b"])
    {'id': 'x', 'parties': 'a; b'}
    """
    found: dict[str, str] = {}
    for name, value in zip(header, values, strict=False):
        if not found.get(name):
            found[name] = value
        elif value.strip():
            found[name] = f"{found[name]}; {value}"
    return found


def header_index(rows: Sequence[Sequence[str]], *, column: Naming = column_name) -> int:
    """The index of the header among the first rows of a table (0 when none names ``id``)."""
    found = find_header(rows, column=column)
    return 0 if found is None else found


def find_header(rows: Sequence[Sequence[str]], *, column: Naming = column_name) -> int | None:
    """The index of the first of the first rows with a cell naming ``id`` (as ``column``
    reads a cell), if one has."""
    for index, cells in enumerate(rows[: MAX_ABOVE + 1]):
        if any(column(cell) == KEY for cell in cells):
            return index
    return None


def head_lines(head: str, handle: TextIO) -> list[str]:
    """The first line of a table (``head`` and the rest of its line) and up to
    :data:`MAX_ABOVE` more, each of at most :data:`LINE_LIMIT` characters: the last may
    stop within its line, whose rest is still in ``handle``.

    >>> import io
    >>> head_lines("ti", io.StringIO("tle\\n\\nid,x\\n"))
    ['title\\n', '\\n', 'id,x\\n']
    """
    lines = [head + handle.readline()]
    while len(lines) <= MAX_ABOVE and lines[-1].endswith(("\n", "\r")):
        more = handle.readline(LINE_LIMIT)
        if not more:
            break
        lines.append(more)
    return lines


def line_cells(line: str, suffix: str) -> list[str]:
    """The cells of one line of a CSV or TSV table, split by its own separator
    (:func:`~graph_loader.importers.common.table_delimiter`), to find the header; none for
    a line csv cannot split (a cell past its limit: that line is no header)."""
    try:
        return next(csv.reader([line], delimiter=table_delimiter(line, suffix)), [])
    except csv.Error:
        return []
