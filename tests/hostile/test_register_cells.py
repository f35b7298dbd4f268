"""Hostile or careless registers: names that fit several institutions, an ISIL two hold,
dates and amounts with two readings, a file that is not the workbook its name says.

Each is a clear error naming the place (file, row or cell, column) and what to do, never a
traceback, and the store exactly as it was. Before, an ISIL held by two institutions was
reported as two bare IRIs, and names were not looked up at all.
"""

from __future__ import annotations

import csv

import openpyxl
import pytest

from tests.hostile.conftest import store_state_at

INST = "https://w3id.org/lamcoop/id/institution/"
SEED = f"""@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{INST}central-a> a lamc:PublicLibrary ; rdfs:label "Central Library"@en ; lamc:isil "XX-1" .
<{INST}central-b> a lamc:AcademicLibrary ; rdfs:label "Central Library"@en ; lamc:isil "XX-2" .
<{INST}city-a> a lamc:PublicLibrary ; rdfs:label "Stadtbibliothek Aue"@de ; lamc:isil "DE-999" .
<{INST}city-b> a lamc:PublicLibrary ; rdfs:label "Stadtbibliothek Bern"@de ; lamc:isil "DE-999" .
"""


@pytest.fixture
def seeded(invoke, tmp_path):
    (tmp_path / "seed.ttl").write_text(SEED, encoding="utf-8")
    assert invoke("--store", "st", "load", "--quiet", "seed.ttl").exit_code == 0
    return invoke


def register(tmp_path, header, *rows):
    path = tmp_path / "register.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        (
            ["id", "parties"],
            ["a", "central library"],
            [
                "register.csv:2: parties: 'central library' names 2 institutions",
                f'<{INST}central-a> (ISIL XX-1; "Central Library"@en)',
                f'<{INST}central-b> (ISIL XX-2; "Central Library"@en)',
                "give the ISIL or IRI",
            ],
        ),
        (
            ["id", "coordinator"],
            ["a", "DE-999"],
            [
                "register.csv:2: coordinator: ISIL 'DE-999' is held by several institutions",
                '"Stadtbibliothek Aue"@de',
                '"Stadtbibliothek Bern"@de',
            ],
        ),
        (
            ["id", "parties"],
            ["a", "Centrl Library"],
            ["no institution 'Centrl Library' in the store by name"],
        ),
        (
            ["id", "signed"],
            ["a", "04/05/2019"],
            ["2019-05-04 (day/month) or 2019-04-05 (month/day)", "--date-order"],
        ),
        (["id", "signed"], ["a", "۱۳۹۸"], ["before 1500: a Solar Hijri year?"]),
        (["id", "budget_amount"], ["a", "1.500"], ["'1.500' is ambiguous"]),
        (["id", "budget_amount"], ["a", "50 DM €"], ["not a decimal amount"]),
        (
            ["id", "budget_amount", "budget_currency"],
            ["a", "€50,000", "USD"],
            ["'€50,000' is in EUR but budget_currency says USD"],
        ),
    ],
)
def test_cells_that_cannot_be_read_one_way_are_errors(seeded, tmp_path, header, row, expected):
    before = store_state_at(tmp_path / "st")
    result = seeded("--store", "st", "load", "--quiet", str(register(tmp_path, header, row)))
    assert result.exit_code == 1
    for text in expected:
        assert text in result.output, result.output
    assert "Traceback" not in result.output
    assert store_state_at(tmp_path / "st") == before


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_file_that_is_not_a_workbook_is_refused(seeded, tmp_path, suffix):
    path = tmp_path / f"register{suffix}"
    path.write_bytes(b"id,title\na,b\n")
    before = store_state_at(tmp_path / "st")
    result = seeded("--store", "st", "load", "--quiet", str(path))
    assert result.exit_code == 1
    assert f"register{suffix}: not an {suffix[1:].upper()} workbook" in result.output
    assert "Traceback" not in result.output
    assert store_state_at(tmp_path / "st") == before


def test_a_workbook_with_an_unknown_column_names_it(seeded, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["id", "budjet"])
    book.active.append(["a", "b"])
    book.save(tmp_path / "register.xlsx")
    before = store_state_at(tmp_path / "st")
    result = seeded("--store", "st", "load", "--quiet", str(tmp_path / "register.xlsx"))
    assert result.exit_code == 1
    assert "register.xlsx:Sheet!1: unknown column 'budjet'" in result.output
    assert store_state_at(tmp_path / "st") == before


def test_a_report_that_cannot_be_written_is_an_error_not_a_traceback(seeded, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    path = register(tmp_path, ["id", "type"], ["a", "treaty"])
    before = store_state_at(tmp_path / "st")
    report = tmp_path / "a-file" / "report.csv"
    result = seeded(
        "--store", "st", "load", "--quiet", "--skip-invalid", "--report", str(report), str(path)
    )
    assert result.exit_code == 1
    assert "cannot write the report of rejected rows" in result.output
    assert "Traceback" not in result.output
    assert store_state_at(tmp_path / "st") == before


def test_cells_of_a_hundred_thousand_characters_are_errors_a_line_each(seeded, tmp_path):
    """Found by fuzzing a register: cells of 100,000 characters (a title, a party, a type,
    a date, an amount) were quoted whole in every message, so that each line of the report
    was 100,000 characters long. A line now shows a long reason's start and end and says how
    much it left out; the rejected rows' file keeps every cell whole."""
    long_name, long_words = "a." * 50_000, "Central Library " * 6_000
    header = ["id", "title", "type", "parties", "signed", "budget_amount"]
    path = register(
        tmp_path,
        header,
        ["x-1", long_name, long_name, "Central Library", "2020", "1"],
        ["x-2", "t", "memorandum-of-understanding", long_words, "2020" * 25_000, "1," * 50_000],
    )
    before = store_state_at(tmp_path / "st")
    result = seeded("--store", "st", "load", "--as", "agreements", str(path), "--graph", "urn:x:r")
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.startswith("register.csv:")]
    assert {line.split(":")[2].strip() for line in lines} >= {"type", "parties", "signed"}
    assert all(len(line) < 600 for line in lines), max(len(line) for line in lines)
    assert any("characters left out" in line for line in lines)
    rejected = (tmp_path / "register-rejected.csv").read_text(encoding="utf-8")
    assert long_words in rejected and long_name in rejected
    assert store_state_at(tmp_path / "st") == before


def test_a_name_many_institutions_share_describes_a_few_and_counts_the_rest(invoke, tmp_path):
    """A common name ("Öffentliche Bibliothek" labels 36 institutions of the Wikidata/ISIL
    registry) was answered with every candidate described: a message several thousand
    characters long in the report's one cell. Eight are described, the rest counted."""
    seed = "".join(
        f"<{INST}oeb-{n:02d}> a <https://w3id.org/lamcoop/ontology#PublicLibrary> ; "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "Öffentliche Bibliothek"@de ; '
        f'<https://w3id.org/lamcoop/ontology#isil> "IT-BZ{n:04d}" .\n'
        for n in range(11)
    )
    (tmp_path / "seed.ttl").write_text(seed, encoding="utf-8")
    assert invoke("--store", "st", "load", "--quiet", "seed.ttl").exit_code == 0
    before = store_state_at(tmp_path / "st")
    path = register(tmp_path, ["id", "parties"], ["a", "Öffentliche Bibliothek"])
    result = invoke("--store", "st", "load", str(path))
    assert result.exit_code == 1
    with (tmp_path / "register-rejected.csv").open(encoding="utf-8-sig", newline="") as handle:
        (reason,) = [row["reason"] for row in csv.DictReader(handle)]
    assert reason.startswith("'Öffentliche Bibliothek' names 11 institutions: <"), reason
    assert reason.count("(ISIL IT-BZ") == 8 and "; and 3 more; give the ISIL or IRI" in reason
    assert store_state_at(tmp_path / "st") == before
