"""Running the HTTP exchanges of W3C protocol tests against a real server, and judging them.

A manifest's request paths start with ``/sparql/`` (protocol) or ``/gsp`` (Graph Store);
:func:`perform` maps them onto lamcoop's ``/sparql`` and ``/graph-store``, substitutes the
template variables earlier responses set (``$LOCATION$``), and sends the request as written,
with the update token. :func:`check` asserts everything the manifest expects of the response.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from tests.servers import HTTP_DEADLINE, RunningServer
from tests.w3c_manifest import Exchange, Expected

PATHS = (("/sparql/", "/sparql"), ("/sparql", "/sparql"), ("/gsp", "/graph-store"))

RESULT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {
        "application/rdf+xml",
        "text/turtle",
        "application/n-triples",
        "application/xhtml+xml",
    },
}
RDF_MEDIA_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
)
SRX = "{http://www.w3.org/2005/sparql-results#}"


#: The older name of a real server for these tests; the session's ``http_server`` is one.
ConformanceServer = RunningServer


def endpoint_path(path: str) -> str:
    """A manifest's request path on lamcoop's routes."""
    for prefix, ours in PATHS:
        if path.startswith(prefix):
            return ours + path[len(prefix) :]
    raise ValueError(f"no lamcoop route for {path}")


def perform(
    base_url: str, exchange: Exchange, variables: dict[str, str], token: str
) -> requests.Response:
    """Send one request of a test, as the manifest writes it, with the bearer token."""
    path = _substitute(exchange.path, variables)
    body = exchange.body
    if body is not None and variables:
        body = _substitute(body.decode("utf-8"), variables).encode("utf-8")
    headers = dict(exchange.headers)
    headers["authorization"] = f"Bearer {token}"
    return requests.request(
        exchange.method,
        base_url + endpoint_path(path),
        headers=headers,
        data=body,
        allow_redirects=False,
        timeout=HTTP_DEADLINE,
    )


def _substitute(text: str, variables: dict[str, str]) -> str:
    for name, value in variables.items():
        text = text.replace(name, value)
    return text


def check(response: requests.Response, expected: Expected, variables: dict[str, str]) -> None:
    """Assert the response is what the manifest expects; remember a Location it names."""
    shown = f"{response.request.method} {response.url} -> {response.status_code}: "
    assert expected.status_ok(response.status_code), shown + response.text[:300]
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if expected.result_format is not None:
        allowed = RESULT_TYPES[expected.result_format]
        assert media in allowed, f"{shown}Content-Type {media}, expected one of {allowed}"
        _parse_result(response, expected.result_format)
    if expected.boolean is not None:
        assert boolean_of(response) is expected.boolean, shown + response.text[:300]
    for name, value in expected.headers:
        assert _same_header(response.headers.get(name, ""), value), (
            f"{shown}header {name}: {response.headers.get(name)!r}, expected {value!r}"
        )
    if expected.body is not None and response.request.method != "HEAD":
        fmt = dict(expected.headers).get("content-type", media).split(";")[0]
        assert isomorphic(
            rdf_graph(expected.body.encode(), fmt), rdf_graph(response.content, fmt)
        ), shown + "the graph is not the expected one:\n" + response.text
    if expected.location_variable is not None:
        assert "Location" in response.headers, shown + "no Location header"
        variables[expected.location_variable] = response.headers["Location"]


def _same_header(actual: str, expected: str) -> bool:
    """Media-type headers compared case-insensitively, parameters in any order."""

    def parts(value: str) -> tuple[str, frozenset[str]]:
        items = [p.strip().lower().replace(" ", "") for p in value.split(";")]
        return items[0], frozenset(items[1:])

    return parts(actual) == parts(expected)


def rdf_graph(content: bytes, media_type: str) -> Graph:
    """An RDF document as an rdflib graph, read by pyoxigraph's parser for its media type."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None, f"no RDF parser for {media_type}"
    triples = ox.serialize(ox.parse(content, format=fmt), format=ox.RdfFormat.N_QUADS)
    graph = Graph()
    graph.parse(data=triples.decode("utf-8"), format="nt")
    return graph


def boolean_of(response: requests.Response) -> bool:
    """The boolean of an ASK result in SPARQL JSON or XML."""
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if media.endswith("json"):
        return json.loads(response.content)["boolean"]
    root = ET.parse(io.BytesIO(response.content)).getroot()
    node = root.find(f"{SRX}boolean")
    assert node is not None, "the XML result has no boolean"
    return node.text.strip() == "true"


def _parse_result(response: requests.Response, kind: str) -> None:
    """The body parses as the kind of result its media type says."""
    media = response.headers["Content-Type"].split(";")[0].strip()
    if kind == "RDF":
        rdf_graph(response.content, media)
    elif kind == "boolean":
        boolean_of(response)
    elif media.endswith("json"):
        assert "results" in json.loads(response.content)
    elif media.endswith("xml"):
        assert ET.parse(io.BytesIO(response.content)).getroot().find(f"{SRX}results") is not None
    else:
        assert response.text.splitlines(), "an empty CSV/TSV result has at least its header"
