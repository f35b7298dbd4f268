"""Hostile input to ``/audit/runs`` and ``/audit/compare``: run names that are no run, no
time, too long, control characters, other scripts' digits, IRIs of other places; absurd
pages and sizes; and hand-written "runs" in the store that are not what lamcoop writes
(ill-typed values, a literal for an agreement, graph names that are no run identifier).
Each is answered 200, 400 or 404 naming the parameter, never 5xx, and the store is the same
before and after."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from graph_loader.store import Store, open_store
from tests.audit_history_support import BASE, History, history_copy
from tests.conftest import service_client
from tests.hostile.conftest import store_state

#: A "run" written by hand: nothing in it is as lamcoop writes it.
FORGED = "20990101T000000Z"
FORGED_RUN = f"""PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
INSERT DATA {{
  GRAPH <{BASE}graph/audit-run-{FORGED}> {{
    <urn:x-lamcoop-test:run> a lamc:AuditRun ; prov:startedAtTime "yesterday" ;
      lamc:agreementCount "-3"^^xsd:integer ; lamc:completeness "abc" ;
      lamc:componentId <urn:x-lamcoop-test:not-a-literal> , "funding" .
    <urn:x-lamcoop-test:r1> a lamc:AgreementAudit ; lamc:auditedAgreement "a literal" .
    <urn:x-lamcoop-test:r2> a lamc:AgreementAudit ;
      lamc:auditedAgreement <urn:x-lamcoop-test:agreement> ; lamc:completeness 7 ;
      lamc:missingComponent "funding" , <urn:x-lamcoop-test:iri-id> , 12 ;
      lamc:hasGap <urn:x-lamcoop-test:gap> , <urn:x-lamcoop-test:gap2> .
    <urn:x-lamcoop-test:gap> lamc:componentId "funding" ; sh:resultSeverity "loud" .
    <urn:x-lamcoop-test:gap2> lamc:componentId <urn:x-lamcoop-test:iri-id> .
  }}
  GRAPH <{BASE}graph/audit-run-not-a-time> {{ <urn:x-lamcoop-test:x> a lamc:AuditRun }}
  GRAPH <{BASE}graph/audit-run-۲۰۲۶۱۲۰۶T194012Z> {{ <urn:x-lamcoop-test:y> a lamc:AuditRun }}
}}"""

HOSTILE_NAMES = [
    "",
    " ",
    "x" * 10_000,
    "\x00\x01\x1b[31m",
    "2026-02-30",
    "2026-12-06T25:00",
    "2026-12-06T19:40+24:00",
    "0000-01-01",
    "9999-12-31T23:59:59-23:59",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "20261206T194012Z-1",
    "20261206T194012Z-9999999999",
    "latest; DROP ALL",
    "۲۰۲۶-۱۲-۰۶",
    "٢٠٢٦١٢٠٦T194012Z",
    BASE + "id/audit-run/nope",
    "https://evil.example/id/audit-run/" + FORGED,
    "not-a-time",
    "2026-12-06T19:40:12.5Z",
    "\u202e2026-12-06",
]


@pytest.fixture(scope="module")
def history(tmp_path_factory, worker_id) -> History:
    made = history_copy(tmp_path_factory, worker_id, "hostile-audit-runs")
    opened = open_store(made.store)
    try:
        opened.update(FORGED_RUN)
    finally:
        opened.close()
    return made


@pytest.fixture(scope="module")
def store(history) -> Iterator[Store]:
    opened = open_store(history.store)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def client(store):
    with service_client(store) as c:
        yield c


def _answered(response, *, allowed=(200, 400, 404)) -> None:
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
@pytest.mark.parametrize("parameter", ["a", "b"])
def test_hostile_run_names_are_400_or_404_naming_the_parameter(client, store, parameter, name):
    before = store_state(store)
    other = "b" if parameter == "a" else "a"
    for fmt in ("html", "json"):
        r = client.get(
            "/audit/compare", query_string={parameter: name, other: "latest", "format": fmt}
        )
        _answered(r, allowed=(400, 404))
        assert f"{r.status_code} " in r.text and f": {parameter}: " in r.text, r.text[:300]
        assert r.mimetype == "text/plain"
    assert store_state(store) == before


def test_forged_runs_are_listed_and_compared_without_failing(client, store, history):
    before = store_state(store)
    listed = client.get("/audit/runs?format=json").get_json()
    ids = [r["id"] for r in listed["runs"]]
    # Newest first; graphs named like runs but with no run identifier are no runs.
    assert ids == [FORGED, history.second, history.first]
    forged = listed["runs"][0]
    assert forged["agreements"] is None and forged["completeness"] is None
    assert client.get("/audit/runs").status_code == 200
    for a, b in ((FORGED, "previous"), (history.first, FORGED), (FORGED, FORGED)):
        for fmt in ("json", "html"):
            r = client.get("/audit/compare", query_string={"a": a, "b": b, "format": fmt})
            _answered(r, allowed=(200,))
    data = client.get(f"/audit/compare?a={history.second}&b={FORGED}&format=json").get_json()
    assert [r["iri"] for r in data["agreements"] if r["change"] == "added"] == [
        "urn:x-lamcoop-test:agreement"
    ]
    added = next(r for r in data["agreements"] if r["change"] == "added")
    assert added["completeness"]["b"] is None and added["gaps"]["b"] == ["funding"]
    assert store_state(store) == before


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=۲",
        "page=" + "9" * 5000,
        "size=0",
        "size=501",
        "size=9999999999",
        "format=bogus",
    ],
)
@pytest.mark.parametrize("path", ["/audit/runs", "/audit/compare"])
def test_hostile_pages_are_400(client, store, path, query):
    before = store_state(store)
    r = client.get(f"{path}?{query}")
    _answered(r, allowed=(400,))
    assert query.split("=")[0] in r.text
    assert store_state(store) == before


@pytest.mark.parametrize("path", ["/audit/runs", "/audit/compare"])
def test_past_the_last_page_is_404_and_unacceptable_is_406(client, store, path):
    before = store_state(store)
    _answered(client.get(f"{path}?page=99"), allowed=(404,))
    r = client.get(path, headers={"Accept": "image/png"})
    _answered(r, allowed=(406,))
    assert "application/json" in r.text
    assert store_state(store) == before


def test_no_runs_kept(tmp_path, history):
    """A store whose audit has never run: the list says so, a comparison is 404 naming a."""
    path = tmp_path / "store"
    shutil.copytree(history.store, path)
    opened = open_store(path)
    try:
        for g in opened.graphs():
            if "/graph/audit-run-" in g.iri:
                opened.drop_graph(g.iri)
        before = store_state(opened)
        with service_client(opened) as client:
            assert client.get("/audit/runs?format=json").get_json()["runs"] == []
            page = client.get("/audit/runs")
            assert page.status_code == 200 and 'id="no-runs"' in page.text
            r = client.get("/audit/compare")
            _answered(r, allowed=(404,))
            assert "Not Found: a: there is no previous audit run" in r.text
        assert store_state(opened) == before
    finally:
        opened.close()
