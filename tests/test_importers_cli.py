"""``lamcoop load`` with tables: the importer told from the file or named with ``--as``,
all or nothing, ``--skip-invalid`` and the report, the summary, RDF files as before."""

from __future__ import annotations

import csv
import shutil

from conftest import REPO_ROOT, snapshot_at

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "importers"
WIKIDATA = FIXTURES / "wikidata-isil-excerpt.tsv"
IMLS = FIXTURES / "imls-museums-excerpt.csv"


def test_tables_are_told_from_their_header(invoke, tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    wikidata, imls = shutil.copy(WIKIDATA, tables), shutil.copy(IMLS, tables)
    result = invoke("--store", "st", "load", "--quiet", str(wikidata), str(imls))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("wikidata-isil-excerpt.tsv (wikidata-isil): 46 rows: 42 loaded, ")
    assert "4 merged, 0 rejected, 3 values left out" in lines[0]
    assert lines[1].startswith("imls-museums-excerpt.csv (imls-museums): 43 rows: 43 loaded")
    # Left-out values are reported, by default beside the table, not in the working directory.
    assert (tables / "wikidata-isil-excerpt-rejected.csv").is_file()
    assert not (tmp_path / "wikidata-isil-excerpt-rejected.csv").exists()
    graphs = invoke("--store", "st", "graphs", "--format", "json")
    names = graphs.output
    assert "graph/wikidata-isil-excerpt" in names and "graph/imls-museums-excerpt" in names


def test_as_names_the_importer_and_rdf_still_loads(invoke, tmp_path):
    renamed = tmp_path / "export.txt"
    shutil.copy(WIKIDATA, renamed)
    result = invoke("--store", "st", "load", "--as", "wikidata-isil", str(renamed))
    assert result.exit_code == 0, result.output
    assert "export.txt (wikidata-isil): 46 rows" in result.output
    turtle = tmp_path / "extra.ttl"
    turtle.write_text("<http://example.org/a> <http://example.org/b> 1 .\n", encoding="utf-8")
    result = invoke("--store", "st", "load", str(turtle))
    assert result.exit_code == 0 and "1 triples in <" in result.output


def test_unknown_header_asks_for_as(invoke, tmp_path):
    table = tmp_path / "mystery.csv"
    table.write_text("name,city\nA,B\n", encoding="utf-8")
    result = invoke("--store", "st", "load", str(table))
    assert result.exit_code == 1
    assert "mystery.csv:1: cannot tell which importer reads this file" in result.output
    assert "--as" in result.output


def test_as_and_format_together_are_refused(invoke):
    result = invoke("--store", "st", "load", "--as", "agreements", "--format", "turtle", "x.csv")
    assert result.exit_code == 2
    assert "--as reads a table and --format names an RDF syntax" in result.output


def agreements_with_bad_rows(tmp_path):
    path = tmp_path / "register.csv"
    path.write_text(
        "id,title,signed,budget_amount\n"
        "good,Good,2001,10\n"
        "bad-date,Bad date,2001-02-30,\n"
        "bad-amount,Bad amount,,ten\n",
        encoding="utf-8",
    )
    return path


def test_bad_rows_fail_the_load_with_every_row_and_a_report(invoke, tmp_path):
    path = agreements_with_bad_rows(tmp_path)
    invoke("--store", "st", "load", str(shutil.copy(WIKIDATA, tmp_path)))
    before = snapshot_at(tmp_path / "st")
    result = invoke("--store", "st", "load", str(path))
    assert result.exit_code == 1
    assert "register.csv: 2 of 3 rows are invalid; nothing was loaded" in result.output
    assert "register.csv:3: signed: '2001-02-30' is not a valid date" in result.output
    assert "register.csv:4: budget_amount: 'ten' is not a decimal amount" in result.output
    assert snapshot_at(tmp_path / "st") == before
    with (path.parent / "register-rejected.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["field"], r["action"]) for r in rows] == [
        ("3", "signed", "rejected"),
        ("4", "budget_amount", "rejected"),
    ]
    assert rows[0]["row"] == "bad-date,Bad date,2001-02-30,"


def test_skip_invalid_loads_the_good_rows_and_reports_where_told(invoke, tmp_path):
    path = agreements_with_bad_rows(tmp_path)
    report = tmp_path / "out" / "bad.csv"
    result = invoke(
        "--store", "st", "load", "--skip-invalid", "--report", str(report), str(path)
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 rows: 1 loaded, 0 merged, 2 rejected" in result.output
    assert f"report: {report}" in result.output
    assert report.read_text(encoding="utf-8").count("\nregister.csv,") == 2
    query = invoke(
        "--store", "st", "query", "--format", "csv",
        "SELECT ?a WHERE { ?a a <https://w3id.org/lamcoop/ontology#Agreement> }",
    )  # fmt: skip
    assert query.output.split() == ["a", "https://w3id.org/lamcoop/id/agreement/good"]


def test_report_with_several_files_is_refused(invoke):
    result = invoke("--store", "st", "load", "--report", "r.csv", str(WIKIDATA), str(IMLS))
    assert result.exit_code == 2
    assert "--report names one file" in result.output


def test_real_process_prints_summary_and_no_progress_bar_off_a_terminal(lamcoop, tmp_path):
    imls = shutil.copy(IMLS, tmp_path / "imls.csv")
    done = lamcoop("--store", str(tmp_path / "st"), "load", str(imls))
    assert done.returncode == 0, done.stderr
    assert b"43 rows: 43 loaded, 0 merged, 0 rejected, 4 values left out" in done.stdout
    assert b"it/s" not in done.stderr and b"B/s" not in done.stderr
