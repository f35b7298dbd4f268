"""A label's direction on an entity page comes from its language (CLDR's character order,
through Babel). Only eight languages were known to be written right to left: a Uyghur,
Sindhi or Dari label, or one tagged with the Arabic script (``az-Arab``), was set
``dir="ltr"``, so its punctuation and numbers stood on the wrong side. And a Dari reader's
browser (``Accept-Language: prs-AF``) got the English page."""

from __future__ import annotations

import pytest

from graph_loader.loading import load_file
from graph_loader.store import open_store
from tests.conftest import service_client

INST = "https://w3id.org/lamcoop/id/institution/xinjiang-library"
#: Labels in languages written right to left, and one in a language written left to right.
LABELS = {"ug": "شىنجاڭ كۇتۇپخانىسى", "prs": "کتابخانهٔ سین‌کیانگ", "az-Arab": "کتابخانا",
          "sd": "لائبريري", "en": "Xinjiang Library"}  # fmt: skip


@pytest.fixture
def client(tmp_path):
    labels = " ; ".join(f'rdfs:label "{text}"@{tag}' for tag, text in LABELS.items())
    data = tmp_path / "labels.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"<{INST}> a <https://w3id.org/lamcoop/ontology#Library> ; {labels} .\n",
        encoding="utf-8",
    )
    store = open_store(tmp_path / "store")
    load_file(store, data, base_iri="https://w3id.org/lamcoop/")
    with service_client(store) as test_client:
        yield test_client
    store.close()


@pytest.mark.parametrize("tag", sorted(LABELS))
def test_each_label_is_set_in_its_languages_direction(client, tag):
    page = client.get("/doc/institution/xinjiang-library.html").get_data(as_text=True)
    direction = "ltr" if tag == "en" else "rtl"
    shown = {"prs": "fa"}.get(tag, tag.lower())  # Dari is marked as the Persian it is
    assert f'<bdi lang="{shown}" dir="{direction}"' in page, page[:3000]


def test_a_dari_reader_gets_the_persian_page(client):
    answer = client.get(
        "/doc/institution/xinjiang-library.html", headers={"Accept-Language": "prs-AF"}
    )
    assert answer.headers["Content-Language"] == "fa"
    assert '<html lang="fa" dir="rtl">' in answer.get_data(as_text=True)
