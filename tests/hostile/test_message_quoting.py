"""How a message quotes what a register's cell holds.

Every importer message quoted its cell with Python's ``repr``, which escapes the zero-width
non-joiner: a Persian name such as «کتابخانه‌ی مرکزی» (a ZWNJ after its first word, as Persian
keyboards type it) was shown as ``'کتابخانه\\u200cی مرکزی'``, a name nobody wrote and no
reader could search for. Messages now quote cells through ``safe_output.quoted``: the joiners
stay letters' shapes, while what a reader cannot see (a bidirectional override that would
reverse the rest of the line in a terminal, an escape sequence that would recolour it, a
no-break space) is still shown escaped.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

import pytest
from conftest import service_client

from graph_loader.store import open_store
from tests.hostile.conftest import refused_load

ZWNJ = "\u200c"
PERSIAN_NAME = f"کتابخانه{ZWNJ}ی مرکزی ناموجود"


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "register.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_persian_name_is_quoted_as_written(cli_store, tmp_path):
    rows = [["id", "title", "parties"], ["d-1", "A title", PERSIAN_NAME]]
    output = refused_load(cli_store, str(_csv(tmp_path, rows)))
    assert f"no institution '{PERSIAN_NAME}' in the store" in output, output
    assert "\\u200c" not in output


@pytest.mark.parametrize(
    ("column", "written", "shown"),
    [
        ("type", f"هم{ZWNJ}کاری", f"'هم{ZWNJ}کاری'"),
        ("signed", f"۱۴ مه{ZWNJ}ی ۲۰۱۹", f"'۱۴ مه{ZWNJ}ی ۲۰۱۹'"),
        # Shown escaped: the override would reverse the rest of the terminal's line.
        ("signed", "2019\u202e-05-14", "'2019\\u202e-05-14'"),
        # Shown escaped: the escape sequence would recolour the terminal.
        ("type", "\x1b[31mred", "'\\x1b[31mred'"),
        ("budget_currency", "EU\u00a0R", "'EU\\xa0R'"),
    ],
)
def test_a_cell_is_quoted_with_its_joiners_and_its_invisible_characters_shown(
    cli_store, tmp_path, column, written, shown
):
    rows = [["id", "title", column], ["d-1", "A title", written]]
    output = refused_load(cli_store, str(_csv(tmp_path, rows)))
    assert shown in output, output
    assert "\u202e" not in output and "\x1b" not in output


def test_an_unknown_column_in_persian_is_named_as_written(cli_store, tmp_path):
    column = f"یادداشت{ZWNJ}ها"
    rows = [["id", "title", column], ["d-1", "A title", "x"]]
    output = refused_load(cli_store, str(_csv(tmp_path, rows)))
    assert f"unknown column '{column}'" in output, output


@pytest.mark.parametrize("path", ["/dumps/", "/list/"])
def test_a_page_that_does_not_exist_is_named_as_asked(tmp_path, path):
    store = open_store(tmp_path / "store")
    name = f"داده{ZWNJ}ها"
    try:
        with service_client(store) as client:
            answer = client.get(path + name, headers={"Accept": "text/html"})
    finally:
        store.close()
    assert answer.status_code == 404
    body = html.unescape(answer.get_data(as_text=True))
    assert f"'{name}'" in body and "\\u200c" not in body, body
