"""Dates and yes or no as Persian and Chinese offices write them, and dates exported with a
time of day.

A register kept in Chinese writes its dates 2019年5月14日 (Excel's long date in Chinese
settings), sometimes in Chinese numerals (二〇一九年五月十四日); a Persian one writes a
Gregorian date with the month's Persian name (۱۴ مه ۲۰۱۹). Each was refused as "not a date
lamcoop reads". A register exported from a database or by pandas writes every date with a
midnight time (2019-05-14 00:00:00), refused the same way. And ``open_ended`` took only
English words: بله and خیر, 是 and 否, a tick or a cross were "not true or false".

A budget written as Chinese and Persian offices write it, in ten thousands or millions
(50万元, 1.5亿元, ۵۰ میلیون ریال), or as English does (1.2 million USD, $500k), was refused:
"unknown currency '万元'", "not a decimal amount". It is now read; an amount in tomans (ten
rials each, not an ISO currency) and a negative one are refused as such.

A register's ``language`` column written as people name languages (English, Persian,
Chinese) was read as a tag: "English" is a well-formed BCP 47 tag of no language, so every
title was tagged ``@english`` and no page's language found it; "فارسی" and "中文" were
refused. A language's name in English, Persian or Chinese is now its tag, and a tag of no
language Babel knows is refused.

Persian separates a list with its own semicolon (؛) and Chinese with a full-width one (；)
or the ideographic comma (、): "کتابخانه ملی؛ دانشگاه تهران" and "北京大学、清华大学" were
each one unknown institution. They separate values now (the comma ، and ， too, in the hint
that a cell of commas may be a list); a 、 inside a source's citation stays text.

Excel's way to save Unicode text on Windows, "Unicode Text (*.txt)", writes a tab-separated
table in UTF-16 with a byte order mark: refused as "cannot tell the format" (``.txt``), or,
named ``.tsv``, with its header shown as "��i d , t i t l e". A byte order mark now names the
encoding (and a header of ASCII letters in two bytes each, UTF-16 without one), and
``.txt`` is a table's suffix.

A party given as the Wikidata page people copy from the browser
(``https://www.wikidata.org/wiki/Q7158``) was "no institution <…/wiki/Q7158> in the store",
and one given as the https entity IRI was too when the store links the http one. Every URL
of an item is now its id; two institutions ``owl:sameAs`` one item are named as such.

A register kept in Iran dates its agreements in the Solar Hijri calendar: ۲۴ اردیبهشت ۱۳۹۸
was "not a date lamcoop reads", and ۱۳۹۸/۰۲/۲۴ "a Solar Hijri year? write the Gregorian
year", so every date had to be converted by hand. A date naming a Solar Hijri month is now
read as the Gregorian date it is, and one in digits with ``--calendar solar-hijri``. A
date with another time of day than midnight is refused as having one.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from graph_loader.importers.cells import boolean_literal
from graph_loader.importers.spelling import amount, person_date
from sparql_endpoint import reader_formats
from sparql_endpoint.interface_text import TRANSLATIONS, Catalogues
from tests.hostile.conftest import refused_load

SIGNED = (
    "SELECT ?s ?d WHERE { GRAPH ?g { ?s <https://w3id.org/lamcoop/ontology#signedOn> ?d } } "
    "ORDER BY ?s"
)
OPEN_ENDED = (
    "SELECT ?s ?v WHERE { GRAPH ?g { ?s <https://w3id.org/lamcoop/ontology#openEnded> ?v } } "
    "ORDER BY ?s"
)


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "register.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _values(invoke, query: str) -> dict[str, str]:
    """The agreement's slug -> the value's lexical form, for each row of ``query``."""
    result = invoke("query", "--format", "csv", query)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.output.splitlines()))[1:]
    return {s.rsplit("/", 1)[-1]: v for s, v in rows}


#: How the dates were written, and the value each is.
DATES = {
    "2019年5月14日": "2019-05-14",
    "2019 年 5 月 4 日": "2019-05-04",
    "２０２０年１２月１日": "2020-12-01",
    "二〇一九年五月十四日": "2019-05-14",
    "2021年3月": "2021-03",
    "2018年": "2018",
    "۱۴ مه ۲۰۱۹": "2019-05-14",
    "1 ژانويه 2020": "2020-01-01",
    "سپتامبر ۲۰۲۱": "2021-09",
    "2019-05-14 00:00:00": "2019-05-14",
    "2019-05-14T00:00:00Z": "2019-05-14",
    "14/05/2019 00:00": "2019-05-14",
}


def _read_back(cli_store, tmp_path: Path, column: str, written: dict, query: str) -> None:
    """Each key of ``written`` in a row of its own under ``column``, loaded: ``query`` reads
    back, for each row, the value ``written`` gives it."""
    invoke, _store = cli_store
    rows = [["id", column], *([f"r-{n:02d}", w] for n, w in enumerate(written))]
    result = invoke("load", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    assert _values(invoke, query) == {f"r-{n:02d}": v for n, v in enumerate(written.values())}


def test_dates_as_chinese_and_persian_registers_and_exports_write_them(cli_store, tmp_path):
    _read_back(cli_store, tmp_path, "signed", DATES, SIGNED)


#: How yes and no were written, and the boolean each is.
ANSWERS = {"بله": "true", "بلي": "true", "خیر": "false", "是": "true", "否": "false",
           "✓": "true", "✗": "false", "Yes": "true", "N": "false"}  # fmt: skip


def test_open_ended_as_offices_write_yes_and_no(cli_store, tmp_path):
    _read_back(cli_store, tmp_path, "open_ended", ANSWERS, OPEN_ENDED)


BUDGET = (
    "SELECT ?s ?a ?c WHERE { GRAPH ?g { ?s <https://w3id.org/lamcoop/ontology#budgetAmount> ?a ; "
    "<https://w3id.org/lamcoop/ontology#budgetCurrency> ?c } } ORDER BY ?s"
)
#: How budgets were written, and the amount and currency each is.
BUDGETS = {
    "50万元": ("500000", "CNY"),
    "人民币1.5亿元": ("150000000", "CNY"),
    "¥ 120 万": ("1200000", "CNY"),
    "۵۰ میلیون ریال": ("50000000", "IRR"),
    "۲ میلیارد ریال": ("2000000000", "IRR"),
    "1.2 million USD": ("1200000", "USD"),
    "$500k": ("500000", "USD"),
    "EUR 0.5bn": ("500000000", "EUR"),
}


def test_budgets_in_ten_thousands_and_millions_are_read(cli_store, tmp_path):
    invoke, _store = cli_store
    rows = [["id", "budget_amount"], *([f"b-{n}", b] for n, b in enumerate(BUDGETS))]
    result = invoke("load", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    answer = invoke("query", "--format", "csv", BUDGET)
    assert answer.exit_code == 0, answer.output
    found = {s.rsplit("/", 1)[-1]: (a, c) for s, a, c in csv.reader(answer.output.splitlines()[1:])}
    assert found == {f"b-{n}": value for n, value in enumerate(BUDGETS.values())}


TITLES = "SELECT ?s ?t WHERE { GRAPH ?g { ?s <http://purl.org/dc/terms/title> ?t } } ORDER BY ?s"
#: How the language was written, and the tag each title must carry.
LANGUAGES = {"English": "en", "Persian": "fa", "فارسی": "fa", "中文": "zh", "波斯语": "fa",
             "Simplified Chinese": "zh-hans", "zh-Hans": "zh-hans", "fa": "fa"}  # fmt: skip


def test_a_language_named_in_words_tags_the_titles_with_its_tag(cli_store, tmp_path):
    invoke, _store = cli_store
    rows = [["id", "title", "language"]]
    rows += [[f"l-{n}", f"title {n}", lang] for n, lang in enumerate(LANGUAGES)]
    result = invoke("load", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    answer = invoke("query", "--format", "json", TITLES)
    assert answer.exit_code == 0, answer.output
    bindings = json.loads(answer.output)["results"]["bindings"]
    found = {b["s"]["value"].rsplit("/", 1)[-1]: b["t"].get("xml:lang") for b in bindings}
    assert found == {f"l-{n}": tag for n, tag in enumerate(LANGUAGES.values())}


#: Solar Hijri dates, and the Gregorian date each is (checked against the Iranian calendar:
#: 1 Farvardin is the March equinox, 20 or 21 March).
SOLAR_NAMED = {
    "۲۴ اردیبهشت ۱۳۹۸": "2019-05-14",
    "24 ارديبهشت 1398": "2019-05-14",  # Arabic yeh, ASCII digits
    "۱ فروردین ماه ۱۴۰۳": "2024-03-20",
    "۳۰ اسفند ۱۴۰۳": "2025-03-20",
    "۱۰ دی ۱۳۹۹": "2020-12-30",
}
SOLAR_DIGITS = {"۱۳۹۸/۰۲/۲۴": "2019-05-14", "1399-10-10": "2020-12-30", "1403/1/1": "2024-03-20"}


def test_dates_naming_a_solar_hijri_month_are_read_whatever_the_calendar(cli_store, tmp_path):
    _read_back(cli_store, tmp_path, "signed", SOLAR_NAMED, SIGNED)


def test_solar_hijri_dates_in_digits_are_read_with_the_calendar_option(cli_store, tmp_path):
    invoke, _store = cli_store
    rows = [["id", "signed", "end"], *([f"s-{n}", d, ""] for n, d in enumerate(SOLAR_DIGITS))]
    rows.append(["g-1", "2019-05-14", "1400/01/01"])  # Gregorian years stay Gregorian
    result = invoke("load", "--calendar", "solar-hijri", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    expected = {f"s-{n}": v for n, v in enumerate(SOLAR_DIGITS.values())} | {"g-1": "2019-05-14"}
    assert _values(invoke, SIGNED) == expected
    end = SIGNED.replace("signedOn", "endDate")
    assert _values(invoke, end) == {"g-1": "2021-03-21"}


@pytest.mark.parametrize(
    ("column", "spelt", "said"),
    [
        (
            "signed",
            "1398/02/24",
            "before 1500: a Solar Hijri year? Write the Gregorian date, "
            "or load with --calendar solar-hijri",
        ),
        ("signed", "اردیبهشت ۱۳۹۸", "is a Solar Hijri date (اردیبهشت) without its day"),
        ("signed", "۳۰ اسفند ۱۴۰۲", "is not a Solar Hijri date (day is out of range for month)"),
        ("signed", "2019-05-14 14:30", "has a time of day: write the date alone"),
        # Named as the cell writes it, not as lamcoop rewrote it (2019-13-01).
        ("signed", "2019年13月1日", "is not a valid date (month must be in 1..12)"),
        ("open_ended", "maybe", "is not true or false (write yes or no, بله or خیر, 是 or 否)"),
        ("budget_amount", "۵۰ میلیون تومان", "is in tomans: a toman is ten rials"),
        ("budget_amount", "-5,000", "is negative: a budget is an amount to spend"),
        ("language", "Elbish", "is not a language lamcoop knows: write its BCP 47 tag"),
    ],
)
def test_a_cell_that_cannot_be_read_says_why(cli_store, tmp_path, column, spelt, said):
    rows = [["id", "title", column], ["d-1", "A title", spelt]]
    output = refused_load(cli_store, str(_csv(tmp_path, rows)))
    assert f"'{spelt}' " in output and said in output, output


def test_a_solar_hijri_month_or_year_without_its_day_is_refused_with_the_option(
    cli_store, tmp_path
):
    rows = [["id", "signed"], ["d-1", "1398/02"]]
    output = refused_load(cli_store, "--calendar", "solar-hijri", str(_csv(tmp_path, rows)))
    assert "'1398/02' is a Solar Hijri year or month without its day" in output, output


def test_a_hundred_thousand_character_amount_is_refused_at_once(lamcoop, tmp_path):
    """The search for a magnitude word after each digit of an amount was quadratic: the
    100,000-character amount of the hostile cells test took three minutes to refuse. It is
    one pass now (17 ms); the deadline below is there to end a hang, not to time it."""
    rows = [["id", "title", "budget_amount"], ["d-1", "A title", "1," * 50_000]]
    path = _csv(tmp_path, rows)
    done = lamcoop("--store", "st", "load", str(path), timeout=120)
    said = done.stderr.decode() + done.stdout.decode()
    assert done.returncode == 1, said
    assert "budget_amount: '1,1,1," in said and "with an optional currency such as" in said, said


LANGUAGES_SERVED = ("en", "fa", "zh-Hans")


@pytest.mark.parametrize("language", LANGUAGES_SERVED)
def test_what_the_pages_write_a_register_may_write(language):
    """A date, a month, an amount and yes or no as lamcoop's own pages show them to a reader
    (Babel's long date, year and month, and number in the reader's digits; the interface's
    words) are read back as the values they show. Persian amounts with a decimal part
    (۱۲٬۰۰۰٫۵, ۰٫۵) were refused: the Persian decimal mark ٫ was read as a comma."""

    for month in range(1, 13):
        day = dt.date(2021, month, 2 * month + 3)
        assert person_date(reader_formats.date(day, language)).value == day.isoformat()
        shown = reader_formats.year_month(2021, month, language)
        assert person_date(shown).value == f"2021-{month:02d}", shown
    for figure in ("0.5", "12000.5", "1250.75", "6000000", "1000000.25"):
        shown = reader_formats.number(figure, language)
        assert amount(shown) == (figure, None), shown
    words = Catalogues.read(TRANSLATIONS).get(language)
    for word, value in (("yes", "true"), ("no", "false")):
        shown = words.gettext(word)
        assert (shown == word) == (language == "en"), shown  # the reader's own word
        assert boolean_literal(shown).value == value, shown


PARTIES = """@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
<https://w3id.org/lamcoop/id/institution/nlai> a lamc:NationalLibrary ;
    rdfs:label "کتابخانه ملی"@fa .
<https://w3id.org/lamcoop/id/institution/ut> a lamc:AcademicLibrary ;
    rdfs:label "دانشگاه تهران"@fa .
<https://w3id.org/lamcoop/id/institution/pku> a lamc:AcademicLibrary ; rdfs:label "北京大学"@zh .
<https://w3id.org/lamcoop/id/institution/thu> a lamc:AcademicLibrary ; rdfs:label "清华大学"@zh .
"""
PARTY_QUERY = (
    "SELECT ?s ?o WHERE { GRAPH ?g { ?s <https://w3id.org/lamcoop/ontology#party> ?o } } "
    "ORDER BY ?s ?o"
)


def test_lists_separated_as_persian_and_chinese_write_them(cli_store, tmp_path):
    invoke, _store = cli_store
    (tmp_path / "parties.ttl").write_text(PARTIES, encoding="utf-8")
    assert invoke("load", str(tmp_path / "parties.ttl")).exit_code == 0
    rows = [
        ["id", "title", "parties", "source"],
        ["p-1", "همکاری", "کتابخانه ملی؛ دانشگاه تهران", ""],
        ["p-2", "合作", "北京大学、清华大学", "《协议》第三条、第五条"],
        ["p-3", "合作", "北京大学；清华大学", ""],
    ]
    result = invoke("load", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    answer = invoke("query", "--format", "csv", PARTY_QUERY)
    pairs = [
        (s.rsplit("/", 1)[-1], o.rsplit("/", 1)[-1])
        for s, o in csv.reader(answer.output.splitlines()[1:])
    ]
    assert pairs == [("p-1", "nlai"), ("p-1", "ut"), ("p-2", "pku"), ("p-2", "thu"),
                     ("p-3", "pku"), ("p-3", "thu")]  # fmt: skip
    sources = invoke("query", "SELECT ?o WHERE { ?s <http://purl.org/dc/terms/source> ?o }")
    assert "《协议》第三条、第五条" in sources.output


def test_a_cell_of_persian_commas_is_told_it_may_be_a_list(cli_store, tmp_path):
    invoke, _store = cli_store
    (tmp_path / "parties.ttl").write_text(PARTIES, encoding="utf-8")
    assert invoke("load", str(tmp_path / "parties.ttl")).exit_code == 0
    rows = [["id", "title", "parties"], ["p-1", "همکاری", "کتابخانه ملی، دانشگاه تهران"]]
    output = refused_load(cli_store, str(_csv(tmp_path, rows)))
    assert "it names 2 institutions if read as a list: write ';' between them" in output


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("register.txt", "utf-16"), ("register.tsv", "utf-16"), ("register.tsv", "utf-16-le"),
     ("register.txt", "utf-16-be"), ("register.tsv", "utf-32")],
)  # fmt: skip
def test_unicode_text_as_excel_saves_it_loads(cli_store, tmp_path, name, encoding):
    invoke, _store = cli_store
    text = "id\ttitle\tlanguage\r\nu-1\tهمکاری در فهرست‌نویسی\tfa\r\nu-2\t联合编目\tzh\r\n"
    (tmp_path / name).write_bytes(text.encode(encoding))
    result = invoke("load", str(tmp_path / name))
    assert result.exit_code == 0, result.output
    titles = invoke("query", "--format", "json", TITLES)
    bindings = json.loads(titles.output)["results"]["bindings"]
    assert {b["t"]["value"] for b in bindings} == {"همکاری در فهرست‌نویسی", "联合编目"}


SAME_AS = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
<https://w3id.org/lamcoop/id/institution/calis> a lamc:Consortium ; rdfs:label "CALIS"@en ;
    owl:sameAs <http://www.wikidata.org/entity/Q7158> .
<https://w3id.org/lamcoop/id/institution/a> a lamc:Library ; rdfs:label "A"@en ;
    owl:sameAs <http://www.wikidata.org/entity/Q1> .
<https://w3id.org/lamcoop/id/institution/b> a lamc:Library ; rdfs:label "B"@en ;
    owl:sameAs <https://www.wikidata.org/entity/Q1> .
"""


@pytest.mark.parametrize(
    "written",
    ["https://www.wikidata.org/wiki/Q7158", "http://wikidata.org/wiki/Q7158",
     "https://m.wikidata.org/wiki/Special:EntityPage/Q7158", "https://www.wikidata.org/entity/Q7158",
     "<http://www.wikidata.org/entity/Q7158>", "wd:Q7158", "q7158"],
)  # fmt: skip
def test_a_party_given_by_any_url_of_its_wikidata_item(cli_store, tmp_path, written):
    invoke, _store = cli_store
    (tmp_path / "same.ttl").write_text(SAME_AS, encoding="utf-8")
    assert invoke("load", str(tmp_path / "same.ttl")).exit_code == 0
    rows = [["id", "title", "parties"], ["w-1", "Shared catalogue", written]]
    result = invoke("load", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    answer = invoke("query", "--format", "csv", PARTY_QUERY)
    assert answer.output.splitlines()[1:] == [
        "https://w3id.org/lamcoop/id/agreement/w-1,https://w3id.org/lamcoop/id/institution/calis"
    ]


def test_an_item_two_institutions_are_the_same_as_is_named_as_such(cli_store, tmp_path):
    invoke, _store = cli_store
    (tmp_path / "same.ttl").write_text(SAME_AS, encoding="utf-8")
    assert invoke("load", str(tmp_path / "same.ttl")).exit_code == 0
    rows = [["id", "title", "parties"], ["w-1", "T", "https://www.wikidata.org/wiki/Q1"]]
    output = " ".join(refused_load(cli_store, str(_csv(tmp_path, rows))).split())
    assert "<http://www.wikidata.org/entity/Q1> is owl:sameAs 2 institutions: " in output, output
