"""Hostile data in what lamcoop writes out: spreadsheet formulas in the audit's CSV and the
importers' reports, script IRIs as links on the pages, and the browser-protection headers of
every response."""

from __future__ import annotations

import csv
import io
import re

import pyoxigraph as ox
import pytest
from conftest import service_client
from flask import Response
from rdflib import OWL, RDFS, URIRef

from graph_loader.audit.report import render
from graph_loader.audit.run import run_audit
from graph_loader.importers import ImportRejected, import_file
from graph_loader.importers.common import Problem, Row
from graph_loader.importers.report import Tally, write_report
from graph_loader.ontology_reference import ONTOLOGY, render_reference, shipped_ontology
from graph_loader.safe_output import FORMULA_STARTS, linkable
from graph_loader.store import open_store
from sparql_endpoint.browser_policy import script_hash
from sparql_endpoint.linked_data.present import local_path
from sparql_endpoint.yasgui import inline_scripts
from tests.audit_support import agreement, load_shipped, load_turtle, settings
from tests.hostile.conftest import store_state

BASE = "https://w3id.org/lamcoop/"
FORMULAS = ["=1+1", "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
SCRIPT_IRIS = [
    "javascript:alert(7)",
    "JAVASCRIPT:alert(7)",
    "JaVaScRiPt:alert(7)",
    "javascript://%0aalert(7)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==",
    "vbscript:msgbox(7)",
    "file:///etc/passwd",
]


def turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r") + '"'


def formula_free(text: str) -> list[list[str]]:
    """The CSV's rows, after checking that no cell would run as a formula."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (cell, row)
    return rows


# -- CSV formula injection -------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_audit(tmp_path_factory):
    """A store with one agreement per hostile label and one whose IRI is a script, audited."""
    from graph_loader.store import open_store

    store = open_store(tmp_path_factory.mktemp("hostile-audit") / "store")
    s = settings()
    load_shipped(store, s)
    text = "".join(
        agreement(f"f{i}", ["parties"]).replace(f'"Agreement f{i}"@en', turtle_string(f) + "@en")
        for i, f in enumerate(FORMULAS)
    )
    text += f"<{SCRIPT_IRIS[0]}> a lamc:MemorandumOfUnderstanding ; lamc:party inst:a .\n"
    load_turtle(store, text)
    audit = run_audit(store, s)
    yield store, audit
    store.close()


def test_audit_csv_prefixes_every_formula_cell(hostile_audit):
    _, audit = hostile_audit
    rows = formula_free(render(audit, "csv", base_iri=BASE))
    labels = {row[1] for row in rows[1:]}
    for formula in FORMULAS:
        assert "'" + formula in labels or "'" + formula.lstrip("\t\r") in labels, formula


def test_audit_csv_over_http_is_formula_free_and_changes_nothing(hostile_audit):
    store, _ = hostile_audit
    before = store_state(store)
    with service_client(store) as client:
        response = client.get("/audit?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = formula_free(response.text)
    assert sum(row[1].startswith("'") for row in rows) >= len(FORMULAS)
    assert store_state(store) == before


@pytest.mark.parametrize("formula", FORMULAS)
def test_rejected_rows_report_prefixes_every_formula_cell(tmp_path, formula):
    tally = Tally(source=formula)
    row = Row(where=formula, cells={"id": formula}, raw=formula + ",x")
    tally.reject(row, [Problem(field=formula, reason=formula)])
    tally.dropped.append((row, [Problem(field="title", reason=formula)]))
    with write_report(tally, tmp_path / "r.csv").open(encoding="utf-8", newline="") as f:
        rows = formula_free(f.read())
    assert rows[1] == ["'" + formula] * 4 + ["rejected", "'" + formula + ",x"]
    assert rows[2][3] == "'" + formula


def test_import_report_of_a_hostile_table_is_formula_free_and_loads_nothing(store, tmp_path):
    table = tmp_path / "agreements.csv"
    table.write_text(
        'id,title,budget_amount\n=1+1,"=HYPERLINK(""https://evil.example"")",@SUM(A1)\n',
        encoding="utf-8",
    )
    before = store_state(store)
    with pytest.raises(ImportRejected):
        import_file(store, table, base_iri=BASE, report=tmp_path / "report.csv")
    with (tmp_path / "report.csv").open(encoding="utf-8", newline="") as f:
        rows = formula_free(f.read())
    assert len(rows) > 1
    assert any(row[5].startswith("'=1+1,") for row in rows[1:])
    assert store_state(store) == before


# -- links: only http(s) IRIs and the site's own paths ---------------------------------------


@pytest.mark.parametrize(
    "iri",
    [*SCRIPT_IRIS, " javascript:alert(7)", "\tjavascript:alert(7)", "java\nscript:alert(7)"],
)
def test_a_non_http_iri_is_no_link_target(iri):
    assert not linkable(iri)
    assert local_path(iri, BASE) == ""


@pytest.mark.parametrize(
    ("iri", "path"),
    [
        ("https://example.org/x", "https://example.org/x"),
        ("HTTP://example.org/x", "HTTP://example.org/x"),
        (BASE + "id/institution/a", "/id/institution/a"),
    ],
)
def test_http_iris_and_own_paths_stay_links(iri, path):
    assert local_path(iri, BASE) == path


@pytest.fixture
def hostile_entity(store):
    """An institution citing a source whose IRI is each script IRI, and one that is http."""
    sources = " , ".join(f"<{iri}>" for iri in [*SCRIPT_IRIS, "https://example.org/ok"])
    data = (
        f"<{BASE}id/institution/hostile> a <{BASE}ontology#Library> ;\n"
        f'  <http://www.w3.org/2004/02/skos/core#prefLabel> "Hostile"@en ;\n'
        f"  <http://purl.org/dc/terms/source> {sources} .\n"
    )
    store.load_graph(data.encode(), graph=BASE + "graph/hostile", format=ox.RdfFormat.TURTLE)
    return store


def hrefs(html: str) -> list[str]:
    return re.findall(r"""href\s*=\s*["']?([^"' >]*)""", html, flags=re.IGNORECASE)


def test_entity_page_shows_script_iris_as_text_and_changes_nothing(hostile_entity):
    before = store_state(hostile_entity)
    with service_client(hostile_entity) as client:
        response = client.get("/doc/institution/hostile.html")
    assert response.status_code == 200
    targets = hrefs(response.text)
    assert "https://example.org/ok" in targets
    for target in targets:
        assert target.startswith(("/", "?", "#", "http://", "https://")), target
    for iri in SCRIPT_IRIS:
        assert f'title="{iri}"' in response.text  # shown, as text
    assert store_state(hostile_entity) == before


def test_audit_pages_link_no_script_iri(hostile_audit):
    store, audit = hostile_audit
    with service_client(store) as client:
        pages = [client.get("/audit").text, render(audit, "html", base_iri=BASE)]
    for html in pages:
        assert SCRIPT_IRIS[0] in html
        assert not [h for h in hrefs(html) if h.lower().startswith("javascript")]


# -- browser-protection headers --------------------------------------------------------------

PATHS = ["/", "/sparql", "/audit", "/audit?format=csv", "/sparql?query=ASK{}", "/nowhere"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_nosniff_referrer_policy_and_csp(hostile_audit, path):
    store, _ = hostile_audit
    before = store_state(store)
    with service_client(store) as client:
        response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert store_state(store) == before


def test_editor_page_inline_scripts_are_exactly_the_hashed_ones(hostile_audit):
    store, _ = hostile_audit
    with service_client(store) as client:
        response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html"
    found = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    assert found and set(found) <= set(inline_scripts())
    for script in found:
        assert script_hash(script) in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("iri", SCRIPT_IRIS[:3] + SCRIPT_IRIS[4:6])
def test_ontology_reference_links_no_script_iri(iri):
    graph = shipped_ontology()
    hostile = URIRef(iri)
    graph.add((ONTOLOGY, URIRef("http://purl.org/dc/terms/license"), hostile))
    graph.remove((ONTOLOGY, OWL.versionIRI, None))
    graph.add((ONTOLOGY, OWL.versionIRI, hostile))
    graph.add((URIRef(BASE + "ontology#Agreement"), RDFS.seeAlso, hostile))
    html = render_reference(graph)
    assert iri in html
    assert not [h for h in hrefs(html) if not h.startswith(("#", "http://", "https://"))]


def test_a_header_beyond_latin1_is_written_as_its_uri(tmp_path, caplog):
    """A header value holding a character beyond Latin-1 (an IRI with a Persian word, as the
    ``Link`` of an entity document held) failed the whole response: an empty reply from the
    front, a 500 from a worker. The app writes such a value as its URI, and logs the header
    so that its source is fixed."""
    store = open_store(tmp_path / "store")
    try:
        with service_client(store) as client:
            app = client.application

            def persian_link():
                return Response("ok", headers={"Link": '<https://e/ملی>; rel="describes"'})

            app.add_url_rule("/-/test-persian-link", "persian_link", persian_link)
            with caplog.at_level("WARNING"):
                reply = client.get("/-/test-persian-link")
    finally:
        store.close()
    assert reply.status_code == 200
    assert reply.headers["Link"] == '<https://e/%D9%85%D9%84%DB%8C>; rel="describes"'
    assert "headers beyond Latin-1, written as URIs: Link" in caplog.text
