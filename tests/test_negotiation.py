"""One negotiation for every surface: the same format names on the command line and over
HTTP (``n3`` is Turtle on both), 406 naming what a surface offers, and conditional GET."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.rdf_formats import (
    RDF_SYNTAXES,
    RESULTS_SYNTAXES,
    format_for_path,
    rdf_format,
    results_format,
)
from sparql_endpoint.negotiation import GRAPH_OFFERS, RESULTS_OFFERS, content_type
from tests.app_support import DATA_GRAPH, small_app

RDF_NAMES = [(s.format, name) for s in RDF_SYNTAXES for name in (*s.names, *s.media_types)]
RESULTS_NAMES = [(s.format, n) for s in RESULTS_SYNTAXES for n in (*s.names, *s.media_types)]
CONSTRUCT = "CONSTRUCT WHERE { ?s ?p ?o }"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with small_app(tmp_path_factory.mktemp("negotiation")) as running:
        yield running


@pytest.mark.parametrize(("fmt", "name"), RDF_NAMES, ids=[n for _, n in RDF_NAMES])
def test_an_rdf_name_means_one_syntax_on_the_command_line_and_over_http(client, fmt, name):
    assert rdf_format(name) is fmt
    assert GRAPH_OFFERS.lookup(name) is fmt
    for path, args in (
        ("/graph-store", {"graph": DATA_GRAPH}),
        ("/.well-known/void", {}),
        (
            "/doc/thing/a",
            {},
        ),
    ):
        reply = client.get(path, query_string={**args, "format": name}, headers={"Accept": "x/y"})
        assert reply.status_code == 200, (path, reply.text)
        assert reply.headers["Content-Type"] == content_type(fmt), path
        assert list(ox.parse(reply.data, format=fmt))


@pytest.mark.parametrize(("fmt", "name"), RESULTS_NAMES, ids=[n for _, n in RESULTS_NAMES])
def test_a_results_name_means_one_format_on_the_command_line_and_over_http(client, fmt, name):
    assert results_format(name) is fmt
    reply = client.get("/sparql", query_string={"query": SELECT, "format": name})
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == content_type(fmt)


def test_n3_is_turtle_everywhere(client, invoke, tmp_path):
    assert rdf_format("n3") is ox.RdfFormat.TURTLE
    assert format_for_path("rules.n3") is ox.RdfFormat.TURTLE
    for accept, param in (("text/n3", None), ("x/y", "n3")):
        query = {"query": CONSTRUCT} | ({"format": param} if param else {})
        reply = client.get("/sparql", query_string=query, headers={"Accept": accept})
        assert reply.headers["Content-Type"].startswith("text/turtle")
    data = tmp_path / "data.n3"
    data.write_text("<http://e/a> <http://e/p> <http://e/b> .\n", encoding="utf-8")
    assert invoke("load", str(data)).exit_code == 0
    n3, turtle = (invoke("query", "--format", f, CONSTRUCT).stdout for f in ("n3", "turtle"))
    assert n3 == turtle and "<http://e/b>" in n3


def test_a_format_the_response_cannot_take_leaves_the_choice_to_accept(client):
    reply = client.get(
        "/sparql",
        query_string={"query": SELECT, "format": "n3"},
        headers={"Accept": "text/csv"},
    )
    assert reply.headers["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(
    ("path", "served"),
    [
        (f"/sparql?query={SELECT}", RESULTS_OFFERS.media_types),
        (f"/sparql?query={CONSTRUCT}", GRAPH_OFFERS.media_types),
        ("/sparql", [*GRAPH_OFFERS.media_types, "text/html"]),
        (f"/graph-store?graph={DATA_GRAPH}", GRAPH_OFFERS.media_types),
        ("/.well-known/void", GRAPH_OFFERS.media_types),
        ("/id/thing/a", ["text/html", *GRAPH_OFFERS.media_types]),
        ("/doc/thing/a", ["text/html", *GRAPH_OFFERS.media_types]),
        ("/ontology", ["text/html", *GRAPH_OFFERS.media_types]),
        (
            "/audit",
            [
                "text/html",
                "application/json",
                "text/csv",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                *GRAPH_OFFERS.media_types,
            ],
        ),
        ("/dumps/", ["text/html", "application/json"]),
        ("/search?q=zeta", ["text/html", "application/json"]),
    ],
)
def test_nothing_acceptable_is_406_naming_every_type_offered(client, path, served):
    reply = client.get(path, headers={"Accept": "image/png"})
    assert reply.status_code == 406
    offered = set(reply.text.split(" can be served as ", 1)[1].strip().split(", "))
    pages = {"application/xhtml+xml"} if "text/html" in served else set()
    assert offered == {*served, *pages}


@pytest.mark.parametrize("path", ["/doc/thing/a.ttl", "/doc/thing/a.html", "/ontology.ttl"])
def test_a_matching_etag_is_304_and_another_is_the_document(client, path):
    first = client.get(path)
    tag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b"" and "Content-Type" not in again.headers
    assert again.headers["ETag"] == tag
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def test_a_dump_is_conditional_on_its_checksum_and_its_time(client):
    listing = client.get("/dumps/", query_string={"format": "json"}).json
    dump = next(f for f in listing if f["name"].endswith(".ttl"))
    path = f"/dumps/{dump['name']}"
    status, headers, body = _fetch(client, path)
    assert status == 200 and headers["ETag"] == f'"{dump["sha256"]}"'
    assert _fetch(client, path, **{"If-None-Match": headers["ETag"]})[0] == 304
    assert _fetch(client, path, **{"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    status, _, part = _fetch(client, path, Range="bytes=0-9")
    assert status == 206 and part == body[:10]


def _fetch(client, path: str, **headers: str):
    """(status, headers, body) of a GET, its file closed (dumps are sent from their files)."""
    with client.get(path, headers=headers) as reply:
        return reply.status_code, reply.headers, reply.get_data()


def test_the_docs_list_the_names_of_the_format_table():
    text = (Path(__file__).resolve().parent.parent / "docs" / "sparql.md").read_text("utf-8")
    for syntax in (*RDF_SYNTAXES, *RESULTS_SYNTAXES):
        names = ", ".join(f"`{n}`" for n in syntax.names)
        types = ", ".join(f"`{m}`" for m in syntax.media_types)
        assert f"| {names} | {types} |" in text


FORMAT_ROUTES = [
    f"/sparql?query={SELECT}",
    f"/sparql?query={CONSTRUCT}",
    f"/graph-store?graph={DATA_GRAPH}",
    "/.well-known/void",
    "/id/thing/a",
    "/doc/thing/a",
    "/ontology",
    "/audit",
    "/dumps/",
    "/search?q=zeta",
]


@pytest.mark.parametrize("path", FORMAT_ROUTES)
@pytest.mark.parametrize("parameter", ["format", "output"])
def test_a_format_name_nobody_knows_is_400_listing_the_routes_names(client, path, parameter):
    joiner = "&" if "?" in path else "?"
    reply = client.get(f"{path}{joiner}{parameter}=bogus%3Cb%3E")
    assert reply.status_code == 400, reply.text
    assert "unknown format 'bogus<b>'" in reply.text and "use one of" in reply.text


@pytest.mark.parametrize(
    ("output", "media_type"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_fusekis_output_parameter_names_the_format(client, output, media_type):
    reply = client.get("/sparql", query_string={"query": SELECT, "output": output})
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].split(";")[0] == media_type
    both = client.get("/sparql", query_string={"query": SELECT, "format": "csv", "output": "xml"})
    assert both.headers["Content-Type"].startswith("text/csv")  # format= first


@pytest.mark.parametrize("name", ["json-ld", "rdf+xml"])
def test_sparqlwrappers_own_names_name_rdf_syntaxes(client, name):
    reply = client.get("/sparql", query_string={"query": CONSTRUCT, "format": name})
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].split(";")[0] == GRAPH_OFFERS.media_type(rdf_format(name))


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/id/thing/a", "/doc/thing/a", "/ontology"])
@pytest.mark.parametrize(
    ("accept", "served"),
    [
        ("*/*", "text/turtle"),
        ("", "text/turtle"),
        ("application/*", "application/n-triples"),
        (BROWSER, "text/html"),
        ("text/html;q=0.5, text/turtle", "text/turtle"),
    ],
)
def test_rdf_for_any_type_and_html_only_when_html_is_preferred(client, path, accept, served):
    reply = client.get(path, headers={"Accept": accept}, follow_redirects=True)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].split(";")[0] == served


def test_the_service_description_names_formats_by_the_w3c_registry(client):
    reply = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert "<http://www.w3.org/ns/formats/JSON-LD>" in reply.text
    assert "https://www.w3.org/ns/formats/data/JSON-LD" not in reply.text


@pytest.mark.parametrize("path", ["/doc/thing/a.ttl", "/doc/thing/a.html", "/ontology.ttl"])
def test_documents_are_cacheable_and_revalidate_by_time_or_weak_tag(client, path):
    first = client.get(path)
    assert first.cache_control.public and first.cache_control.max_age == 60
    modified = first.headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    weak = "W/" + first.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": weak}).status_code == 304
