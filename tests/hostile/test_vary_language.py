"""Every answer that depends on the reader's language says so: ``Vary: Accept-Language``.

The home page, search, lists, dumps, the SPARQL editor, the audit's history and the
reconciliation preview are written in the reader's language (``?lang=``, else
Accept-Language), but said ``Vary: Accept`` alone: a shared cache (a CDN, a proxy keyed by
the URL and Vary) could give an English reader the Persian page it kept. The app now adds
Accept-Language whenever a request read the reader's language, in one place
(:func:`sparql_endpoint.linked_data.request_args.vary_by_language`).
"""

from __future__ import annotations

import pytest
from conftest import service_client

CALIS = "https://w3id.org/lamcoop/id/institution/calis"
#: Pages in the reader's language, as a browser asks for them.
PAGES = [
    "/",
    "/search?q=library",
    "/search?q=library&format=json",
    "/list/institutions",
    "/list/institutions?format=json",
    "/dumps/",
    "/sparql",
    "/audit",
    "/audit/runs",
    f"/reconcile/preview?id={CALIS}",
    "/doc/institution/calis.html",
]
#: Answers no reader's language changes.
NEUTRAL = ["/-/health", "/sparql?query=ASK%7B%7D", "/.well-known/void"]


@pytest.fixture(scope="module")
def client(dataset_reader):
    with service_client(dataset_reader) as opened:
        yield opened


@pytest.mark.parametrize("path", PAGES)
def test_a_page_in_the_readers_language_varies_by_it(client, path):
    accept = "application/json" if "format=json" in path else "text/html"
    english = client.get(path, headers={"Accept": accept, "Accept-Language": "en"})
    persian = client.get(path, headers={"Accept": accept, "Accept-Language": "fa"})
    assert english.status_code == persian.status_code == 200, path
    assert english.data != persian.data, path  # the language does change the answer
    for answer, tag in ((english, "en"), (persian, "fa")):
        assert "accept-language" in answer.headers["Vary"].lower(), (path, answer.headers)
        if accept == "text/html":  # a page says its language
            assert answer.headers["Content-Language"] == tag, (path, answer.headers)


@pytest.mark.parametrize("path", NEUTRAL)
def test_an_answer_no_language_changes_does_not_vary_by_it(client, path):
    answer = client.get(path, headers={"Accept-Language": "fa"})
    assert answer.status_code == 200, path
    assert "accept-language" not in answer.headers.get("Vary", "").lower(), path
