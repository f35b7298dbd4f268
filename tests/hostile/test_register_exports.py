"""Registers as spreadsheet programs write them: semicolons between cells, and text in the
machine's code page rather than UTF-8.

Excel saves "CSV" with semicolons where a comma is the decimal mark (French, German, Russian
settings), and in the system's code page unless "CSV UTF-8" is chosen: cp1252 in Western
Europe, cp1256 for Persian, GBK for simplified Chinese. A semicolon register was refused
("cannot tell which importer reads this file", or with ``--as`` "unknown column
'id;title;parties'"); one in a code page was refused with no way to read it. Now the
separator is read from the header, and ``--encoding`` names the code page, which the refusal
suggests; the store is as it was after every refusal.

A workbook written by a program that does not compute formulas (openpyxl, many exporters)
holds no value for a formula cell: it was read as empty, so a register's title or budget
given by a formula became an undocumented component the audit then reported missing. Each
such cell is now a problem naming the cell and the formula; a formula with its saved value
reads as that value.

The report of rejected rows, written for a person to open in that spreadsheet program,
starts with a byte order mark, without which Excel reads it in the system's code page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.conftest import refused_load, store_state_at

BASE = "https://w3id.org/lamcoop/"
TITLE_QUERY = (
    "SELECT ?t WHERE { GRAPH ?g { <https://w3id.org/lamcoop/id/agreement/x-1> "
    "<http://purl.org/dc/terms/title> ?t } }"
)

#: A register's title in three languages, and the code page Excel writes each in.
TITLES = [
    ("Accord de coopération", "cp1252"),
    ("تفاهم‌نامه کتابخانه‌ها و موزه‌ها", "cp1256"),
    ("图书馆合作协议", "gbk"),
]


def _title(invoke) -> str:
    result = invoke("query", TITLE_QUERY)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("separator", [";", ","])
def test_a_register_with_semicolons_or_commas_loads_by_its_header(cli_store, tmp_path, separator):
    invoke, store = cli_store
    path = tmp_path / "register.csv"
    rows = ["id;title;signed", "x-1;Accord de coopération, phase 1;2021-04-03", "x-2;Second;"]
    text = "\r\n".join(rows).replace(";", separator) + "\r\n"
    if separator == ",":
        text = text.replace("Accord de coopération, phase 1", '"Accord de coopération, phase 1"')
    path.write_text(text, encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 loaded" in result.output
    assert '"Accord de coopération, phase 1"' in _title(invoke)
    assert BASE + "graph/register" in store_state_at(store)


@pytest.mark.parametrize(("title", "code_page"), TITLES)
def test_a_register_in_a_code_page_is_refused_naming_the_line_and_the_way_out(
    cli_store, tmp_path, title, code_page
):
    path = tmp_path / "register.csv"
    path.write_bytes(f"id;title\r\nx-1;{title}\r\n".encode(code_page))
    output = refused_load(cli_store, str(path))
    assert f"{path}:2:" in output and "not UTF-8 text" in output
    assert "--encoding" in output and code_page in output


@pytest.mark.parametrize(("title", "code_page"), TITLES)
def test_a_register_in_a_code_page_loads_when_it_is_named(cli_store, tmp_path, title, code_page):
    invoke, _store = cli_store
    path = tmp_path / "register.csv"
    path.write_bytes(f"id;title\r\nx-1;{title}\r\n".encode(code_page))
    result = invoke("load", "--encoding", code_page, str(path))
    assert result.exit_code == 0, result.output
    assert title in _title(invoke)


def test_an_encoding_that_is_no_text_encoding_is_a_usage_error(cli_store, tmp_path):
    invoke, store = cli_store
    path = tmp_path / "register.csv"
    path.write_text("id,title\nx-1,First\n", encoding="utf-8")
    before = store_state_at(store)
    for name in ("base64", "no-such-encoding"):
        result = invoke("load", "--encoding", name, str(path))
        assert result.exit_code == 2, result.output
        assert f"'{name}' is not a text encoding" in result.output
    assert store_state_at(store) == before


def test_an_encoding_for_rdf_is_refused(cli_store, tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text("<urn:x-a> <urn:x-b> <urn:x-c> .\n", encoding="utf-8")
    output = refused_load(cli_store, "--encoding", "cp1252", str(path), exit_code=2)
    assert "is RDF, which is read as UTF-8" in output


def _workbook(path: Path, *, saved: bool) -> None:
    """A register whose title and budget are formulas, with their values saved (as a
    spreadsheet program saves them) or not (as openpyxl writes them)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "title", "budget_amount", "budget_currency"])
    sheet.append(["x-1", '=CONCATENATE("Accord ","un")', "=1000*2", "EUR"])
    book.save(path)
    if saved:
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        name = "xl/worksheets/sheet1.xml"
        parts[name] = (
            parts[name]
            .replace(b'<c r="B2"><f>', b'<c r="B2" t="str"><f>')
            .replace(b'</f><v /></c><c r="C2"', b'</f><v>Accord un</v></c><c r="C2"')
            .replace(b"<f>1000*2</f><v />", b"<f>1000*2</f><v>2000</v>")
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for part, data in parts.items():
                archive.writestr(part, data)
        path.write_bytes(buffer.getvalue())


def test_a_formula_with_no_saved_value_is_refused_naming_its_cell(cli_store, tmp_path):
    path = tmp_path / "formulas.xlsx"
    _workbook(path, saved=False)
    output = refused_load(cli_store, str(path))
    assert "Sheet!B2: title: a formula with no saved value (=CONCATENATE(" in output
    assert "Sheet!C2: budget_amount: a formula with no saved value (=1000*2)" in output


def test_a_formula_with_its_saved_value_reads_as_the_value(cli_store, tmp_path):
    invoke, _store = cli_store
    path = tmp_path / "formulas.xlsx"
    _workbook(path, saved=True)
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    assert '"Accord un"' in _title(invoke)
    budget = invoke(
        "query",
        "SELECT ?b WHERE { GRAPH ?g { <https://w3id.org/lamcoop/id/agreement/x-1> "
        "<https://w3id.org/lamcoop/ontology#budgetAmount> ?b } }",
    )
    assert '"2000"' in budget.output


def test_the_report_of_rejected_rows_opens_in_a_spreadsheet_as_written(cli_store, tmp_path):
    """Excel reads a CSV without a byte order mark in the system's code page: a report of a
    Persian or Chinese register came out in other letters. It starts with one now."""
    invoke, _store = cli_store
    path = tmp_path / "register.csv"
    path.write_text("id,title,signed\nx-1,کتابخانه‌ها و موزه‌ها,not a date\n", encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 1, result.output
    report = (tmp_path / "register-rejected.csv").read_bytes()
    assert report.startswith(b"\xef\xbb\xbf")
    assert "کتابخانه‌ها و موزه‌ها" in report.decode("utf-8-sig")
    assert report.decode("utf-8-sig").startswith("file,line,field,reason,action,row")
