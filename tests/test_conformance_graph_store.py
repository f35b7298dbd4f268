"""The W3C SPARQL 1.1 Graph Store HTTP Protocol tests against the session's real
``lamcoop serve``.

``graph-store-protocol/manifest.ttl`` holds the current tests, run as real HTTP exchanges
with the update token, each from an empty store. Tests that require direct graph
identification are not applicable: lamcoop identifies graphs indirectly (``?graph=``), its
graphs being named under the dataset's base, not under the server's address. The older
``http-rdf-update/manifest.ttl`` tests are marked deprecated by the W3C in favour of these,
and are listed as not applicable.
"""

from __future__ import annotations

import pytest
import requests

from tests.earl import EarlReport
from tests.servers import HTTP_DEADLINE, STORES, RunningServer, served
from tests.virtuoso_support import empty_through
from tests.w3c_http import check, perform
from tests.w3c_manifest import SPARQL11, read_tests

MANIFEST = SPARQL11 / "graph-store-protocol" / "manifest.ttl"
DEPRECATED_MANIFEST = SPARQL11 / "http-rdf-update" / "manifest.ttl"
SUPPORTED = {"IndirectGraphIdentification", "POSTGraphCreation"}

#: The tests whose outcome differs on Virtuoso, with why (docs/remote-store.md).
NOT_ON_VIRTUOSO = {
    "put_get_default": "Virtuoso's default graph is the union of its graphs: it has no default "
    "graph of its own to replace (400: CLEAR DEFAULT requires a plain default graph)",
}

TESTS = read_tests(MANIFEST) if MANIFEST.is_file() else []
DEPRECATED = read_tests(DEPRECATED_MANIFEST) if DEPRECATED_MANIFEST.is_file() else []
REPORT = EarlReport(
    "sparql11-graph-store-protocol",
    "SPARQL 1.1 Graph Store HTTP Protocol",
    len(TESTS) + len(DEPRECATED),
)
pytestmark = pytest.mark.skipif(not TESTS, reason=f"{MANIFEST} is absent (../shared)")


@pytest.fixture(scope="module", params=STORES)
def server(request):
    """The session's server over the embedded store, a remote Oxigraph server, Virtuoso."""
    yield served(request, request.param)
    if request.param == "embedded":  # the EARL report is the embedded store's
        REPORT.write_if_asked()


def empty_store(server: RunningServer) -> None:
    """Drop every graph and empty the default graph."""
    if server.settings.get("store_engine") == "virtuoso":
        empty_through(server)  # its DROP ALL drops nothing; it has no default graph
        return
    server.update("DROP ALL")


@pytest.mark.parametrize("test", TESTS, ids=[t.short for t in TESTS])
def test_w3c_graph_store(server, test):
    with REPORT.record(test.iri):
        missing = set(test.requires) - SUPPORTED
        if missing:
            pytest.skip(
                f"requires {', '.join(sorted(missing))}: lamcoop's graph store identifies "
                "graphs indirectly (?graph=IRI); its graph IRIs are not URLs of the server"
            )
        if server.settings.get("store_engine") == "virtuoso" and test.short in NOT_ON_VIRTUOSO:
            pytest.xfail(NOT_ON_VIRTUOSO[test.short])
        empty_store(server)
        variables: dict[str, str] = {}
        for exchange in test.exchanges:
            response = perform(server.url, exchange, variables, server.token)
            check(response, exchange.expected, variables)


@pytest.mark.parametrize("test", DEPRECATED, ids=[t.short for t in DEPRECATED])
def test_w3c_deprecated_http_rdf_update(test):
    with REPORT.record(test.iri):
        assert test.approval == "Deprecated"
        pytest.skip("deprecated by the W3C in favour of graph-store-protocol/manifest.ttl")


def test_writes_without_the_token_are_refused_and_change_nothing(server):
    empty_store(server)
    url = server.url + "/graph-store?graph=http://www.example/gsp/person/9.ttl"
    body = b"<http://www.example/s> <http://www.example/p> 1 ."
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        for method in ("PUT", "POST", "DELETE"):
            response = requests.request(
                method,
                url,
                data=body,
                headers={"Content-Type": "text/turtle", **headers},
                timeout=HTTP_DEADLINE,
            )
            assert response.status_code in (401, 403), (method, response.text)
    assert requests.get(url, timeout=HTTP_DEADLINE).status_code == 404


def test_every_manifest_entry_is_run():
    assert len(TESTS) == 13
    assert len(DEPRECATED) == 18
