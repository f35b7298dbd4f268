"""Dereferencing: 303s, formats by Accept and extension, the headers, ETags, 404 and 406,
pages, the graph of each statement (through Flask's test client over the session's dataset
store); rdflib, a real client, dereferences every RDF format from a real server."""

from __future__ import annotations

import hashlib
import http.client
import re

import pytest
import rdflib
import rdflib.compare
import requests

from tests.conftest import service_client
from tests.linked_data_support import BASE, CALIS, MUSEUM
from tests.servers import HTTP_DEADLINE

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
def client(dataset_reader):
    with service_client(dataset_reader) as opened:
        yield opened


def get(client, path: str, **headers: str):
    return client.get(path, headers=headers)


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_rdflib_dereferences_calis_in_every_format(dataset_server, fmt):
    server = dataset_server
    calis = rdflib.URIRef(CALIS)
    if fmt == "nquads":  # rdflib asks for N-Quads with no Accept of its own: say it here
        reply = requests.get(
            server.url + "/id/institution/calis",
            headers={"Accept": "application/n-quads"},
            timeout=HTTP_DEADLINE,
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


def test_id_redirects_with_303_honouring_accept(client):
    for media, ext in RDF_FORMATS.values():
        r = get(client, "/id/institution/calis", Accept=media)
        assert r.status_code == 303
        assert r.headers["Location"] == f"/doc/institution/calis.{ext}"
        assert "Accept" in r.headers["Vary"]
    html = get(client, "/id/institution/calis", Accept="text/html,*/*;q=0.8")
    assert html.headers["Location"] == "/doc/institution/calis.html"
    ranked = get(client, "/id/institution/calis", Accept="text/turtle;q=0.4, application/ld+json")
    assert ranked.headers["Location"].endswith(".jsonld")


def test_doc_headers(client):
    r = get(client, "/doc/institution/calis", Accept="text/turtle", **{"Accept-Language": "fa"})
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
    html = get(client, "/doc/institution/calis.html", **{"Accept-Language": "zh-CN"})
    assert html.headers["Content-Language"] == "zh-Hans"
    # A Dari reader's Windows in Afghanistan asks for prs-AF: the Persian page, not English.
    dari = get(client, "/doc/institution/calis.html", **{"Accept-Language": "prs-AF,prs;q=0.9"})
    assert dari.headers["Content-Language"] == "fa" and b'dir="rtl"' in dari.data


def test_etag_and_304(client):
    first = get(client, "/doc/institution/calis.ttl")
    tag = first.headers["ETag"]
    assert tag
    again = get(client, "/doc/institution/calis.ttl", **{"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    other = get(client, "/doc/institution/calis.nt", **{"If-None-Match": tag})
    assert other.status_code == 200


def test_unknown_entity_is_404_with_a_search_hint(client):
    r = get(client, "/id/institution/no-such-library", Accept="text/turtle")
    assert r.status_code == 404
    assert "/search?q=no-such-library" in r.text
    assert r.headers["Content-Type"].startswith("text/plain")
    assert get(client, "/doc/institution/no-such-library.ttl").status_code == 404


def test_unacceptable_type_is_406(client):
    r = get(client, "/doc/institution/calis", Accept="image/png")
    assert r.status_code == 406
    assert "text/turtle" in r.text
    assert get(client, "/id/institution/calis", Accept="image/png").status_code == 406


@pytest.mark.parametrize(("ext", "syntax"), [("nq", "nquads"), ("trig", "trig")])
def test_quad_formats_carry_the_description_once_in_the_default_graph(client, ext, syntax):
    data = rdflib.Dataset()
    data.parse(data=get(client, f"/doc/institution/calis.{ext}").text, format=syntax)
    default = str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    assert {str(g) for *_, g in data.quads()} == {default}
    labels = set(
        data.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID).objects(rdflib.URIRef(CALIS), SKOS_PREF)
    )
    assert {str(label) for label in labels} >= {"中国高等教育文献保障系统"}
    incoming = set(data.quads((rdflib.URIRef(MUSEUM), None, rdflib.URIRef(CALIS), None)))
    assert len(incoming) == 1
    turtle = rdflib.Graph().parse(data=get(client, "/doc/institution/calis.ttl").text)
    assert len(data.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)) == len(turtle)


def test_json_ld_is_compact_with_a_context_and_reads_back_the_same(client):
    compact = get(client, "/doc/institution/calis.jsonld")
    document = compact.get_json()
    assert document["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert any("skos:prefLabel" in node for node in document["@graph"])
    as_jsonld = _about_the_entity(rdflib.Graph().parse(data=compact.text, format="json-ld"))
    turtle = get(client, "/doc/institution/calis.ttl").text
    as_turtle = _about_the_entity(rdflib.Graph().parse(data=turtle, format="turtle"))
    assert len(as_jsonld) == len(as_turtle) > 0
    assert rdflib.compare.isomorphic(as_jsonld, as_turtle)


def _about_the_entity(graph: rdflib.Graph) -> rdflib.Graph:
    """``graph`` without the document's statements about itself (its IRI is per format)."""
    kept = rdflib.Graph()
    for triple in graph:
        if not str(triple[0]).startswith("http://localhost/doc/"):
            kept.add(triple)
    return kept


def test_incoming_statements_are_paginated(client):
    first = get(client, "/doc/institution/calis.ttl")
    links = requests.utils.parse_header_links(first.headers["Link"])
    # Calis has fewer incoming statements than a page: no next page.
    assert not [link for link in links if link["rel"] == "next"]
    past = get(client, "/doc/institution/calis.ttl?page=9")
    assert past.status_code == 404
    assert get(client, "/doc/institution/calis.ttl?page=x").status_code == 400


def test_blank_node_closure_and_labels_of_what_it_points_to(client):
    guangdong = BASE + "id/institution/guangdong-network-library"
    g = rdflib.Graph().parse(
        data=get(client, "/doc/institution/guangdong-network-library.ttl").text
    )
    statements = list(g.subjects(rdflib.RDF.subject, rdflib.URIRef(guangdong)))
    assert statements, "the rdf:Statement nodes citing the consortium's facts are included"
    assert all(isinstance(s, rdflib.BNode) for s in statements)
    assert any(g.objects(s, rdflib.URIRef("http://purl.org/dc/terms/source")) for s in statements)
    party_labels = [
        o
        for p in g.objects(rdflib.URIRef(guangdong), None)
        if isinstance(p, rdflib.URIRef)
        for o in g.objects(p, SKOS_PREF)
    ]
    assert party_labels


def test_html_page_links_locally_and_shows_sources(client):
    r = get(client, "/doc/institution/calis.html?lang=en")
    assert r.status_code == 200
    assert 'href="/id/unit/calis-management-centre"' in r.text
    assert "seed-002" in r.text
    assert 'lang="zh-Hans"' in r.text
    # CALIS's English name is printed by the source, its Persian one is our translation;
    # NSTL's English name is our translation too.
    assert _marked(r.text) == {"fa": True, "zh-Hans": False, "en": False}
    nstl = get(client, "/doc/institution/nstl.html?lang=en")
    assert _marked(nstl.text)["en"]  # nstl states lamc:translatedLanguage "en"


def _marked(page: str) -> dict[str, bool]:
    """Each language of the page's labels (its list of names), and whether the label in it
    is marked as lamcoop's translation."""
    items = re.findall(r'<li><bdi lang="([^"]+)"[^>]*>[^<]*</bdi>(.*?)</li>', page)
    return {lang: "(translation)" in rest for lang, rest in items}


def test_persian_page_is_right_to_left(client):
    r = get(client, "/doc/concept/lam-study-codes/technological-platform.html?lang=fa")
    assert r.status_code == 200
    assert '<html lang="fa" dir="rtl">' in r.text
    assert r.headers["Content-Language"] == "fa"


def test_map_for_an_entity_with_coordinates(client):
    r = get(client, "/doc/institution/test-museum.html")
    assert '<svg class="map"' in r.text
    assert "38.88950, -77.03530" in r.text
    assert '<svg class="map"' not in get(client, "/doc/institution/calis.html").text


def test_search_json_and_html(client):
    found = client.get(
        "/search", query_string={"q": "CALIS"}, headers={"Accept": "application/json"}
    ).get_json()
    assert CALIS in [r["iri"] for r in found["results"]]
    chinese = client.get("/search", query_string={"q": "高等教育文献", "format": "json"}).get_json()
    assert CALIS in [r["iri"] for r in chinese["results"]]
    persian = client.get("/search", query_string={"q": "فناوری", "format": "json"}).get_json()
    assert persian["results"]
    page = client.get("/search", query_string={"q": "calis"})
    assert 'href="/id/institution/calis"' in page.text


def test_home_page(client):
    r = get(client, "/")
    assert r.status_code == 200
    assert 'id="paradigm-model"' in r.text
    assert r.text.count('class="role"') == 6
    assert "(18)" in r.text  # technological platform, Table 6 frequency
    assert 'href="/id/institution/calis"' in r.text


def test_ontology_in_every_format(client, dataset_server):
    for media, ext in list(RDF_FORMATS.values())[:4]:
        r = get(client, "/ontology", Accept=media)
        assert r.status_code == 200, media
        assert r.headers["Content-Location"] == f"/ontology.{ext}"
    g = rdflib.Graph().parse(dataset_server.url + "/ontology", format="xml")  # a real client
    assert (rdflib.URIRef(BASE + "ontology#Consortium"), rdflib.RDF.type, rdflib.OWL.Class) in g
    html = get(client, "/ontology", Accept="text/html")
    assert 'id="Consortium"' in html.text


def test_audit_json_csv_and_one_agreement(client):
    data = get(client, "/audit", Accept="application/json").get_json()
    assert data["run"]["agreements"] == len(data["agreements"]) > 0
    csv_text = get(client, "/audit?format=csv").text
    assert csv_text.splitlines()[0].startswith("agreement,label,completeness")
    one = get(client, "/audit/national-book-coordination-plan-1957?format=json").get_json()
    assert one["agreements"][0]["iri"] == BASE + "id/agreement/national-book-coordination-plan-1957"
    # The example register is audited too, from its own graph.
    iris = {a["iri"] for a in data["agreements"]}
    assert BASE + "id/agreement/example-ad-hoc-memorandum" in iris
    assert not [i for i in iris if i.endswith("-charter")]
    assert get(client, "/audit/no-such-agreement").status_code == 404
    assert get(client, "/audit?sort=bogus").status_code == 400
    by_label = get(client, "/audit?sort=label").text
    assert by_label.index("Example: agreement on") < by_label.index("Example: an ad hoc")


def test_dumps_listed_and_served_with_their_checksums(client):
    listing = get(client, "/dumps/?format=json").get_json()
    names = {f["name"]: f for f in listing}
    assert {"lamcoop.nq.gz", "seed-002.ttl", "test-geo.ttl"} <= set(names)
    assert "void.ttl" not in names
    ttl = get(client, "/dumps/test-geo.ttl")
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    assert hashlib.sha256(ttl.data).hexdigest() == names["test-geo.ttl"]["sha256"]
    gz = get(client, "/dumps/lamcoop.nq.gz")
    assert gz.headers["Content-Type"] == "application/n-quads"
    assert gz.headers["Content-Encoding"] == "gzip"
    assert len(gz.data) == names["lamcoop.nq.gz"]["bytes"]
    assert get(client, "/dumps/../store").status_code == 404
    assert "lamcoop.nq.gz" in get(client, "/dumps/").text


def test_a_304_keeps_the_connection_open(dataset_server):
    """uWSGI's router keeps a connection open only after a response with a length: the 304
    says the length of the full document, as RFC 9110 allows."""
    connection = http.client.HTTPConnection(
        dataset_server.url.removeprefix("http://"), timeout=HTTP_DEADLINE
    )
    try:
        connection.request("GET", "/doc/institution/calis.ttl")
        first = connection.getresponse()
        body = first.read()
        tag = first.getheader("ETag")
        connection.request("GET", "/doc/institution/calis.ttl", headers={"If-None-Match": tag})
        again = connection.getresponse()
        assert again.status == 304 and again.read() == b""
        assert again.getheader("Content-Length") == str(len(body))
        assert not again.will_close and again.getheader("Connection") != "close"
        socket_before = connection.sock
        connection.request("GET", "/-/health")
        assert connection.getresponse().status == 200
        assert connection.sock is socket_before  # the same connection served the third
    finally:
        connection.close()
