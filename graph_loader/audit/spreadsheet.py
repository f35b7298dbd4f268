"""The audit as rows: the one row per agreement of the CSV and of the XLSX workbook's first
sheet, and the workbook itself (openpyxl), whose other sheets hold the gaps, the tables by
institution and consortium, the components and the challenges.

Every text cell goes through :func:`~graph_loader.safe_output.spreadsheet_cell` and is
written as a string (never a formula); numbers are numbers.
"""

from __future__ import annotations

import io
from typing import Any

from graph_loader.safe_output import spreadsheet_cell

#: The columns of the CSV and of the workbook's ``Agreements`` sheet.
CSV_COLUMNS = (
    "agreement",
    "label",
    "completeness",
    "missing",
    "severities",
    "challenges",
    "institutions",
    "consortia",
    "countries",
)
#: The workbook's sheets, in order.
SHEETS = ("Agreements", "Gaps", "Institutions", "Consortia", "Components", "Challenges")


def agreement_row(a: dict[str, Any]) -> list[Any]:
    """One agreement of :func:`~graph_loader.audit.report.as_dict` as the cells of a row
    (multi-valued cells joined with ``;``; completeness a number)."""
    challenges = sorted({ch["iri"] for gap in a["gaps"] for ch in gap["challenges"]})
    return [
        a["iri"],
        a["label"] or "",
        a["completeness"],
        ";".join(a["missing"]),
        ";".join(gap["severity"] for gap in a["gaps"]),
        ";".join(challenges),
        ";".join(a["institutions"]),
        ";".join(a["consortia"]),
        ";".join(a["countries"]),
    ]


def sheets(data: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Each sheet's rows, header first."""
    gaps = [
        [
            a["iri"],
            g["component"],
            g["severity"],
            g["message"] or "",
            ";".join(ch["iri"] for ch in g["challenges"]),
        ]
        for a in data["agreements"]
        for g in a["gaps"]
    ]
    return {
        "Agreements": [list(CSV_COLUMNS), *(agreement_row(a) for a in data["agreements"])],
        "Gaps": [
            ["agreement", "component", "severity", "message", "challenges"],
            *gaps,
        ],
        "Institutions": _aggregates(data["institutions"], "institution"),
        "Consortia": _aggregates(data["consortia"], "consortium"),
        "Components": [
            ["component", "severity", "agreements lacking it", "share"],
            *([c["id"], c["severity"], c["agreements"], c["share"]] for c in data["most_missing"]),
        ],
        "Challenges": [
            ["challenge", "label", "agreements exposing it", "gaps exposing it"],
            *(
                [c["iri"], c["label"] or "", c["agreements"], c["gaps"]]
                for c in data["most_exposed"]
            ),
        ],
    }


def _aggregates(rows: list[dict[str, Any]], what: str) -> list[list[Any]]:
    return [
        [what, "label", "agreements", "mean completeness"],
        *([x["iri"], x["label"] or "", x["agreements"], x["completeness"]] for x in rows),
    ]


def render_xlsx(data: dict[str, Any]) -> bytes:
    """The audit as an XLSX workbook (:data:`SHEETS`). openpyxl is imported here, when a
    workbook is asked for: it is a third of a command's start otherwise."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets(data).items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Text made safe (no formula; the control characters XML cannot carry shown as
    U+FFFD) and kept text; numbers as they are."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # imported by render_xlsx

        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", spreadsheet_cell(value))
    return value
