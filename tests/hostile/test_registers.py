"""Hostile registers: quotes, nesting, numbers and cells over the limits, byte order marks.

An unbalanced quote in a CSV register used to swallow the rows after it silently ("1 rows:
1 loaded", exit 0); a deeply nested JSON register or a 100,000-digit number ended in a
traceback. Now each is refused naming the line where the field began (CSV, TSV) or the
JSON path, nothing is loaded, and the store is as it was. A byte order mark is no problem.
"""

from __future__ import annotations

import pytest

from graph_loader.bounded import BOM, CELL_LIMIT
from tests.conftest import REPO_ROOT
from tests.hostile.conftest import store_state_at

HEADER = "id,title\n"
GOOD = "x-1,First\n"
#: CSV registers (header on line 1), the line each refusal must name, and a word of it.
CSV_CASES = {
    "unbalanced-quote": (HEADER + GOOD + 'x-2,"Second\nx-3,Third\nx-4,Fourth\n', 3, "quote"),
    "after-closing-quote": (HEADER + GOOD + 'x-2,"Second" again\nx-3,Third\n', 3, "quote"),
    "after-a-multiline-cell": (
        HEADER + 'x-1,"First,\nover two lines"\nx-2,Second\nx-3,"Third\nx-4,Fourth\n',
        5,
        "quote",
    ),
    "open-quote-in-a-later-cell": (
        HEADER.replace("\n", ",source\n") + 'x-1,First,"a\nlong\nnote\nx-2,Second,\n',
        2,
        "quote",
    ),
    "huge-cell": (HEADER + GOOD + "x-2," + "y" * (CELL_LIMIT + 1) + "\n", 3, "characters"),
}


def _refused(cli_store, tmp_path, name: str, text: str) -> tuple[str, str]:
    invoke, store = cli_store
    before = store_state_at(store)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "nothing loaded" in result.output
    assert store_state_at(store) == before
    return result.output, str(path)


@pytest.mark.parametrize("name", sorted(CSV_CASES))
@pytest.mark.parametrize("extension", ["csv", "tsv"])
def test_a_broken_register_row_is_refused_with_the_line_its_field_began(
    cli_store, tmp_path, name, extension
):
    text, line, reason = CSV_CASES[name]
    if extension == "tsv":
        text = text.replace(",", "\t")
    output, path = _refused(cli_store, tmp_path, f"register.{extension}", text)
    assert f"{path}:{line}:" in output, output
    assert reason in output


#: JSON registers over a limit, and the JSON path each refusal must name.
JSON_CASES = {
    "nested-100000": ("[" * 100_000 + "]" * 100_000, "$" + "[0]" * 32, "nesting"),
    "number-100000-digits": (
        '[{"id": "x-1", "title": 1' + "0" * 99_999 + "}]",
        "$[0].title",
        "number",
    ),
    "huge-string": (
        '{"agreements": [{"id": "x-1"}, {"id": "x-2", "title": "' + "y" * (CELL_LIMIT + 1) + '"}]}',
        "$.agreements[1].title",
        "string",
    ),
    "deep-in-a-cell": (
        '[{"id": "x-1", "parties": ' + "[" * 40 + "]" * 40 + "}]",
        "$[0].parties",
        "nesting",
    ),
}


@pytest.mark.parametrize("name", sorted(JSON_CASES))
def test_a_json_register_over_a_limit_is_refused_with_its_json_path(cli_store, tmp_path, name):
    text, json_path, reason = JSON_CASES[name]
    output, path = _refused(cli_store, tmp_path, "register.json", text)
    assert f"{path}: {json_path}" in output, output
    assert reason in output


@pytest.mark.parametrize(
    "name, text",
    [
        ("marked.csv", HEADER + GOOD + "x-2,Second\n"),
        ("marked.tsv", (HEADER + GOOD + "x-2,Second\n").replace(",", "\t")),
        ("marked.json", '[{"id": "x-1", "title": "First"}, {"id": "x-2", "title": "Second"}]'),
    ],
)
def test_a_register_with_a_byte_order_mark_loads(cli_store, tmp_path, name, text):
    invoke, store = cli_store
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 loaded" in result.output, result.output
    assert store_state_at(store)["https://w3id.org/lamcoop/graph/marked"] == 6


def test_a_quoted_cell_over_several_lines_still_loads(cli_store, tmp_path):
    """Strict quoting refuses broken quotes, not the multi-line cells CSV allows."""
    invoke, store = cli_store
    path = tmp_path / "multiline.csv"
    path.write_text(HEADER + 'x-1,"First,\nover ""two"" lines"\nx-2,Second\n', encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 loaded" in result.output, result.output
    assert store_state_at(store)["https://w3id.org/lamcoop/graph/multiline"] == 6


@pytest.mark.parametrize("excerpt", ["imls-museums-excerpt.csv", "wikidata-isil-excerpt.tsv"])
def test_a_registry_with_a_byte_order_mark_loads_like_the_same_file_without(
    cli_store, tmp_path, excerpt
):
    """The same registry loaded twice into one graph (the second replacing the first),
    without and with a mark: the same rows and triples."""
    invoke, store = cli_store
    source = REPO_ROOT / "tests" / "fixtures" / "importers" / excerpt
    seen = []
    for name, mark in [("plain", b""), ("marked", BOM)]:
        (tmp_path / name).mkdir()
        path = tmp_path / name / f"registry{source.suffix}"
        path.write_bytes(mark + source.read_bytes())
        result = invoke("load", str(path))
        assert result.exit_code == 0, result.output
        rows = result.output.split(": ", 1)[1].split(";")[0]
        seen.append((rows, store_state_at(store)["https://w3id.org/lamcoop/graph/registry"]))
    assert seen[0] == seen[1] and seen[0][1] > 0
