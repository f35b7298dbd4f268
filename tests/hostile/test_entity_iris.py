"""Entities whose IRIs are not plain ASCII words, dereferenced through a real server.

Three defects, found by dereferencing a user's graph whose IRIs are written as people write
them:

* An entity IRI with a Persian word in it (``…/id/institution/ملی-خام``) made a document
  whose ``Link: <…>; rel="describes"`` header held the IRI as it is: not Latin-1, so the
  front failed the response and the client got an empty reply (a worker, a 500).
* An IRI holding percent-encodings of its own (``…/%D9%85%D9%84%DB%8C``, ``…/a%20b``,
  ``…/a%2Fb``, as tools that write URIs write them) could not be dereferenced at its own
  URL: the server decoded the path and looked for another IRI (404, or 400 for the space).
  A path now names the IRI as sent first, then as decoded (``entity_paths``).
* The CSV and XLSX of an agreement's audit named the download after its slug in a
  ``Content-Disposition`` header: a Persian slug failed the response the same way.
"""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from werkzeug.urls import iri_to_uri

from graph_loader.audit.run import run_audit
from graph_loader.publish.dump import write_dumps
from graph_loader.store import open_store
from tests.audit_support import agreement, load_shipped, load_turtle, settings
from tests.servers import RunningServer

BASE = "https://w3id.org/lamcoop/"
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
#: Each entity's IRI after ``{base}id/``, and its label.
ENTITIES = {
    "institution/ملی-خام": "کتابخانهٔ خام",
    "institution/%D9%85%D9%84%DB%8C": "کتابخانهٔ ملی نمونه",
    "institution/a%20b": "space encoded",
    "institution/a%2Fb": "slash encoded",
    "institution/100%25": "percent encoded",
    "institution/北京大学": "北京大学",
}
AGREEMENT = "توافق-۱"
#: A graph named in Persian (its dump is named by a hash) and a thing it holds.
PERSIAN_GRAPH, IN_PERSIAN_GRAPH = BASE + "graph/داده\u200cها", "institution/in-persian-graph"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("entity-iris")
    store, s = open_store(folder / "store"), settings()
    load_shipped(store, s)
    turtle = "".join(
        f'<{BASE}id/{path}> a lamc:Institution ; rdfs:label "{label}" .\n'
        for path, label in ENTITIES.items()
    )
    turtle += agreement("x", ["parties"]).replace("agr:x ", f"<{BASE}id/agreement/{AGREEMENT}> ")
    load_turtle(store, turtle)
    load_turtle(store, f"<{BASE}id/{IN_PERSIAN_GRAPH}> a lamc:Institution .\n", graph=PERSIAN_GRAPH)
    run_audit(store, s)
    write_dumps(store, s.replace(store=str(folder / "store")))
    store.close()
    with RunningServer(folder / "store", folder, {"workers": 1}) as running:
        yield running


@pytest.mark.parametrize("path", list(ENTITIES))
@pytest.mark.parametrize("extension", ["ttl", "html"])
def test_an_entity_is_found_at_its_own_url_in_every_form(server, path, extension):
    iri = f"{BASE}id/{path}"
    url = server.url + iri_to_uri(f"/id/{path}")  # the path a client sends for the IRI
    accept = "text/turtle" if extension == "ttl" else "text/html"
    redirect = requests.get(url, headers={"Accept": accept}, allow_redirects=False, timeout=60)
    assert redirect.status_code == 303, (url, redirect.text)
    document = requests.get(server.url + redirect.headers["Location"], timeout=60)
    assert document.status_code == 200, (redirect.headers["Location"], document.text)
    links = requests.utils.parse_header_links(document.headers["Link"])
    described = [link["url"] for link in links if link.get("rel") == "describes"]
    assert described == [iri_to_uri(iri)]
    if extension == "ttl":
        graph = Graph().parse(data=document.text, format="turtle", publicID=url)
        assert (URIRef(iri), LABEL, Literal(ENTITIES[path])) in graph
    else:
        assert ENTITIES[path] in document.text


def test_the_decoded_spelling_still_finds_the_entity(server):
    """A link that encoded the IRI's own ``%`` (``%25``) names it too, as before."""
    url = server.url + "/id/institution/a%2520b"
    answer = requests.get(url, headers={"Accept": "text/turtle"}, timeout=60)
    assert answer.status_code == 200 and "space encoded" in answer.text


def test_nothing_known_is_404_and_an_invalid_iri_400(server):
    """``%3Cx%3E`` is a valid IRI's own spelling (nothing known: 404); a target sent with a
    raw ``|`` names no valid IRI either way (400)."""
    for path in ("/id/institution/x%20y", "/id/institution/%3Cx%3E"):
        assert requests.get(server.url + path, timeout=60).status_code == 404
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", "/id/institution/a|b")
        assert connection.getresponse().status == 400
    finally:
        connection.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_agreement_with_a_persian_slug_is_downloaded_under_its_name(server, fmt):
    url = f"{server.url}/audit/{urllib.parse.quote(AGREEMENT)}?format={fmt}"
    answer = requests.get(url, timeout=60)
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{urllib.parse.quote(AGREEMENT)}.{fmt}" in disposition
    assert disposition.isascii()


def test_a_graph_named_in_persian_links_to_its_dump(server):
    """Pages linked a graph to ``/dumps/{its name}.ttl``, but a graph whose name is not
    plain letters, digits and hyphens is dumped under a hash: the link was a 404."""
    page = requests.get(f"{server.url}/doc/{IN_PERSIAN_GRAPH}.html", timeout=60)
    assert page.status_code == 200
    links = set(re.findall(r'class="graph" href="(/dumps/[^"]+)"', page.text))
    assert links, page.text
    for link in links:
        dump = requests.get(server.url + link, timeout=60)
        assert dump.status_code == 200, link


@pytest.mark.parametrize(
    ("target", "status"),
    [("/id/institution/a%20b", 303), ("/doc/institution/a%20b.ttl", 200), ("/-/health", 200)],
)
def test_a_target_in_absolute_form_is_read_as_its_path(server, target, status):
    """``GET http://host/id/... HTTP/1.1`` (a request target in absolute form, as proxies
    send it and RFC 9112 has servers take) was a 404 whatever the path: routing saw the
    whole URL as the path. The host of the target is the request's host."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.putrequest("GET", f"{server.url}{target}", skip_host=True)
        connection.putheader("Host", "elsewhere.invalid")
        connection.putheader("Accept", "text/turtle")
        connection.endheaders()
        answer = connection.getresponse()
        answer.read()
    finally:
        connection.close()
    assert answer.status == status, target
    if status == 303:
        assert answer.getheader("Location").startswith("/doc/institution/a%20b.")
