"""Figures a page writes for its reader whatever their size: a decimal of more than 28
digits made Babel raise, and the entity page then showed the literal as written, in Latin
digits on a Persian page. Such a figure is grouped and in the reader's digits like any
other, in every language."""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader.store import open_store
from graph_loader.vocab import RDFS, XSD
from tests.conftest import service_client

BASE = "https://w3id.org/lamcoop/"
BIG = "123456789012345678901234567890.5"
SHOWN = {
    "en": "123,456,789,012,345,678,901,234,567,890.5",
    "zh-Hans": "123,456,789,012,345,678,901,234,567,890.5",
    "fa": "۱۲۳٬۴۵۶٬۷۸۹٬۰۱۲٬۳۴۵٬۶۷۸٬۹۰۱٬۲۳۴٬۵۶۷٬۸۹۰٫۵",
}


def test_a_figure_past_babels_precision_is_written_for_each_reader(tmp_path):
    store = open_store(tmp_path / "store")
    entity = ox.NamedNode(BASE + "id/institution/x-lamcoop-test-big")
    graph = ox.NamedNode(BASE + "graph/x-lamcoop-test")
    size = ox.Literal(BIG, datatype=ox.NamedNode(XSD + "decimal"))
    store.extend(
        [
            ox.Quad(entity, ox.NamedNode(RDFS + "label"), ox.Literal("Big", language="en"), graph),
            ox.Quad(entity, ox.NamedNode("urn:x-lamcoop-test:size"), size, graph),
        ]
    )
    try:
        with service_client(store) as client:
            for lang, shown in SHOWN.items():
                page = client.get(f"/doc/institution/x-lamcoop-test-big.html?lang={lang}")
                assert page.status_code == 200
                text = page.get_data(as_text=True)
                assert shown in text, lang
                assert f">{BIG}<" not in text  # not the literal as written
    finally:
        store.close()
