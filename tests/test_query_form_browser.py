"""The plain query form of /sparql (shown when YASGUI is not installed, or asked for with
``editor=form``) in a real headless Chromium on the session's real ``lamcoop serve``: a
SELECT and an ASK show as a table in the page, a CONSTRUCT as text, an error as its message;
nothing is downloaded and the Content-Security-Policy refuses nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.servers import HTTP_DEADLINE

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="Debian's chromium is not installed (make test does it)"
)

SELECT = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?thing ?label WHERE { ?thing skos:prefLabel ?label } ORDER BY ?thing ?label LIMIT 3"""
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"


@pytest.fixture(scope="module")
def page(dataset_server, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-form")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=ARGS
        )
        context.set_default_timeout(HTTP_DEADLINE * 1000)
        opened = context.new_page()
        refused: list[str] = []
        downloads: list[object] = []
        opened.on("console", lambda m: refused.append(m.text) if "Policy" in m.text else None)
        opened.on("download", lambda d: downloads.append(d))
        opened.goto(dataset_server.url + "/sparql?editor=form", wait_until="load")
        yield opened
        assert not refused and not downloads, (refused, downloads)
        context.close()


def run(page, query: str) -> None:
    page.fill("#query", query)
    page.click("#plain-form button[type=submit]")  # the page empties its results first
    page.locator("#results > *").first.wait_for()


def test_a_select_shows_as_a_table(page, dataset_server):
    run(page, SELECT)
    headers = page.locator("#results th").all_inner_texts()
    assert headers == ["?thing", "?label"]
    assert page.locator("#results tr").count() == 4  # a header and three rows
    first = page.locator("#results td a").first
    assert first.get_attribute("href").startswith(dataset_server.url + "/id/")
    assert page.locator("#result-status").inner_text() == "Results: 3"
    assert page.url.endswith("/sparql?editor=form")  # still the form's page


def test_an_ask_shows_its_answer(page):
    run(page, "ASK { ?s ?p ?o }")
    assert page.locator("#results td").all_inner_texts() == ['"true"']
    assert page.locator("#results th").all_inner_texts() == ["Answer"]


def test_a_graph_shows_as_text(page):
    run(page, CONSTRUCT)
    text = page.locator("#results pre").inner_text()
    assert len(list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))) == 2


def test_an_error_shows_its_message(page):
    run(page, "SELECT WHERE {")
    assert page.locator("#result-status").inner_text().startswith("The query failed: 400")
    assert page.locator("#results pre").inner_text().strip()
