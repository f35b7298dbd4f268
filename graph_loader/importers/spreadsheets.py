"""Registers kept as spreadsheets: XLSX (openpyxl) and ODS (odfpy), the first sheet read.

The first row names the columns, as in CSV. Each row becomes a :class:`Row` whose place is
``Sheet1!7`` and whose cells' places are ``Sheet1!D7``, so that every error names sheet,
row and column. Cell values are text as a person sees them: a date cell is its ISO date, a
whole number has no ``.0``, a boolean is ``true``/``false``.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any

from graph_loader.importers.common import ImportFailed, Problem, Row
from graph_loader.importers.register_header import (
    MAX_ABOVE,
    Naming,
    column_name,
    find_header,
    merged,
)

SUFFIXES = (".xlsx", ".ods")
#: What a formula cell with no saved value is refused with (a workbook written by a program
#: that does not compute formulas: openpyxl, many exporters). Read as empty, it would be an
#: undocumented component the register in fact gives.
UNSAVED = (
    "a formula with no saved value ({formula}): open and save the workbook in a spreadsheet "
    "program, which saves each formula's value, or write the value itself"
)


class Unsaved(str):
    """A formula cell whose value the workbook does not hold (the text is the formula)."""


#: The most bytes a workbook's parts may unpack to: a zip bomb is refused, not unpacked.
MAX_UNPACKED = 256 << 20


def column_letter(index: int) -> str:
    """The spreadsheet name of the 0-based column ``index``.

    >>> column_letter(0), column_letter(3), column_letter(26), column_letter(701)
    ('A', 'D', 'AA', 'ZZ')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell's value as the text a person sees.

    >>> cell_text(dt.datetime(2019, 5, 14)), cell_text(50000.0), cell_text(0.1), cell_text(True)
    ('2019-05-14', '50000', '0.1', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()


def spreadsheet_rows(
    data: bytes,
    path: Path,
    check: Callable[[list[str], str], None],
    extra: str,
    *,
    column: Naming = column_name,
) -> Iterator[Row]:
    """The rows of the register's sheet of the workbook ``data`` (:func:`_register_sheet`);
    ``check`` vets the header (its names as written, and its place ``Sheet1!1``)."""
    _refuse_bombs(data, path)
    sheets = _xlsx(data, path) if path.suffix.lower() == ".xlsx" else _ods(data, path)
    sheet, top, rows, above = _register_sheet(sheets, column)
    if not top:
        raise ImportFailed(f"{path}: {sheet}!1: the sheet is empty; row 1 must name the columns")
    written = [cell_text(v) for v in top[above]]
    while written and not written[-1]:
        written.pop()
    check(written, f"{sheet}!{above + 1}")
    header = [column(name) for name in written]
    for number, values in enumerate(chain(top[above + 1 :], rows), start=above + 2):
        texts = [cell_text(v) for v in values]
        while texts and not texts[-1]:
            texts.pop()
        if not any(texts):
            continue
        unsaved = {
            name: Problem(name, UNSAVED.format(formula=value[:80]))
            for name, value in zip(header, values, strict=False)
            if isinstance(value, Unsaved)
        }
        found: dict[str, Any] = merged(
            header, [t if n not in unsaved else "" for n, t in zip(header, texts, strict=False)]
        )
        places: dict[str, str] = {}
        for i, name in enumerate(header):  # a column given in several: its first cell
            places.setdefault(name, f"{sheet}!{column_letter(i)}{number}")
        if len(texts) > len(header):
            found[extra] = f"{len(texts)} cells but the header names {len(header)} columns"
            places[extra] = f"{sheet}!{column_letter(len(header))}{number}"
        row = Row(f"{sheet}!{number}", found, "\t".join(texts), places, list(unsaved.values()))
        yield row


def _register_sheet(
    sheets: Iterator[tuple[str, Iterator[tuple[Any, ...]]]], column: Naming
) -> tuple[str, list[tuple[Any, ...]], Iterator[tuple[Any, ...]], int]:
    """The sheet holding the register: the first whose first rows name ``id`` (a workbook
    may open with a sheet of instructions), else the first sheet; with its first rows, the
    rest, and the index of its header among the first rows."""
    first = None
    for name, rows in sheets:
        top = list(islice(rows, MAX_ABOVE + 1))
        found = find_header([[cell_text(v) for v in values] for values in top], column=column)
        if found is not None:
            return name, top, rows, found
        first = first or (name, top, rows, 0)
    assert first is not None  # the readers refuse a workbook without sheets
    return first


def _refuse_bombs(data: bytes, path: Path) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        kind = path.suffix.lower().lstrip(".").upper()
        raise ImportFailed(f"{path}: not an {kind} workbook (not a zip archive)") from None
    if unpacked > MAX_UNPACKED:
        raise ImportFailed(
            f"{path}: the workbook unpacks to {unpacked} bytes, over {MAX_UNPACKED}; "
            "save the register as CSV"
        )


def _xlsx(data: bytes, path: Path) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    import openpyxl

    try:  # the saved values, and the formulas (read again) for the cells with none
        books = [
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=values)
            for values in (True, False)
        ]
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ImportFailed(f"{path}: not a readable XLSX workbook: {exc}") from None
    if not books[0].worksheets:
        raise ImportFailed(f"{path}: the workbook has no sheet")
    for saved, written in zip(books[0].worksheets, books[1].worksheets, strict=True):
        # One sheet read twice: the same rows, each as long in both readings.
        pairs = zip(
            saved.iter_rows(values_only=True), written.iter_rows(values_only=True), strict=True
        )
        yield saved.title, (tuple(map(_saved, *pair)) for pair in pairs)


def _saved(value: Any, written: Any) -> Any:
    """A cell's saved value, or :class:`Unsaved` when it is a formula the workbook holds
    no value of."""
    if value is None and isinstance(written, str) and written.startswith("="):
        return Unsaved(written)
    return value


def _ods(data: bytes, path: Path) -> Iterator[tuple[str, Iterator[tuple[Any, ...]]]]:
    from odf.opendocument import load
    from odf.table import Table

    try:
        document = load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises many kinds for a broken document
        raise ImportFailed(f"{path}: not a readable ODS spreadsheet: {exc}") from None
    tables = document.spreadsheet.getElementsByType(Table) if document.spreadsheet else []
    if not tables:
        raise ImportFailed(f"{path}: the spreadsheet has no sheet")
    for table in tables:
        yield str(table.getAttribute("name")), _ods_rows(table)


def _ods_rows(table: Any) -> Iterator[tuple[Any, ...]]:
    from odf.table import TableCell, TableRow

    for row in table.getElementsByType(TableRow):
        values: list[Any] = []
        for cell in row.getElementsByType(TableCell):
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            value = _ods_value(cell)
            values.extend([value] * (min(repeat, 1024) if value is not None else repeat))
        while values and values[-1] is None:
            values.pop()
        repeat_rows = int(row.getAttribute("numberrowsrepeated") or 1)
        for _ in range(min(repeat_rows, 1) if not values else repeat_rows):
            yield tuple(values)


def _ods_value(cell: Any) -> Any:
    kind = cell.getAttribute("valuetype")
    formula = cell.getAttribute("formula")
    if formula and not kind:
        return Unsaved(formula)
    if kind in ("float", "currency", "percentage"):
        return Decimal(cell.getAttribute("value"))
    if kind == "date":
        return cell.getAttribute("datevalue")[:10]
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    text = "\n".join(str(p) for p in cell.childNodes if p.qname[1] == "p")
    return text or None
