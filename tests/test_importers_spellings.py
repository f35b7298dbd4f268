"""A register written as people write spreadsheets (labels in three languages, names,
month names, day/month dates, amounts with currencies) loads in full from CSV, XLSX and ODS
through the real ``lamcoop`` command, gives the same graph each way, and audits right."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO_ROOT

BASE = "https://w3id.org/lamcoop/"
LAMC = "https://w3id.org/lamcoop/ontology#"
INST = BASE + "id/institution/"
SEED = f"""@prefix lamc: <{LAMC}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix inst: <{INST}> .
inst:calis a lamc:NationalConsortium ; rdfs:label "CALIS"@en .
inst:pku a lamc:AcademicLibrary ; rdfs:label "Peking University Library"@en ,
    "北京大学图书馆"@zh-Hans ; lamc:isil "CN-100871" ;
    owl:sameAs <http://www.wikidata.org/entity/Q7158> .
inst:thu a lamc:AcademicLibrary ; rdfs:label "Tsinghua University Library"@en ;
    lamc:isil "CN-100084" .
inst:nlai a lamc:NationalLibrary ; rdfs:label "National Library and Archives of Iran"@en ,
    "سازمان اسناد و کتابخانهٔ ملی ایران"@fa ; lamc:isil "IR-NLAI" .
inst:central-a a lamc:PublicLibrary ; rdfs:label "Central Library"@en ; lamc:isil "XX-1" .
inst:central-b a lamc:AcademicLibrary ; rdfs:label "Central Library"@en ; lamc:isil "XX-2" .
inst:city-a a lamc:PublicLibrary ; rdfs:label "Stadtbibliothek Aue"@de ; lamc:isil "DE-999" .
inst:city-b a lamc:PublicLibrary ; rdfs:label "Stadtbibliothek Bern"@de ; lamc:isil "DE-999" .
<{BASE}id/concept/cooperation-areas/interlibrary-loan> a skos:Concept ;
    skos:inScheme <{BASE}id/scheme/cooperation-areas> ; skos:prefLabel "interlibrary loan"@en .
"""
HEADER = [
    "id", "type", "parties", "coordinator", "signed", "end", "open_ended", "funding_model",
    "budget_amount", "areas", "standards",
]  # fmt: skip
#: Five agreements as an analyst writes them (the column comments give the rule each shows).
ROWS = [
    ["mou-1", "Memorandum of Understanding", "Peking University Library; Tsinghua University "
     "Library", "北京大学图书馆", "14/05/2019", "13 May 2024", "", "member cost sharing",
     "€50,000", "Interlibrary Loan", "RDA"],
    ["lic-1", "Licensing Agreement", "CALIS; Q7158", "CN-100084", "March 2021", "", "yes",
     "government allocation", "¥300,000", "", "marc 21"],
    ["svc-1", "توافق‌نامهٔ خدمات", "سازمان اسناد و كتابخانه ملي ايران; tsinghua university "
     "library", "", "۲۰۱۹-۰۵-۱۴", "", "", "", "1,000,000 ریال", "", ""],
    ["mou-2", "MoU", "CN-100871; CN-100084", "", "2020", "", "", "تقسيم هزينه ميان اعضا",
     "", "", ""],
    ["charter-1", "联盟章程", "calis; pku", "pku", "05/14/2019", "", "true", "", "$1,200.50",
     "", "MARC 21"],
]  # fmt: skip
AGR = BASE + "id/agreement/"


@pytest.fixture
def seeded(invoke, tmp_path):
    """A store holding the shipped ontology, the audit profile and the seed institutions."""
    (tmp_path / "seed.ttl").write_text(SEED, encoding="utf-8")
    ontology = REPO_ROOT / "ontology" / "lamcoop.ttl"
    assert invoke("--store", "st", "load", "--quiet", str(ontology)).exit_code == 0
    shapes = REPO_ROOT / "shapes" / "agreement-audit.ttl"
    graph = BASE + "graph/shapes-agreement-audit"
    assert invoke("--store", "st", "load", "--quiet", "--graph", graph, str(shapes)).exit_code == 0
    assert invoke("--store", "st", "load", "--quiet", "seed.ttl").exit_code == 0
    return invoke


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in [header, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def write_ods(path: Path, header: list[str], rows: list[list]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Agreements")
    for values in [header, *rows]:
        row = TableRow()
        for value in values:
            if isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=str(value))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def triples(invoke, graph: str) -> set[str]:
    query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    result = invoke("--store", "st", "query", "--format", "json", query)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    return {json.dumps([r["s"], r["p"], r["o"]], sort_keys=True) for r in rows}


def values(invoke, agreement: str, prop: str) -> set[str]:
    query = f"SELECT ?o WHERE {{ <{AGR}{agreement}> <{prop}> ?o }}"
    result = invoke("--store", "st", "query", "--format", "csv", query)
    return set(result.output.splitlines()[1:]) - {""}


def test_a_register_as_people_write_it_loads_in_full(seeded, tmp_path):
    path = write_csv(tmp_path / "register.csv", HEADER, ROWS)
    result = seeded("--store", "st", "load", "--quiet", str(path))
    assert result.exit_code == 0, result.output
    assert "5 rows: 5 loaded, 0 merged, 0 rejected" in result.output
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert LAMC + "MemorandumOfUnderstanding" in values(seeded, "mou-1", rdf)
    assert LAMC + "MemorandumOfUnderstanding" in values(seeded, "mou-2", rdf)
    assert LAMC + "LicensingAgreement" in values(seeded, "lic-1", rdf)
    assert LAMC + "ServiceAgreement" in values(seeded, "svc-1", rdf)
    assert LAMC + "ConsortiumCharter" in values(seeded, "charter-1", rdf)
    assert values(seeded, "mou-1", LAMC + "party") == {INST + "pku", INST + "thu"}
    assert values(seeded, "mou-1", LAMC + "coordinator") == {INST + "pku"}
    assert values(seeded, "lic-1", LAMC + "party") == {INST + "calis", INST + "pku"}
    assert values(seeded, "svc-1", LAMC + "party") == {INST + "nlai", INST + "thu"}
    assert values(seeded, "mou-1", LAMC + "signedOn") == {"2019-05-14"}
    assert values(seeded, "mou-1", LAMC + "endDate") == {"2024-05-13"}
    assert values(seeded, "lic-1", LAMC + "signedOn") == {"2021-03"}
    assert values(seeded, "svc-1", LAMC + "signedOn") == {"2019-05-14"}
    assert values(seeded, "charter-1", LAMC + "signedOn") == {"2019-05-14"}
    fm = BASE + "id/concept/funding-models/"
    assert values(seeded, "mou-1", LAMC + "fundingModel") == {fm + "member-cost-sharing"}
    assert values(seeded, "mou-2", LAMC + "fundingModel") == {fm + "member-cost-sharing"}
    assert values(seeded, "lic-1", LAMC + "fundingModel") == {fm + "government-allocation"}
    amounts = {
        a: (values(seeded, a, LAMC + "budgetAmount"), values(seeded, a, LAMC + "budgetCurrency"))
        for a in ("mou-1", "lic-1", "svc-1", "charter-1")
    }
    assert amounts == {
        "mou-1": ({"50000"}, {"EUR"}),
        "lic-1": ({"300000"}, {"CNY"}),
        "svc-1": ({"1000000"}, {"IRR"}),
        "charter-1": ({"1200.5"}, {"USD"}),
    }
    assert values(seeded, "mou-1", LAMC + "adoptsStandard") == {BASE + "id/standard/rda"}
    assert values(seeded, "lic-1", LAMC + "adoptsStandard") == {BASE + "id/standard/marc-21"}
    assert values(seeded, "mou-1", LAMC + "cooperationArea") == {
        BASE + "id/concept/cooperation-areas/interlibrary-loan"
    }
    audit = seeded("--store", "st", "audit", "--format", "json", "--graph", BASE + "graph/register")
    assert audit.exit_code == 0, audit.output
    found = {a["iri"].rsplit("/", 1)[-1]: a for a in json.loads(audit.output)["agreements"]}
    # A signing date alone states no duration (svc-1, mou-2); an end date or open-ended
    # completes it. No row documents governance or any provision.
    always = ["governance", "responsibilities", "indicators", "evaluation", "data-protection",
              "staffing"]  # fmt: skip
    expected = {
        "mou-1": [],
        "lic-1": ["areas"],
        "svc-1": ["coordinator", "term", "areas", "standards"],
        "mou-2": ["coordinator", "term", "areas", "standards"],
        "charter-1": ["areas"],
    }
    assert {slug: sorted(a["missing"]) for slug, a in found.items()} == {
        slug: sorted(gaps + always) for slug, gaps in expected.items()
    }


def test_xlsx_and_ods_give_the_graph_csv_gives(seeded, tmp_path):
    csv_path = write_csv(tmp_path / "register.csv", HEADER, ROWS)
    assert seeded("--store", "st", "load", "--quiet", str(csv_path)).exit_code == 0
    expected = triples(seeded, BASE + "graph/register")
    typed = [list(r) for r in ROWS]
    typed[0][4] = dt.datetime(2019, 5, 14)  # a real date cell
    typed[2][8] = "1,000,000 ریال"
    typed[3][4] = 2020  # a number cell
    for name, writer in (("register.xlsx", write_xlsx), ("register.ods", write_ods)):
        path = writer(tmp_path / name, HEADER, typed)
        graph = BASE + "graph/register"
        result = seeded("--store", "st", "load", "--quiet", str(path))
        assert result.exit_code == 0, (name, result.output)
        assert "5 rows: 5 loaded, 0 merged, 0 rejected" in result.output
        assert triples(seeded, graph) == expected, name


def test_spreadsheet_errors_name_sheet_row_and_column(seeded, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[4][4] = "31/31/2019"  # row 6 of the sheet, column E (signed)
    path = write_xlsx(tmp_path / "register.xlsx", HEADER, rows)
    result = seeded("--store", "st", "load", "--quiet", str(path))
    assert result.exit_code == 1
    assert "register.xlsx:Sheet1!E6: signed: '31/31/2019' is not a valid date" in result.output
    report = tmp_path / "register-rejected.csv"
    assert "Sheet1!E6" in report.read_text(encoding="utf-8")
    ods = write_ods(tmp_path / "register.ods", HEADER, rows)
    result = seeded("--store", "st", "load", "--quiet", str(ods))
    assert "register.ods:Agreements!E6: signed:" in result.output


def test_ambiguous_dates_name_both_readings_and_the_order_option_settles_them(seeded, tmp_path):
    path = write_csv(tmp_path / "register.csv", ["id", "signed"], [["a", "03/04/2021"]])
    result = seeded("--store", "st", "load", "--quiet", str(path))
    assert result.exit_code == 1
    assert "'03/04/2021' is ambiguous: 2021-04-03 (day/month) or 2021-03-04" in result.output
    assert "--date-order" in result.output
    for order, date in (("dmy", "2021-04-03"), ("mdy", "2021-03-04")):
        done = seeded("--store", "st", "load", "--quiet", "--date-order", order, str(path))
        assert done.exit_code == 0, done.output
        assert values(seeded, "a", LAMC + "signedOn") == {date}


def test_reports_go_beside_the_register_not_the_working_directory(seeded, tmp_path):
    folder = tmp_path / "registers"
    folder.mkdir()
    path = write_csv(folder / "mine.csv", ["id", "type"], [["a", "treaty"]])
    result = seeded("--store", "st", "load", "--quiet", str(path))
    assert result.exit_code == 1
    assert (folder / "mine-rejected.csv").is_file()
    assert not (tmp_path / "mine-rejected.csv").exists()


def test_the_real_command_reads_an_xlsx_register(lamcoop, tmp_path):
    (tmp_path / "seed.ttl").write_text(SEED, encoding="utf-8")
    ontology = str(REPO_ROOT / "ontology" / "lamcoop.ttl")
    store = str(tmp_path / "st")
    assert lamcoop("--store", store, "load", ontology, "seed.ttl").returncode == 0
    path = write_xlsx(tmp_path / "register.xlsx", HEADER, ROWS)
    done = lamcoop("--store", store, "load", str(path))
    assert done.returncode == 0, done.stderr
    assert b"register.xlsx (agreements): 5 rows: 5 loaded, 0 merged, 0 rejected" in done.stdout


#: HEADER as a Persian and a Chinese analyst write it: each column named by a label of the
#: property it writes, from the ontology (and graph_loader/term_labels.ttl for rdf:type), the
#: Persian with Arabic kaf and yeh and without its zero-width non-joiners, as typed.
LABELLED_HEADERS = {
    "fa": ["شناسه", "نوع", "طرف توافق نامه", "هماهنگ كننده", "تاریخ امضا", "تاریخ پایان",
           "بدون تاریخ پایان", "الگوی تأمین مالی", "مبلغ بودجه", "حوزهٔ همکاری",
           "استاندارد پذیرفته"],
    "zh": ["标识符", "类型", "协议方", "协调方", "签署日期", "结束日期", "无固定期限", "经费模式",
           "预算金额", "合作领域", "采用标准"],
    "en": ["ID", "Type", "Party", "Coordinator", "Signed on", "End date", "Open-ended",
           "Funding model", "Budget amount", "Cooperation area", "Adopts standard"],
}  # fmt: skip


@pytest.mark.parametrize("language", LABELLED_HEADERS)
def test_a_header_naming_columns_by_their_labels_gives_the_graph_column_names_give(
    seeded, tmp_path, language
):
    """A header in Persian or Chinese (or English words) was refused whole: "cannot tell
    which importer reads this file from its header", its names shown as mojibake."""
    csv_path = write_csv(tmp_path / "register.csv", HEADER, ROWS)
    assert seeded("--store", "st", "load", "--quiet", str(csv_path)).exit_code == 0
    expected = triples(seeded, BASE + "graph/register")
    labelled = LABELLED_HEADERS[language]
    for path in (write_csv(tmp_path / "labelled.csv", labelled, ROWS),
                 write_xlsx(tmp_path / "labelled.xlsx", labelled, ROWS)):  # fmt: skip
        result = seeded("--store", "st", "load", "--quiet", "--graph", BASE + "graph/register",
                        str(path))  # fmt: skip
        assert result.exit_code == 0, (path.name, result.output)
        assert "5 rows: 5 loaded, 0 merged, 0 rejected" in result.output
        assert triples(seeded, BASE + "graph/register") == expected, path.name


def test_an_unknown_header_is_named_as_written(seeded, tmp_path):
    path = write_csv(tmp_path / "register.csv", ["شناسه", "یادداشت", "备注"], [["x-1", "a", "b"]])
    result = seeded("--store", "st", "load", "--quiet", "--as", "agreements", str(path))
    assert result.exit_code == 1, result.output
    assert "unknown column 'یادداشت', '备注'" in result.output
    undetected = seeded("--store", "st", "load", "--quiet", str(path))
    assert "from its header (شناسه, یادداشت, 备注)" in undetected.output  # as written
