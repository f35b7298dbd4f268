"""A register's language, as offices write registers: wholly in Persian or Chinese, often
with no language column.

Such a register's titles, labels and texts were tagged ``@und`` (undetermined), and a
cooperation area or governing unit it named in Persian or Chinese words (no ASCII letter to
make an IRI of) refused its row. ``lamcoop load --language`` now names the language of a
register's texts where a row does not (a row's own language cell wins), and a term named in
any script gets an IRI from its words, folded as search folds them.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import refused_load
from tests.hostile.test_register_words import _csv

#: A register written wholly in Persian, with no language column (as offices keep them).
PERSIAN_REGISTER = [
    ["id", "title", "areas", "evaluation"],
    ["p-1", "تفاهم‌نامهٔ فهرست مشترک", "فهرستگان", "ارزیابی سالانهٔ طرفین"],
    ["p-2", "قرارداد امانت بین‌کتابخانه‌ای", "امانت", ""],
]
#: Every literal with a language the register's rows write.
TAGGED = (
    'SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isLiteral(?o) && LANG(?o) != "") } } '
    "ORDER BY ?s ?p ?o"
)


def _tags(invoke) -> set[tuple[str, str]]:
    answer = invoke("query", "--format", "json", TAGGED)
    assert answer.exit_code == 0, answer.output
    bindings = json.loads(answer.output)["results"]["bindings"]
    return {(b["o"]["value"], b["o"]["xml:lang"]) for b in bindings}


def test_a_register_without_a_language_column_takes_the_language_option(cli_store, tmp_path):
    """Titles, the register's own areas and provision texts are tagged with the language
    ``--language`` names (a tag or a language's name); a row's own language cell wins."""
    invoke, _store = cli_store
    rows = [[*r, "language"] for r in PERSIAN_REGISTER]
    rows[1][-1] = ""
    rows[2][-1] = "English"  # a row that says otherwise
    result = invoke("load", "--language", "Persian", str(_csv(tmp_path, rows)))
    assert result.exit_code == 0, result.output
    found = _tags(invoke)
    assert ("تفاهم‌نامهٔ فهرست مشترک", "fa") in found
    assert ("فهرستگان", "fa") in found and ("ارزیابی سالانهٔ طرفین", "fa") in found
    assert ("قرارداد امانت بین‌کتابخانه‌ای", "en") in found  # the row's own cell
    assert not {text for text, tag in found if tag == "und" and "‌" in text}


def test_without_the_option_a_register_without_a_language_is_undetermined(cli_store, tmp_path):
    invoke, _store = cli_store
    result = invoke("load", str(_csv(tmp_path, PERSIAN_REGISTER)))
    assert result.exit_code == 0, result.output
    assert ("تفاهم‌نامهٔ فهرست مشترک", "und") in _tags(invoke)


def test_a_language_option_naming_no_language_is_a_usage_error(cli_store, tmp_path):
    said = refused_load(
        cli_store, "--language", "Klingonese", str(_csv(tmp_path, PERSIAN_REGISTER)), exit_code=2
    )
    assert "--language" in said and "'Klingonese'" in said


def test_the_language_option_is_refused_where_the_file_says_its_languages(cli_store, tmp_path):
    """A registry's importer reads each name's language from the file; RDF literals carry
    their own tags: ``--language`` with either is an error, and nothing is written."""
    imls = (
        Path(__file__).resolve().parents[1] / "fixtures" / "importers" / "imls-museums-excerpt.csv"
    )
    said = refused_load(cli_store, "--language", "fa", "--as", "imls-museums", str(imls))
    assert "imls-museums" in said and "--language" in said
    rdf = tmp_path / "x.ttl"
    rdf.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', encoding="utf-8")
    said = refused_load(cli_store, "--language", "fa", str(rdf), exit_code=2)
    assert "--language" in said and "x.ttl" in said


#: A row's cooperation areas and governing unit in Persian and Chinese, as typed: Arabic yeh
#: in one, traditional characters in another.
TERMS = [
    ["id", "title", "areas", "governance", "language"],
    ["t-1", "الف", "امانت بین‌کتابخانه‌ای; 聯合目錄", "کمیتهٔ راهبری", "fa"],
    ["t-2", "ب", "امانت بين‌کتابخانه‌اي", "", "fa"],
]
AREAS = (
    "SELECT ?a ?c WHERE { GRAPH ?g { ?a <https://w3id.org/lamcoop/ontology#cooperationArea> ?c } } "
    "ORDER BY ?a ?c"
)


def test_areas_and_units_named_in_persian_or_chinese_get_iris_from_their_words(cli_store, tmp_path):
    invoke, _store = cli_store
    result = invoke("load", str(_csv(tmp_path, TERMS)))
    assert result.exit_code == 0, result.output
    answer = invoke("query", "--format", "json", AREAS)
    assert answer.exit_code == 0, answer.output
    rows = json.loads(answer.output)["results"]["bindings"]
    areas = {(r["a"]["value"].rsplit("/", 1)[-1], r["c"]["value"].rsplit("/", 1)[-1]) for r in rows}
    # The same area typed with Arabic yeh is the same concept; Chinese simplified.
    assert areas == {
        ("t-1", "امانت-بینکتابخانهای"),
        ("t-1", "联合目录"),
        ("t-2", "امانت-بینکتابخانهای"),
    }
    units = invoke(
        "query",
        "--format",
        "csv",
        "SELECT ?u WHERE { ?a <https://w3id.org/lamcoop/ontology#governanceBody> ?u }",
    )
    assert units.output.splitlines()[1].endswith("/id/unit/t-1--کمیته-راهبری"), units.output
    labels = _tags(invoke)
    assert ("امانت بین‌کتابخانه‌ای", "fa") in labels and ("کمیتهٔ راهبری", "fa") in labels


def test_a_term_with_no_letter_or_digit_is_still_refused(cli_store, tmp_path):
    rows = [["id", "title", "areas"], ["n-1", "x", "؟!«»"]]
    said = refused_load(cli_store, str(_csv(tmp_path, rows)))
    assert "gives no words for a concept IRI" in said
