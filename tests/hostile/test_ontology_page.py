"""The served ontology page over a hostile ontology graph and hostile language choices: markup
in labels is escaped, script IRIs are never links, an unknown language reads English, in
every language; the store is exactly as it was."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from conftest import service_client

from graph_loader.resources import resource_dir
from tests.audit_support import settings
from tests.hostile.conftest import store_state

BROWSER = {"Accept": "text/html"}
TERM = "urn:x-lamcoop-test:Odd"
HOSTILE = f"""
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{TERM}> a owl:Class ;
    rdfs:label "<script>alert(7)</script>"@en , "\u202eکلاس <b>بد</b>"@fa ;
    skos:definition "<img src=x onerror=alert(7)>"@fa ;
    rdfs:subClassOf <javascript:alert(7)> ;
    rdfs:seeAlso <data:text/html;base64,PHNjcmlwdD4=> .
<https://w3id.org/lamcoop/ontology> <http://purl.org/dc/terms/license> <javascript:alert(8)> .
"""


@pytest.fixture(scope="module")
def hostile_ontology(tmp_path_factory):
    from graph_loader.store import open_store

    store = open_store(tmp_path_factory.mktemp("hostile-ontology") / "store")
    shipped = (resource_dir("ontology") / "lamcoop.ttl").read_text(encoding="utf-8")
    store.replace_graph(
        (shipped + HOSTILE).encode("utf-8"),
        graph=settings().graph_iri("ontology"),
        format=ox.RdfFormat.TURTLE,
    )
    yield store
    store.close()


@pytest.mark.parametrize("lang", ("en", "fa", "zh-Hans"))
def test_markup_is_escaped_and_script_iris_are_not_links(hostile_ontology, lang):
    before = store_state(hostile_ontology)
    with service_client(hostile_ontology) as client:
        reply = client.get(f"/ontology?lang={lang}", headers=BROWSER)
    assert reply.status_code == 200
    html = reply.text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>بد" not in html
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in html or lang != "en"
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and not [h for h in hrefs if not h.startswith(("#", "/", "?", "http"))]
    assert "javascript:alert(7)" in html  # shown as text, not dropped
    assert store_state(hostile_ontology) == before


@pytest.mark.parametrize("lang", ("<script>", "xx", "fa\r\nX-Injected: 1", "de-" * 300, "*"))
def test_an_unknown_language_reads_english(hostile_ontology, lang):
    before = store_state(hostile_ontology)
    with service_client(hostile_ontology) as client:
        by_param = client.get("/ontology", query_string={"lang": lang}, headers=BROWSER)
        header = lang.replace("\r\n", " ")  # a client cannot send a line break in a header
        by_header = client.get("/ontology", headers={**BROWSER, "Accept-Language": header})
    for reply in (by_param, by_header):
        assert reply.status_code == 200
        assert reply.headers["Content-Language"] == "en"
        assert '<html lang="en" dir="ltr">' in reply.text
        assert "X-Injected" not in reply.headers
    assert store_state(hostile_ontology) == before
