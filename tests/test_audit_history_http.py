"""``/audit/runs`` and ``/audit/compare`` on a real server over a store with two kept runs
(made by the real ``lamcoop``, see :mod:`tests.audit_history_support`): the same
comparison as ``lamcoop audit --compare``, as a page and as JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import requests

from graph_loader.audit.run_ids import display
from tests.audit_history_support import (
    EXPECTED_AGREEMENTS,
    EXPECTED_TOTALS,
    History,
    history_copy,
    rows_of,
)
from tests.servers import HTTP_DEADLINE, RunningServer


@pytest.fixture(scope="module")
def served(tmp_path_factory, worker_id) -> Iterator[tuple[RunningServer, History]]:
    history = history_copy(tmp_path_factory, worker_id, "audit-history-http")
    with RunningServer(history.store, history.store.parent, {"workers": 2}) as running:
        yield running, history


def get(server: RunningServer, path: str, **kwargs) -> requests.Response:
    return requests.get(server.url + path, timeout=HTTP_DEADLINE, **kwargs)


class Rows(HTMLParser):
    """The rows of the tables of a page, by table id: each row's attributes and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[dict, list[str]]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "table":
            self._table = found.get("id")
            self.tables.setdefault(self._table or "", [])
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append((found, []))
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[tuple[dict, list[str]]]]:
    parser = Rows()
    parser.feed(html)
    return parser.tables


def test_runs_page_lists_the_runs_newest_first(served):
    server, history = served
    page = get(server, "/audit/runs")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    rows = [(attrs.get("data-run"), cells) for attrs, cells in tables(page.text)["runs"][1:]]
    assert [r for r, _cells in rows] == [history.second, history.first]
    assert rows[0][1][:4] == [f"{history.second} (latest)", display(history.second), "3", "19.4%"]
    assert rows[1][1][:4] == [history.first, display(history.first), "2", "20.8%"]
    assert f'href="/audit/compare?a={history.first}&amp;b={history.second}"' in page.text
    listed = get(server, "/audit/runs", headers={"Accept": "application/json"}).json()
    assert [(r["id"], r["agreements"]) for r in listed["runs"]] == [
        (history.second, 3),
        (history.first, 2),
    ]
    assert listed["page"] == {"number": 1, "size": 100, "total": 2, "next": None}
    one = get(server, "/audit/runs?format=json&size=1").json()
    assert [r["id"] for r in one["runs"]] == [history.second]
    assert one["page"]["next"] == "/audit/runs?format=json&size=1&page=2"
    two = get(server, one["page"]["next"]).json()
    assert [r["id"] for r in two["runs"]] == [history.first] and two["page"]["next"] is None


def test_the_audit_page_links_to_the_runs(served):
    server, _ = served
    assert 'href="/audit/runs"' in get(server, "/audit").text


def test_compare_as_json_is_the_cli_comparison(served):
    server, history = served
    data = get(server, "/audit/compare?a=previous&b=latest&format=json").json()
    assert (data["a"]["id"], data["b"]["id"]) == (history.first, history.second)
    assert data["totals"] == EXPECTED_TOTALS
    assert rows_of(data["agreements"]) == EXPECTED_AGREEMENTS
    assert data["page"] == {"number": 1, "size": 100, "total": 3, "next": None}
    # The defaults are previous and latest; a run's second names it.
    second = display(history.first)[:19]
    again = get(
        server, "/audit/compare", params={"a": second}, headers={"Accept": "application/json"}
    ).json()
    assert again["totals"] == EXPECTED_TOTALS
    reverse = get(server, f"/audit/compare?a={history.second}&b={history.first}&format=json").json()
    assert reverse["totals"]["agreements_removed"] == 1
    assert reverse["totals"]["gaps_closed"] == 1 and reverse["totals"]["new_gaps"] == 2


def test_compare_page_shows_what_changed(served):
    server, history = served
    page = get(server, f"/audit/compare?a={history.first}&b=latest")
    assert page.status_code == 200
    found = tables(page.text)
    totals = {attrs["data-total"]: cells for attrs, cells in found["totals"][1:]}
    assert totals["agreements"] == [
        "agreements",
        "2",
        "3",
        "1 added, 0 removed, 2 changed, 0 unchanged",
    ]
    assert totals["gaps"] == [
        "gaps",
        "19",
        "29",
        "2 closed, 1 new; 11 in agreements added, 0 in agreements removed",
    ]
    assert totals["completeness"][1:3] == ["20.8%", "19.4%"]
    changes = [
        (attrs["data-iri"], attrs["data-change"], cells[2], cells[3], cells[4])
        for attrs, cells in found["changes"][1:]
    ]
    svc, lic, mou = (row[0] for row in EXPECTED_AGREEMENTS)
    assert changes == [
        (svc, "added", "– → 8.3%", "", ", ".join(ENGLISH.get(c, c) for c in _missing_of_added())),
        (lic, "changed", "33.3% → 25.0%", "", "funding"),
        (mou, "changed", "8.3% → 25.0%", "coordinator, term", ""),
    ]
    components = {attrs["data-component"]: cells[1:] for attrs, cells in found["components"][1:]}
    assert components["coordinator"] == ["1", "0", "1", "1"]
    assert components["funding"] == ["0", "1", "1", "3"]
    assert re.search(r'id="run-a" dir="ltr">' + history.first, page.text)


#: Components whose English label is not their id: the page names them by label.
ENGLISH = {
    "areas": "areas of cooperation",
    "indicators": "performance indicators",
    "data-protection": "data protection",
}


def test_compare_page_names_components_in_the_readers_language(served):
    server, history = served
    page = get(server, f"/audit/compare?a={history.first}&b=latest&lang=fa")
    rows = {attrs["data-component"]: cells for attrs, cells in tables(page.text)["components"][1:]}
    assert rows["coordinator"][0] == "هماهنگ‌کننده"
    assert rows["areas"][0] == "حوزه‌های همکاری"
    new = re.findall(r'<td class="new">(.*?)</td>', page.text, re.S)
    assert any('<span data-component="funding">تأمین مالی</span>' in cell for cell in new)
    assert any("</span>، <span" in cell for cell in new)  # the Persian comma between them
    # The runs' names and times are isolates: a right-to-left line keeps its order.
    assert re.search(r'<code id="run-b" dir="ltr">[^<]+</code> \(<time [^>]*dir="ltr">', page.text)
    numbers = re.search(r'<table id="components"><thead><tr>(.*?)</tr>', page.text).group(1)
    assert numbers.count('<th class="num">') == 4  # aligned as their figures are


def _missing_of_added() -> list[str]:
    from tests.audit_history_support import ALL_BUT

    return ["coordinator", "term", "funding", *ALL_BUT]


def test_compare_pages_the_agreements(served):
    server, _ = served
    first = get(server, "/audit/compare?size=2&format=json").json()
    assert [r["label"] for r in first["agreements"]] == [
        "Digitisation service",
        "E-resource licence",
    ]
    assert first["page"]["next"] == "/audit/compare?size=2&format=json&page=2"
    rest = get(server, first["page"]["next"]).json()
    assert [r["label"] for r in rest["agreements"]] == ["Shared cataloguing"]
    assert rest["totals"] == EXPECTED_TOTALS


def test_pages_read_in_persian_and_chinese(served):
    server, _ = served
    runs = get(server, "/audit/runs?lang=fa")
    assert 'dir="rtl"' in runs.text and "<h1>اجراهای ممیزی</h1>" in runs.text
    assert "۱۹٫۴٪" in runs.text  # the second run's completeness, in Persian digits
    compare = get(server, "/audit/compare", headers={"Accept-Language": "zh-Hans"})
    assert "<h1>两次审核运行之间的变化</h1>" in compare.text
    assert "新增 1，移除 0，有变化 2，未变 0" in compare.text
