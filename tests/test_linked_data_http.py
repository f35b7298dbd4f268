"""Dereferencing over real HTTP: 303s, formats by Accept and extension, the headers, ETags,
404 and 406, pages, the graph of each statement; rdflib reads every RDF format."""

from __future__ import annotations

import hashlib

import pytest
import rdflib
import requests

from tests.linked_data_support import BASE, CALIS, MUSEUM, start_server

RDF_FORMATS = {
    "turtle": ("text/turtle", "ttl"),
    "nt": ("application/n-triples", "nt"),
    "json-ld": ("application/ld+json", "jsonld"),
    "xml": ("application/rdf+xml", "rdf"),
    "nquads": ("application/n-quads", "nq"),
    "trig": ("application/trig", "trig"),
}
# rdflib's own parsers (JSON-LD, N-Quads, TriG) use APIs that rdflib itself deprecates.
pytestmark = [
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]
SKOS_PREF = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with start_server(tmp_path_factory.mktemp("ld-http")) as running:
        yield running


def get(server, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers=headers, allow_redirects=False, timeout=30)


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdflib_dereferences_calis_in_every_format(server, fmt):
    calis = rdflib.URIRef(CALIS)
    if fmt == "nquads":  # rdflib asks for N-Quads with no Accept of its own: say it here
        reply = requests.get(
            server.url + "/id/institution/calis",
            headers={"Accept": "application/n-quads"},
            timeout=30,
        )
        assert reply.history[0].status_code == 303
        data = rdflib.Dataset()
        data.parse(data=reply.text, format="nquads")
        labels = {str(q[2]) for q in data.quads((calis, SKOS_PREF, None, None))}
    elif fmt == "trig":
        data = rdflib.Dataset()
        data.parse(server.url + "/id/institution/calis", format="trig")
        labels = {str(q[2]) for q in data.quads((calis, SKOS_PREF, None, None))}
    else:
        graph = rdflib.Graph().parse(server.url + "/id/institution/calis", format=fmt)
        labels = {str(o) for o in graph.objects(calis, SKOS_PREF)}
    assert "China Academic Library & Information System" in labels
    assert "中国高等教育文献保障系统" in labels


def test_id_redirects_with_303_honouring_accept(server):
    for media, ext in RDF_FORMATS.values():
        r = get(server, "/id/institution/calis", Accept=media)
        assert r.status_code == 303
        assert r.headers["Location"] == f"/doc/institution/calis.{ext}"
        assert "Accept" in r.headers["Vary"]
    html = get(server, "/id/institution/calis", Accept="text/html,*/*;q=0.8")
    assert html.headers["Location"] == "/doc/institution/calis.html"
    ranked = get(server, "/id/institution/calis", Accept="text/turtle;q=0.4, application/ld+json")
    assert ranked.headers["Location"].endswith(".jsonld")


def test_doc_headers(server):
    r = get(server, "/doc/institution/calis", Accept="text/turtle", **{"Accept-Language": "fa"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/turtle")
    assert {v.strip() for v in r.headers["Vary"].split(",")} >= {"Accept", "Accept-Language"}
    assert r.headers["Content-Location"] == "/doc/institution/calis.ttl"
    links = requests.utils.parse_header_links(r.headers["Link"])
    alternates = {link["type"]: link["url"] for link in links if link.get("rel") == "alternate"}
    assert alternates["application/ld+json"] == "/doc/institution/calis.jsonld"
    assert alternates["text/html"] == "/doc/institution/calis.html"
    assert len(alternates) == 7
    derived = {link["url"] for link in links if link["rel"].endswith("wasDerivedFrom")}
    assert BASE + "graph/seed-002" in derived
    html = get(server, "/doc/institution/calis.html", **{"Accept-Language": "zh-CN"})
    assert html.headers["Content-Language"] == "zh-Hans"


def test_etag_and_304(server):
    first = get(server, "/doc/institution/calis.ttl")
    tag = first.headers["ETag"]
    assert tag
    again = get(server, "/doc/institution/calis.ttl", **{"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    other = get(server, "/doc/institution/calis.nt", **{"If-None-Match": tag})
    assert other.status_code == 200


def test_unknown_entity_is_404_with_a_search_hint(server):
    r = get(server, "/id/institution/no-such-library", Accept="text/turtle")
    assert r.status_code == 404
    assert "/search?q=no-such-library" in r.text
    assert r.headers["Content-Type"].startswith("text/plain")
    assert get(server, "/doc/institution/no-such-library.ttl").status_code == 404


def test_unacceptable_type_is_406(server):
    r = get(server, "/doc/institution/calis", Accept="image/png")
    assert r.status_code == 406
    assert "text/turtle" in r.text
    assert get(server, "/id/institution/calis", Accept="image/png").status_code == 406


def test_quads_keep_the_graph_of_each_statement(server):
    data = rdflib.Dataset()
    data.parse(data=get(server, "/doc/institution/calis.nq").text, format="nquads")
    graphs = {str(g) for _, _, _, g in data.quads((rdflib.URIRef(CALIS), None, None, None))}
    assert BASE + "graph/seed-002" in graphs
    assert BASE + "graph/test-geo" not in graphs  # calis is the object there, not the subject
    incoming = set(data.quads((rdflib.URIRef(MUSEUM), None, rdflib.URIRef(CALIS), None)))
    assert {str(g) for *_, g in incoming} == {BASE + "graph/test-geo"}


def test_incoming_statements_are_paginated(server):
    first = get(server, "/doc/institution/calis.ttl")
    links = requests.utils.parse_header_links(first.headers["Link"])
    # Calis has fewer incoming statements than a page: no next page.
    assert not [link for link in links if link["rel"] == "next"]
    past = get(server, "/doc/institution/calis.ttl?page=9")
    assert past.status_code == 404
    assert get(server, "/doc/institution/calis.ttl?page=x").status_code == 400


def test_blank_node_closure_and_labels_of_what_it_points_to(server):
    g = rdflib.Graph().parse(data=get(server, "/doc/agreement/calis-charter.ttl").text)
    statements = list(
        g.subjects(rdflib.RDF.subject, rdflib.URIRef(BASE + "id/agreement/calis-charter"))
    )
    assert statements, "the rdf:Statement nodes citing the agreement's facts are included"
    assert all(isinstance(s, rdflib.BNode) for s in statements)
    assert any(g.objects(s, rdflib.URIRef("http://purl.org/dc/terms/source")) for s in statements)
    party_labels = [
        o
        for p in g.objects(rdflib.URIRef(BASE + "id/agreement/calis-charter"), None)
        if isinstance(p, rdflib.URIRef)
        for o in g.objects(p, SKOS_PREF)
    ]
    assert party_labels


def test_html_page_links_locally_and_shows_sources(server):
    r = get(server, "/doc/institution/calis.html?lang=en")
    assert r.status_code == 200
    assert 'href="/id/unit/calis-management-centre"' in r.text
    assert "seed-002" in r.text
    assert 'lang="zh-Hans"' in r.text
    assert "(translation)" in r.text  # calis states lamc:translatedLanguage "en"


def test_persian_page_is_right_to_left(server):
    r = get(server, "/doc/concept/lam-study-codes/technological-platform.html?lang=fa")
    assert r.status_code == 200
    assert '<html lang="fa" dir="rtl">' in r.text
    assert r.headers["Content-Language"] == "fa"


def test_map_for_an_entity_with_coordinates(server):
    r = get(server, "/doc/institution/test-museum.html")
    assert '<svg class="map"' in r.text
    assert "38.88950, -77.03530" in r.text
    assert '<svg class="map"' not in get(server, "/doc/institution/calis.html").text


def test_search_json_and_html(server):
    found = requests.get(
        server.url + "/search",
        params={"q": "CALIS"},
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert CALIS in [r["iri"] for r in found["results"]]
    chinese = requests.get(
        server.url + "/search", params={"q": "高等教育文献", "format": "json"}, timeout=30
    ).json()
    assert CALIS in [r["iri"] for r in chinese["results"]]
    persian = requests.get(
        server.url + "/search", params={"q": "فناوری", "format": "json"}, timeout=30
    ).json()
    assert persian["results"]
    page = requests.get(server.url + "/search", params={"q": "calis"}, timeout=30)
    assert 'href="/id/institution/calis"' in page.text


def test_home_page(server):
    r = get(server, "/")
    assert r.status_code == 200
    assert 'id="paradigm-model"' in r.text
    assert r.text.count('class="role"') == 6
    assert "(18)" in r.text  # technological platform, Table 6 frequency
    assert 'href="/id/institution/calis"' in r.text


def test_ontology_in_every_format(server):
    for media, ext in list(RDF_FORMATS.values())[:4]:
        r = get(server, "/ontology", Accept=media)
        assert r.status_code == 200, media
        assert r.headers["Content-Location"] == f"/ontology.{ext}"
    g = rdflib.Graph().parse(server.url + "/ontology", format="xml")
    assert (rdflib.URIRef(BASE + "ontology#Consortium"), rdflib.RDF.type, rdflib.OWL.Class) in g
    html = get(server, "/ontology", Accept="text/html")
    assert 'id="Consortium"' in html.text


def test_audit_json_csv_and_one_agreement(server):
    data = get(server, "/audit", Accept="application/json").json()
    assert data["run"]["agreements"] == len(data["agreements"]) > 0
    csv_text = get(server, "/audit?format=csv").text
    assert csv_text.splitlines()[0].startswith("agreement,label,completeness")
    one = get(server, "/audit/calis-charter?format=json").json()
    assert one["agreements"][0]["iri"] == BASE + "id/agreement/calis-charter"
    assert get(server, "/audit/no-such-agreement").status_code == 404
    assert get(server, "/audit?sort=bogus").status_code == 400
    by_label = get(server, "/audit?sort=label").text
    assert by_label.index("Beijing") < by_label.index("Yangtze")


def test_dumps_listed_and_served_with_their_checksums(server):
    listing = get(server, "/dumps/?format=json").json()
    names = {f["name"]: f for f in listing}
    assert {"lamcoop.nq.gz", "seed-002.ttl", "test-geo.ttl"} <= set(names)
    assert "void.ttl" not in names
    ttl = get(server, "/dumps/test-geo.ttl")
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    assert hashlib.sha256(ttl.content).hexdigest() == names["test-geo.ttl"]["sha256"]
    gz = get(server, "/dumps/lamcoop.nq.gz")
    assert gz.headers["Content-Type"] == "application/gzip"
    assert len(gz.content) == names["lamcoop.nq.gz"]["bytes"]
    assert get(server, "/dumps/../store").status_code == 404
    assert "lamcoop.nq.gz" in get(server, "/dumps/").text
