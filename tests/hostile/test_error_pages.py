"""Hostile requests answered with the human error page (a browser's): what the request carries
(a path with markup, a search word, a language header) is shown escaped, the page is a 4xx in
a language lamcoop serves, with no trace; RDF clients get the one line of text; the store is
exactly as it was."""

from __future__ import annotations

import pytest
from conftest import service_client

from graph_loader.store import open_store
from tests.hostile.conftest import store_state

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
MARKUP = "<script>alert(7)</script>"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("error-pages") / "store")
    store.update(
        "INSERT DATA { GRAPH <urn:x-lamcoop-test:g> { "
        '<https://w3id.org/lamcoop/id/thing/a> <urn:x-lamcoop-test:p> "a" } }'
    )
    with service_client(store) as client:
        yield store, client
    store.close()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        # the IRI as sent, percent-encoded, is valid and unknown: 404, not 500
        ("/id/thing/%3Cscript%3Ealert(7)%3C/script%3E", 404),
        ("/id/thing/%22onmouseover=alert(7)%20x", 404),
        ("/id/thing/x%3Cb%3E", 404),
        ("/id/thing/x'onclick=alert(7)", 404),
        ("/search?q=%3Cscript%3Ealert(7)%3C/script%3E&page=%3Cb%3E", 400),
        ("/list/%3Cscript%3E", 404),
        ("/audit/%3Cscript%3Ealert(7)%3C%2Fscript%3E", 404),
        ("/dumps/%3Cimg%20src=x%3E", 404),
    ],
)
@pytest.mark.parametrize("language", ["fa", "zh-Hans", "<script>", "x" * 5000, "fa;q=abc, zh"])
def test_hostile_paths_get_an_escaped_page_and_change_nothing(served, path, status, language):
    store, client = served
    before = store_state(store)
    reply = client.get(path, headers={"Accept": BROWSER, "Accept-Language": language})
    assert reply.status_code == status
    assert reply.mimetype == "text/html"
    body = reply.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x>" not in body and "<b>" not in body
    assert 'onmouseover="' not in body and "x'onclick" not in body  # quotes escaped
    assert "Traceback" not in body
    assert reply.headers["Content-Language"] in ("en", "fa", "zh-Hans")
    assert store_state(store) == before


def test_hostile_language_parameter_reads_english(served):
    _, client = served
    reply = client.get(f"/no/such/page?lang={MARKUP}", headers={"Accept": BROWSER})
    assert reply.status_code == 404
    assert reply.headers["Content-Language"] == "en"
    assert '<html lang="en" dir="ltr">' in reply.get_data(as_text=True)


@pytest.mark.parametrize("accept", ["text/turtle", "*/*", "text/html;q=0.1, text/plain", ""])
def test_other_clients_keep_one_line_of_text(served, accept):
    _, client = served
    reply = client.get("/id/thing/%3Cscript%3E", headers={"Accept": accept} if accept else {})
    assert reply.status_code == 404
    assert reply.mimetype == "text/plain"
    assert reply.get_data(as_text=True).count("\n") == 1
