"""The tally of an import (rows loaded, merged, rejected) and its report of rejected rows.

The report is CSV: one line per problem, with the file, where the row is (CSV line, JSON
path or spreadsheet cell ``Sheet1!D7``), the field, the reason, what was done (``rejected``:
the row was not loaded;
``left out``: the row was loaded without that value) and the row as the file gave it. A cell a
spreadsheet would run as a formula is prefixed with ``'``
(:func:`~graph_loader.safe_output.spreadsheet_cell`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from graph_loader.importers.common import Outcome, Problem, Row
from graph_loader.safe_output import spreadsheet_row

REPORT_COLUMNS = ("file", "line", "field", "reason", "action", "row")
#: How many problems an error message lists before pointing at the report.
SHOWN = 50


@dataclass
class Tally:
    """What happened to each row of one file."""

    source: str
    rows: int = 0
    loaded: int = 0
    merged: int = 0
    rejected: list[tuple[Row, list[Problem]]] = field(default_factory=list)
    dropped: list[tuple[Row, list[Problem]]] = field(default_factory=list)

    def accept(self, row: Row, outcome: Outcome) -> None:
        if outcome.merged:
            self.merged += 1
        else:
            self.loaded += 1
        if outcome.dropped:
            self.dropped.append((row, outcome.dropped))

    def reject(self, row: Row, problems: list[Problem]) -> None:
        self.rejected.append((row, problems))

    def lines(self, action: str = "rejected") -> list[str]:
        """``file:where: field: reason`` for every problem of ``action``."""
        entries = self.rejected if action == "rejected" else self.dropped
        return [
            f"{self.source}:{row.place(p.field)}: {p.field}: {shown(p.reason)}"
            for row, problems in entries
            for p in problems
        ]

    def summary(self) -> str:
        text = (
            f"{self.rows} {'row' if self.rows == 1 else 'rows'}: {self.loaded} loaded, "
            f"{self.merged} merged, "
            f"{len(self.rejected)} rejected"
        )
        left_out = sum(len(p) for _, p in self.dropped)
        return text + (f", {left_out} values left out" if left_out else "")


def write_report(tally: Tally, path: Path) -> Path:
    """Write every rejected row and left-out value of ``tally`` to the CSV file ``path``,
    UTF-8 with a byte order mark: the report is for a person to open in the spreadsheet
    program the register came from, and Excel reads a CSV without one in the system's code
    page, which turns Persian and Chinese rows into other letters (the importers skip it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for action, entries in (("rejected", tally.rejected), ("left out", tally.dropped)):
            for row, problems in entries:
                for p in problems:
                    cells = [tally.source, row.place(p.field), p.field, p.reason, action, row.raw]
                    writer.writerow(spreadsheet_row(cells))
    return path


def rejection_message(tally: Tally, report: Path | None) -> str:
    """The error a user reads when bad rows stopped the load."""
    lines = tally.lines()
    head = (
        f"{tally.source}: {len(tally.rejected)} of {tally.rows} rows are invalid; "
        "nothing was loaded (--skip-invalid loads the others)"
    )
    shown = lines[:SHOWN]
    if len(lines) > SHOWN:
        shown.append(f"... and {len(lines) - SHOWN} more")
    if report is not None:
        shown.append(f"every rejected row is in {report}")
    return "\n".join([head, *shown])


#: The longest reason a line shows whole; a longer one (it quotes a long cell) is cut in
#: its middle. The rejected rows' file keeps every cell whole.
SHOWN_CHARS = 400


def shown(reason: str) -> str:
    """``reason`` as a line shows it: whole, or its start and end around how much of it
    was left out.

    >>> shown("x" * 10)
    'xxxxxxxxxx'
    >>> shown("title: 'a" + "b" * 1000 + "' is too long").endswith("bbb' is too long")
    True
    >>> "… (700 characters left out) …" in shown("x" * 1000)
    True
    """
    if len(reason) <= SHOWN_CHARS:
        return reason
    head, tail = reason[:200], reason[-100:]
    return f"{head} … ({len(reason) - 300:,} characters left out) … {tail}"
