"""Registers as people lay them out: a title and notes above the header, and columns named in
words.

A register kept in a spreadsheet usually opens with its title ("Register of cooperation
agreements, 2024"), perhaps a note and a blank row, then the header; and its columns are
written "Funding model", "Open-ended", "Budget amount", not ``funding_model``. Both were
refused whole: "unknown column 'register of cooperation agreements', '2024'" (and, without
``--as``, "cannot tell which importer reads this file"), or "unknown column 'funding
model'". Now the header is the first row (of the first eleven) naming ``id``, and a column
name's spaces and hyphens read as underscores, in CSV, TSV, XLSX, ODS and JSON alike; every
place named in an error is the row's own line or cell, counted from the file's first line.

And offices number agreements ``AGR-2024-01`` or ``MoU 7``, which were refused row by row as
"not a slug": such an id is now read by its slug (``agr-2024-01``), the id as written kept
as the agreement's ``dcterms:identifier``; two spellings of one slug are a duplicate.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.conftest import refused_load, store_state_at

BASE = "https://w3id.org/lamcoop/"
ABOVE = [["Register of cooperation agreements, 2024"], ["Kept by the consortium office"], []]
HEADER = ["ID", "Title", "Funding model", "Open-ended", "Budget amount", "Data protection"]
ROW = ["x-1", "Accord de coopération", "member cost sharing", "yes", "24,000", "Kept in the EU"]
FACTS_QUERY = (
    "SELECT ?p ?o WHERE { GRAPH ?g { <https://w3id.org/lamcoop/id/agreement/x-1> ?p ?o } }"
)


def _csv(path: Path, rows: list[list[str]], separator: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=separator).writerows(rows)
    return path


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row or [None])
    book.save(path)
    return path


#: How each kind of table is written: (file name, separator), or a workbook.
KINDS = {"csv": ("register.csv", ","), "csv-semicolon": ("register.csv", ";"),
         "tsv": ("register.tsv", "\t"), "xlsx": ("register.xlsx", "")}  # fmt: skip


def _register(tmp_path: Path, kind: str, rows: list[list[str]]) -> Path:
    """``rows`` written as a register of ``kind`` (:data:`KINDS`)."""
    name, separator = KINDS[kind]
    if not separator:
        return _xlsx(tmp_path / name, rows)
    return _csv(tmp_path / name, rows, separator)


def _facts(invoke) -> str:
    result = invoke("query", FACTS_QUERY)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("kind", ["csv", "csv-semicolon", "tsv", "xlsx"])
def test_a_register_with_a_title_above_and_columns_in_words_loads(cli_store, tmp_path, kind):
    invoke, store = cli_store
    path = _register(tmp_path, kind, [*ABOVE, HEADER, ROW])
    result = invoke("load", str(path))  # no --as: the header is found below the title
    assert result.exit_code == 0, result.output
    assert "1 row: 1 loaded" in result.output
    facts = _facts(invoke)
    assert "Accord de coopération" in facts
    assert BASE + "id/concept/funding-models/member-cost-sharing" in facts
    assert "openEnded" in facts and "budgetAmount" in facts
    assert "dataProtectionProvision" in facts
    assert "Register of cooperation agreements" not in facts
    assert BASE + "graph/register" in store_state_at(store)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_error_below_a_title_names_the_rows_own_line_or_cell(cli_store, tmp_path, kind):
    rows = [*ABOVE, ["id", "title", "signed"], ["x-1", "First", "2019-13-45"]]
    output = refused_load(cli_store, str(_register(tmp_path, kind, rows)))
    place = "Sheet!C5" if kind == "xlsx" else "register.csv:5:"
    assert place in output and "not a valid date" in output


@pytest.mark.parametrize(
    ("rows", "named"),
    [
        ([["Register, 2024"], ["title", "signed"]], "'Register, 2024'"),  # no header names id
        ([["note"]] * 11 + [["id", "title"], ["x-1", "A"]], "'note';"),  # too far down
    ],
    ids=["no-id-below", "eleven-rows-above"],
)
def test_a_table_whose_header_is_not_found_is_named_by_its_first_row(
    cli_store, tmp_path, rows, named
):
    path = _csv(tmp_path / "register.csv", rows, ",")
    output = refused_load(cli_store, str(path), "--as", "agreements")
    assert f"{path}:1: unknown column {named}" in output


def test_json_fields_named_in_words_load(cli_store, tmp_path):
    invoke, _store = cli_store
    path = tmp_path / "register.json"
    path.write_text(json.dumps([dict(zip(HEADER, ROW, strict=True))]), encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    assert BASE + "id/concept/funding-models/member-cost-sharing" in _facts(invoke)


ID_QUERY = (
    "SELECT ?s ?id ?l WHERE { GRAPH ?g { ?s a <https://w3id.org/lamcoop/ontology#Agreement> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l "
    "OPTIONAL { ?s <http://purl.org/dc/terms/identifier> ?id } } } ORDER BY ?s"
)


def test_ids_as_registers_write_them_are_read_by_their_slug(cli_store, tmp_path):
    """``AGR-2024-01`` and ``MoU 7`` were each refused as "not a slug": every row of a
    register numbered the way offices number agreements was rejected."""
    invoke, _store = cli_store
    rows = [["ID", "Title"], ["AGR-2024-01", "First"], ["MoU 7", ""], ["calis-charter", "Third"]]
    result = invoke("load", str(_csv(tmp_path / "register.csv", rows, ",")))
    assert result.exit_code == 0, result.output
    found = invoke("query", ID_QUERY).output
    assert f'<{BASE}id/agreement/agr-2024-01>\t"AGR-2024-01"\t"First"@und' in found
    assert f'<{BASE}id/agreement/mou-7>\t"MoU 7"\t"MoU 7"' in found  # untitled: its id
    assert f'<{BASE}id/agreement/calis-charter>\t\t"Third"@und' in found  # a slug as it is


def test_two_spellings_of_one_slug_and_an_id_without_a_slug_are_refused(cli_store, tmp_path):
    rows = [["id", "title"], ["MoU 7", "A"], ["mou-7", "B"], ["توافق ۱", "C"]]
    rows += [["توافق 1", "D"], ["؟!", "E"]]
    output = refused_load(cli_store, str(_csv(tmp_path / "register.csv", rows, ",")))
    assert "register.csv:3: id: duplicate id 'mou-7': already used at 2" in output
    # The same id with Persian and ASCII digits: one slug, as MoU 7 and mou-7 are.
    assert "register.csv:5: id: duplicate id 'توافق 1' (as توافق-1): already used at 4" in output
    assert "register.csv:6: id: '؟!' has no letter or digit" in output


def test_an_id_as_persian_and_chinese_offices_write_it_is_read_by_its_words(cli_store, tmp_path):
    """``توافق ۱`` and ``协议 2`` were refused for having no ASCII letter: every row of a
    register numbered in Persian or Chinese was rejected. Each is read by its words, folded
    as search folds them (Persian digits as ASCII), and kept as written."""
    invoke, _store = cli_store
    rows = [["id", "title"], ["توافق ۱", "الف"], ["協議 2", "B"]]
    result = invoke("load", str(_csv(tmp_path / "register.csv", rows, ",")))
    assert result.exit_code == 0, result.output
    found = invoke("query", ID_QUERY).output
    assert f'<{BASE}id/agreement/توافق-1>\t"توافق ۱"\t"الف"@und' in found
    assert f'<{BASE}id/agreement/协议-2>\t"協議 2"\t"B"@und' in found


TEXT_QUERY = "SELECT ?t WHERE { GRAPH ?g { ?r <https://w3id.org/lamcoop/ontology#text> ?t } }"
LIST_QUERY = (
    "SELECT ?p ?o WHERE { GRAPH ?g { <https://w3id.org/lamcoop/id/agreement/x-1> ?p ?o "
    "FILTER(?p IN (<https://w3id.org/lamcoop/ontology#party>, "
    "<https://w3id.org/lamcoop/ontology#cooperationArea>)) } } ORDER BY ?o"
)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_values_listed_one_per_line_in_a_cell_are_several_values(cli_store, tmp_path, kind):
    """A cell listing parties one per line (Alt+Enter) was one value: "no institution
    'a\\nb'"; its lines are now values, and a provision's line breaks stay its paragraphs."""
    invoke, _store = cli_store
    parties = BASE + "id/institution/a\r\n" + BASE + "id/institution/b"
    _load_parties(invoke, tmp_path)
    rows = [
        ["id", "parties", "areas", "responsibilities"],
        ["x-1", parties, "Cataloguing\nDigitisation", "Keep the catalogue.\nSecond paragraph."],
    ]
    result = invoke("load", str(_register(tmp_path, kind, rows)))
    assert result.exit_code == 0, result.output
    found = invoke("query", LIST_QUERY).output
    assert found.count("ontology#party>") == 2 and found.count("ontology#cooperationArea>") == 2
    texts = invoke("query", TEXT_QUERY)
    assert '"Keep the catalogue.\\nSecond paragraph."' in texts.output


def _load_parties(invoke, tmp_path: Path) -> None:
    """Two institutions a register can name by IRI, loaded."""
    path = tmp_path / "parties.nt"
    path.write_text(
        "".join(
            f"<{BASE}id/institution/{n}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            f"<https://w3id.org/lamcoop/ontology#Library> .\n"
            for n in "ab"
        ),
        encoding="utf-8",
    )
    assert invoke("load", "--graph", BASE + "graph/parties", str(path)).exit_code == 0


@pytest.mark.parametrize(
    "first_sheet", [[["How to fill in this register"], ["One row per agreement"]], []]
)
def test_a_workbook_opening_with_a_sheet_of_instructions_reads_the_register_sheet(
    cli_store, tmp_path, first_sheet
):
    """The first sheet was read whatever it held: a workbook opening with its instructions
    (or an empty sheet) was refused as "unknown column 'how to fill in this register'"."""
    invoke, _store = cli_store
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Instructions"
    for row in first_sheet:
        notes.append(row)
    register = book.create_sheet("Register")
    for row in [["Agreements, 2024"], HEADER, ROW]:
        register.append(row)
    book.save(tmp_path / "register.xlsx")
    result = invoke("load", str(tmp_path / "register.xlsx"))
    assert result.exit_code == 0, result.output
    assert "Accord de coopération" in _facts(invoke)


def test_a_workbook_with_no_register_sheet_names_its_first_sheet(cli_store, tmp_path):
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.append(["Notes"])
    book.create_sheet("Other").append(["title", "signed"])
    book.save(tmp_path / "register.xlsx")
    output = refused_load(cli_store, str(tmp_path / "register.xlsx"))
    assert "register.xlsx:Sheet!1: unknown column 'Notes'" in output


def test_a_header_the_detection_cannot_place_is_named_as_written(cli_store, tmp_path):
    """The header was read as Latin-1 to detect the importer: a Persian or Chinese header was
    named in mojibake ("ø¹ùùø§ù"); it is now read as UTF-8 and named as written."""
    path = _csv(tmp_path / "register.csv", [["عنوان", "یادداشت", "备注"], ["x", "y", "z"]], ",")
    output = refused_load(cli_store, str(path))
    assert "from its header (عنوان, یادداشت, 备注); name one with --as" in output


def test_an_unknown_party_is_answered_with_labels_as_written_and_the_list_hint(cli_store, tmp_path):
    """The labels suggested for a party not found were their folded keys
    ('iiifconsortium'), not labels anyone wrote; and a cell naming two parties with a comma
    between them gave no hint that ';' separates them."""
    invoke, _store = cli_store
    labels = tmp_path / "institutions.nt"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    labels.write_text(
        f'<{BASE}id/institution/iiif> {label} "IIIF Consortium"@en .\n'
        f'<{BASE}id/institution/pku> {label} "Peking University"@en .\n',
        encoding="utf-8",
    )
    assert invoke("load", "--graph", BASE + "graph/institutions", str(labels)).exit_code == 0
    rows = [
        ["id", "parties"],
        ["x-1", "IIIF Consortium, Peking University"],
        ["x-2", "Peking Univ"],
    ]
    result = invoke("load", str(_csv(tmp_path / "register.csv", rows, ",")))
    assert result.exit_code == 1, result.output
    assert "it names 2 institutions if read as a list: write ';' between them" in result.output
    assert "labels like it: 'Peking University'" in result.output


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_column_given_in_several_numbered_columns_has_all_their_values(cli_store, tmp_path, kind):
    """ "Party 1", "Party 2", "Party 3" were unknown columns; two columns both named
    "parties" kept only the second one's value, silently. A column of several values may now
    be given in several columns, numbered or not; their cells are its values."""
    invoke, _store = cli_store
    _load_parties(invoke, tmp_path)
    rows = [
        ["ID", "Parties 1", "Parties 2", "Parties 3", "Responsibilities", "Responsibilities"],
        ["x-1", BASE + "id/institution/a", BASE + "id/institution/b", "", "Keep it", "Check it"],
    ]
    result = invoke("load", str(_register(tmp_path, kind, rows)))
    assert result.exit_code == 0, result.output
    assert invoke("query", LIST_QUERY).output.count("ontology#party>") == 2
    texts = invoke("query", TEXT_QUERY)
    assert '"Keep it"' in texts.output and '"Check it"' in texts.output


def test_a_column_of_one_value_given_twice_is_refused(cli_store, tmp_path):
    path = _csv(tmp_path / "register.csv", [["id", "Title", "title 2"], ["x-1", "A", "B"]], ",")
    output = refused_load(cli_store, str(path))
    assert "'Title', 'title 2' are each the column 'title', which takes one value" in output


def test_json_fields_given_twice_are_all_values(cli_store, tmp_path):
    """In JSON too, "Parties 1" and "Parties 2" were both read as parties, the second
    replacing the first."""
    invoke, _store = cli_store
    _load_parties(invoke, tmp_path)
    agreement = {
        "id": "x-1",
        "Parties 1": BASE + "id/institution/a",
        "Parties 2": [BASE + "id/institution/b"],
    }
    path = tmp_path / "register.json"
    path.write_text(json.dumps([agreement]), encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    assert invoke("query", LIST_QUERY).output.count("ontology#party>") == 2


DATE_QUERY = (
    "SELECT ?s ?d WHERE { GRAPH ?g { ?s <https://w3id.org/lamcoop/ontology#signedOn> ?d } } "
    "ORDER BY ?s"
)


def test_dates_as_spreadsheet_programs_write_them(cli_store, tmp_path):
    """Excel's default formats in English and Chinese settings were refused: 1-Jan-2020 and
    14-May-2019 (hyphens between day, month name and year), 2019/5/14 and 2019-5-4 (year
    first, unpadded)."""
    invoke, _store = cli_store
    spelt = ["1-Jan-2020", "14-May-2019", "2019/5/14", "2019-5-4", "May-2019", "2019.05"]
    rows = [["id", "signed"], *([f"d-{n}", d] for n, d in enumerate(spelt))]
    result = invoke("load", str(_csv(tmp_path / "register.csv", rows, ",")))
    assert result.exit_code == 0, result.output
    found = invoke("query", DATE_QUERY).output
    for value in ("2020-01-01", "2019-05-14", "2019-05-14", "2019-05-04", "2019-05", "2019-05"):
        assert f'"{value}"' in found, (value, found)


@pytest.mark.parametrize(
    ("spelt", "said"),
    [
        *((d, "has a two-digit year: write it in full (2019 or 1919?)")
          for d in ("14-May-19", "May-19", "5/14/19")),
        # Year first with slashes was "not a date lamcoop reads"; it is now named as the Solar
        # Hijri year it most likely is, as 1398-02-24 was.
        ("1398/02/24", "is year 1398, before 1500: a Solar Hijri year?"),
    ],
)  # fmt: skip
def test_a_date_that_cannot_be_read_says_why(cli_store, tmp_path, spelt, said):
    rows = [["id", "signed"], ["d-1", spelt]]
    output = refused_load(cli_store, str(_csv(tmp_path / "register.csv", rows, ",")))
    assert f"'{spelt}' {said}" in output
