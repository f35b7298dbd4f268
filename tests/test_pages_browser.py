"""The pages in a real headless Chromium (Debian's ``chromium``, driven by Playwright):
Persian reads right to left, links lead to related entities, the audit shows its table,
the home page its diagram, and YASGUI on /sparql runs a query, on the session's real
``lamcoop serve`` over the dataset store. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.browser_support import needs_chromium, shot

#: The browser, page and server fixtures.
pytest_plugins = ("tests.browser_fixtures",)
pytestmark = needs_chromium


def test_persian_page_reads_right_to_left(server, page):
    page.goto(server.url + "/id/concept/lam-study-codes/technological-platform?lang=fa")
    assert page.url.endswith("/doc/concept/lam-study-codes/technological-platform.html?lang=fa")
    direction = page.evaluate("getComputedStyle(document.querySelector('h1')).direction")
    assert direction == "rtl"
    title_lang = page.eval_on_selector("h1 bdi", "e => e.lang")
    assert title_lang == "fa"
    english = page.locator("ul.labels bdi[lang=en]").first
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    shot(page, "entity-persian")


def test_links_lead_to_related_entities(server, page):
    page.goto(server.url + "/id/institution/calis")
    assert "China Academic Library" in page.title()
    page.click("a[href='/id/unit/calis-management-centre']")
    page.wait_for_load_state()
    assert page.url.endswith("/doc/unit/calis-management-centre.html")
    assert page.locator("h1").inner_text().strip()
    back = page.locator("a[href='/id/institution/calis']").first
    assert back.count() == 1
    shot(page, "entity-unit")


def test_map_drawn_for_coordinates(server, page):
    page.goto(server.url + "/doc/institution/test-museum.html")
    point = page.locator("svg.map circle.point")
    assert point.count() == 1
    assert point.bounding_box()["width"] > 0
    shot(page, "entity-map")


def test_audit_page_shows_its_table_and_sorts_without_js(server, page):
    page.goto(server.url + "/audit")
    rows = page.locator("table#agreements tbody tr")
    assert rows.count() >= 4  # the 1957 plan of seed 002 and the example register
    bars = page.locator("table#exposed-chart tr.bar")
    assert bars.count() > 10  # every challenge, not the first ten
    assert bars.locator("svg rect").first.bounding_box()["width"] > 0
    assert page.locator("span.sev-Violation").first.inner_text() == "Violation"
    page.click("table#agreements th a:has-text('agreement')")
    page.wait_for_load_state()
    labels = page.locator("table#agreements tbody tr td:first-child > a").all_inner_texts()
    assert labels == sorted(labels, key=str.lower)
    shot(page, "audit")
    page.locator("table#agreements tbody tr td:first-child > a").first.click()
    page.wait_for_load_state()
    assert "/audit/" in page.url
    assert page.locator("#completeness").is_visible()
    assert page.locator("table#present, table#gaps").count() >= 1
    shot(page, "audit-agreement")


def test_home_page_shows_the_paradigm_diagram(server, page):
    page.goto(server.url + "/")
    diagram = page.locator("svg#paradigm-model")
    assert diagram.is_visible()
    assert diagram.locator("g.role").count() == 6
    assert diagram.locator("rect.freq").count() > 10
    box = diagram.bounding_box()
    assert box["width"] > 600 and box["height"] > 200
    shot(page, "home")


def test_search_form_finds_persian_and_chinese(server, page):
    page.goto(server.url + "/")
    page.fill("header input[name=q]", "高等教育文献")
    page.press("header input[name=q]", "Enter")
    page.wait_for_load_state()
    assert page.locator("ol.results a[href='/id/institution/calis']").count() == 1
    shot(page, "search")


def test_yasgui_runs_a_query(server, page):
    page.goto(server.url + "/sparql", wait_until="networkidle")
    if page.locator("#yasgui").count() == 0:
        pytest.skip("YASGUI's files are not installed in this checkout")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.evaluate(
        "document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue("
        "'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g')"
    )
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr")
    assert "seed-002" in page.locator(".yasr").inner_text()
    shot(page, "yasgui")


def test_a_result_iri_under_the_base_opens_on_this_server(server, page):
    page.goto(server.url + "/sparql", wait_until="networkidle")
    if page.locator("#yasgui").count() == 0:
        pytest.skip("YASGUI's files are not installed in this checkout")
    page.wait_for_selector(".yasqe .CodeMirror")
    calis = "https://w3id.org/lamcoop/id/institution/calis"
    page.evaluate(
        "document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue("
        f"'SELECT ?x WHERE {{ BIND(<{calis}> AS ?x) }}')"
    )
    page.click(".yasqe_queryButton")
    link = page.locator(f".yasr table tbody a[href='{calis}']").first
    link.wait_for()
    with page.context.expect_page() as opened:  # YASR opens result links in a new tab
        link.click()
    shown = opened.value
    shown.wait_for_load_state()
    assert shown.url.startswith(server.url + "/doc/institution/calis")
    assert "中国高等教育文献保障系统" in shown.content()
    shown.close()


def test_the_search_box_suggests_as_the_reader_types(server, page):
    page.goto(server.url + "/search")
    box = page.locator("main input[type=search]")
    box.press_sequentially("cali", delay=30)
    options = page.locator("datalist#search-suggestions option")
    options.first.wait_for(state="attached")
    values = options.evaluate_all("os => os.map(o => o.value)")
    assert any("China Academic Library" in v or v.lower().startswith("cali") for v in values)
