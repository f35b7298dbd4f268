"""Hostile filters and hostile data in the audit's pages and exports: a filter naming
nothing audited, given twice, too long, with control characters or another script's
letters is a 400 naming the parameter (never a 500, never an empty answer taken for a
result), on every format and on one agreement's page; labels with control characters and
formulas come out of the XLSX as plain text. The store is as it was after each."""

from __future__ import annotations

import io
import urllib.parse

import openpyxl
import pytest
from conftest import service_client

from graph_loader.audit.run import run_audit
from graph_loader.store import open_store
from tests.audit_support import agreement, load_shipped, load_turtle, settings
from tests.audit_web_support import AGREEMENTS, INST, WORLD
from tests.hostile.conftest import store_state


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    store, s = open_store(tmp_path_factory.mktemp("audit-filters") / "store"), settings()
    load_shipped(store, s)
    control = agreement("control", ["parties"]).replace(
        '"Agreement control"@en', '"=SUM(A1)\\u0001\\u0008 bell"@en'
    )
    load_turtle(store, WORLD + "".join(AGREEMENTS) + control)
    run_audit(store, s)
    yield store
    store.close()


BAD = [
    ("institution=" + urllib.parse.quote(INST + "nobody"), "institution"),
    ("institution=" + urllib.parse.quote("javascript:alert(1)"), "institution"),
    ("institution=", "institution"),
    ("consortium=" + urllib.parse.quote(INST + "a"), "consortium"),  # a party, not a consortium
    ("country=XX", "country"),
    ("country=%D8%A7%DB%8C%D8%B1%D8%A7%D9%86", "country"),  # "ایران": a name, not a code
    ("country=I%00R", "country"),
    ("country=IR%0A", "country"),
    ("country=" + "I" * 5000, "country"),
    ("country=IR&country=CN", "country"),
    ("institution=" + urllib.parse.quote(INST + "a") * 2, "institution"),
]


@pytest.mark.parametrize("fmt", ["", "&format=csv", "&format=xlsx", "&format=ttl", "&format=json"])
@pytest.mark.parametrize(("query", "parameter"), BAD)
def test_a_bad_filter_is_400_naming_it_and_changes_nothing(audited, query, parameter, fmt):
    before = store_state(audited)
    with service_client(audited) as client:
        for path in (f"/audit?{query}{fmt}", f"/audit/full?{query}{fmt}"):
            reply = client.get(path)
            assert reply.status_code == 400, (path, reply.text)
            assert f"Bad Request: {parameter}: " in reply.text
            assert "Traceback" not in reply.text
    assert store_state(audited) == before


def test_bad_sort_order_and_format_are_400(audited):
    with service_client(audited) as client:
        assert client.get("/audit?order=sideways").status_code == 400
        assert "order" in client.get("/audit?order=sideways").text
        assert client.get("/audit?format=xlsx%00").status_code == 400


def test_xlsx_carries_hostile_labels_as_text(audited):
    before = store_state(audited)
    with service_client(audited) as client:
        reply = client.get("/audit?format=xlsx")
    assert reply.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(reply.data))
    labels = {row[0].value: row[1] for row in book["Agreements"].iter_rows(min_row=2)}
    cell = next(c for iri, c in labels.items() if iri.endswith("/control"))
    assert cell.data_type == "s"
    assert cell.value == "'=SUM(A1)\ufffd\ufffd bell"  # no formula, no control character
    formulas = [c for row in book["Agreements"].iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    assert store_state(audited) == before


@pytest.mark.parametrize(
    "query", ["size=0", "size=1001", "page=0", "page=2", "page=%DB%B1", "size=" + "9" * 5000]
)
def test_bad_page_numbers_are_400_naming_them(audited, query):
    before = store_state(audited)
    with service_client(audited) as client:
        reply = client.get(f"/audit?{query}")
    assert reply.status_code == 400
    assert f"{query.split('=')[0]} must be a whole number" in reply.text
    assert store_state(audited) == before
