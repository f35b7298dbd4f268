"""Pages that did not read in Persian or Chinese as a reader of those languages reads them,
in a real headless Chromium (Debian's ``chromium``, driven by Playwright), on the session's
real ``lamcoop serve`` over the dataset store.

- YASGUI writes its words in English alone: on a Persian or Chinese page its tabs, buttons,
  result counts, paging and settings were English, its figures in Latin digits, and its
  result cells (``<https://…>``) out of order right to left.
- The dumps page's table (64-character digests, graph IRIs) was wider than the window:
  right to left, that pushed the page off its start edge.
"""

from __future__ import annotations

import pytest

from tests.browser_support import needs_chromium, playwright_api, shot

#: The browser, page and server fixtures.
pytest_plugins = ("tests.browser_fixtures",)
pytestmark = needs_chromium


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fa",
            {
                "tab": "پرسمان",
                "table": "جدول",
                "filter": "پالایش نتایج پرسمان",
                "run": "اجرای پرسمان",
            },
        ),
        ("zh-Hans", {"tab": "查询", "table": "表格", "filter": "筛选查询结果", "run": "运行查询"}),
    ],
)
def test_yasgui_speaks_the_readers_language(server, page, lang, words):
    """YASGUI writes its words in English alone; on a Persian or Chinese page each is in
    the reader's language (text, placeholder, title), figures in the reader's digits, and
    the query and its results are left as they are, laid out left to right."""
    page.goto(server.url + f"/sparql?lang={lang}", wait_until="networkidle")
    if page.locator("#yasgui").count() == 0:
        pytest.skip("YASGUI's files are not installed in this checkout")
    page.wait_for_selector(".yasqe .CodeMirror")
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    page.evaluate(f"document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue('{query}')")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr")
    chip = page.locator(".yasr_response_chip")
    playwright_api.expect(chip).not_to_contain_text("result")  # translated as YASGUI wrote it
    assert page.locator(".tabsList .tab").first.inner_text().split()[0] == words["tab"]
    assert words["table"] in page.locator(".yasr_header").inner_text()
    assert page.locator(".tableFilter").get_attribute("placeholder") == words["filter"]
    assert page.locator(".yasqe_queryButton").get_attribute("title") == words["run"]
    said = chip.inner_text()
    rows = str(page.locator(".yasr table tbody tr").count())  # every graph, on one page
    digits = rows.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if lang == "fa" else rows
    assert said.startswith(digits + " "), said
    assert (
        page.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()") == query
    )
    first = page.locator(".yasr table tbody .rowNumber").first.inner_text()
    assert first == ("۱" if lang == "fa" else "1"), first
    cell = page.locator(".yasr table tbody td a").first
    assert cell.inner_text().startswith("https://w3id.org/lamcoop/graph/")
    assert cell.evaluate("e => getComputedStyle(e.closest('td')).direction") == "ltr"
    shot(page, f"yasgui-{lang}")


@pytest.mark.parametrize("path", ["/dumps/", "/audit", "/audit/runs"])
def test_a_persian_table_page_fits_the_window(server, page, path):
    """The dumps page's table (64-character digests, graph IRIs) was wider than a 1,100
    pixel window: right to left, that pushed the page off its start edge. Long values wrap
    inside their cells now."""
    page.set_viewport_size({"width": 1100, "height": 800})
    page.goto(server.url + path + "?lang=fa")
    assert page.locator("table").count() > 0
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1100, (path, width)
    shot(page, "fits" + path.replace("/", "-").rstrip("-"))
