"""The served ``/ontology`` page in the reader's language: its headings and words from the
catalogues, each term's label and definition picked by the one label policy (marked when
it falls back to English), right to left in Persian, made once per data version and
language; the RDF forms are the same in every language."""

from __future__ import annotations

import re

import pytest
import requests
from markupsafe import escape
from rdflib import OWL, RDF, RDFS, SKOS, URIRef

from graph_loader.ontology_reference import shipped_ontology
from graph_loader.ontology_terms import anchor, literal
from graph_loader.vocab import pick_label
from sparql_endpoint.context import service
from tests.conftest import service_client
from tests.servers import HTTP_DEADLINE
from tests.test_pages_languages import BROWSER, english_words, interface

LAMC = "https://w3id.org/lamcoop/ontology#"
LABELS = (SKOS.prefLabel, RDFS.label)
HEADINGS = {
    "en": ["Classes", "Object properties", "Individuals", "Subclass of", "Domain"],
    "fa": ["رده‌ها", "ویژگی‌های شیئی", "افراد", "زیرردهٔ", "دامنه"],
    "zh-Hans": ["类", "对象属性", "个体", "子类于", "定义域"],
}


def term_section(html: str, anchor: str) -> str:
    start = html.index(f'<section class="term" id="{anchor}">')
    return html[start : html.index("</section>", start)]


@pytest.fixture(scope="module")
def ontology():
    return shipped_ontology()


@pytest.mark.parametrize("lang", ("en", "fa", "zh-Hans"))
def test_the_page_reads_in_the_language_asked_for_on_a_real_server(dataset_server, ontology, lang):
    reply = requests.get(
        f"{dataset_server.url}/ontology",
        headers={"Accept": BROWSER, "Accept-Language": lang},
        timeout=HTTP_DEADLINE,
    )
    assert reply.status_code == 200 and reply.headers["Content-Language"] == lang
    assert "Accept-Language" in reply.headers["Vary"]
    html = reply.text
    direction = "rtl" if lang == "fa" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    seen = interface(html).headings
    for word in HEADINGS[lang]:
        assert word in seen, word
    if lang != "en":
        assert "Classes" not in seen and "Subclass of" not in seen
        assert english_words(html) == []
    # every class of the ontology is headed by its label in the reader's language
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef) or not str(cls).startswith(LAMC):
            continue
        labels = [(str(p), literal(lab)) for p in LABELS for lab in ontology.objects(cls, p)]
        chosen = pick_label(labels, lang=lang)
        heading = term_section(html, anchor(str(cls))).partition("</h3>")[0]
        assert chosen is not None and f">{escape(chosen.value)}</bdi>" in heading, cls
        if (chosen.language or "") == lang:
            assert 'class="fallback"' not in heading


def test_persian_labels_and_definitions_are_right_to_left(dataset_server):
    html = requests.get(
        f"{dataset_server.url}/ontology?lang=fa",
        headers={"Accept": BROWSER},
        timeout=HTTP_DEADLINE,
    ).text
    section = term_section(html, "AcademicLibrary")
    heading = section.partition("</h3>")[0]
    assert re.search(r'<bdi lang="fa" dir="rtl">[^<]*کتابخانه[^<]*</bdi>', heading)
    # the definition is the Persian one (it was the English one, marked as such), and so is
    # the ontology's description
    definition = section.partition('<p class="definition">')[2].partition("</p>")[0]
    assert re.search(r'<bdi lang="fa" dir="rtl">کتابخانهٔ دانشگاه[^<]*</bdi>', definition)
    assert 'class="fallback"' not in definition
    about = html.partition('<p class="description">')[2].partition("</p>")[0]
    assert '<bdi lang="fa" dir="rtl">هستی‌شناسی OWL 2' in about
    # relations name their targets in Persian, linked to their anchors
    assert re.search(r'<a href="#Library" title="[^"]+"><bdi lang="fa" dir="rtl">', section)


def test_expressions_are_worded_in_the_readers_language(client):
    html = client.get("/ontology?lang=zh-Hans", headers={"Accept": BROWSER}).text
    section = term_section(html, "fundingModel")
    assert " 或 " in section and 'href="#Agreement"' in section
    english = client.get("/ontology?lang=en", headers={"Accept": BROWSER}).text
    assert " or " in term_section(english, "fundingModel")


@pytest.fixture(scope="module")
def client(dataset_reader):
    with service_client(dataset_reader) as opened:
        yield opened


def test_each_language_is_made_once_per_data_version(client):
    first = client.get("/ontology?lang=fa", headers={"Accept": BROWSER})
    again = client.get("/ontology", headers={"Accept": BROWSER, "Accept-Language": "fa"})
    chinese = client.get("/ontology.html?lang=zh-Hans")
    assert first.data == again.data and first.data != chinese.data
    with client.application.app_context():  # the service keeps each language's page
        svc = service()
        version = svc.executor.version
        for lang, reply in (("fa", first), ("zh-Hans", chinese)):
            kept = svc.rendered.get(version, ("ontology", "html", lang), lambda: b"not kept")
            assert kept == reply.data
    turtle = client.get("/ontology.ttl?lang=fa").data
    assert turtle == client.get("/ontology.ttl?lang=zh-Hans").data
    assert b"lamc:Institution" in turtle or b"ontology#Institution" in turtle


def test_the_served_page_has_every_anchor_of_the_static_copy(client, repo_root):
    static = (repo_root / "docs" / "ontology.html").read_text(encoding="utf-8")
    served = client.get("/ontology?lang=fa", headers={"Accept": BROWSER}).text
    ids = set(re.findall(r' id="([^"]+)"', static))
    assert len(ids) > 200
    assert not ids - set(re.findall(r' id="([^"]+)"', served))
