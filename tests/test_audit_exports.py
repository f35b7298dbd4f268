"""The audit as analysts use it, over a real ``lamcoop serve``: filters, the tables by
institution and consortium, every challenge charted, the per-agreement page, and the exports
(CSV, JSON, XLSX, every RDF syntax) read back by real readers and checked against the
audit's own results; the same from ``lamcoop audit``."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse

import openpyxl
import pyoxigraph as ox
import pytest
import rdflib
import requests

from graph_loader.audit.report import as_dict
from graph_loader.audit.selection import Selection, narrow
from graph_loader.audit.stored import audit_for, read_audit, read_rows
from graph_loader.store import open_store
from tests.audit_support import COMPONENTS, settings
from tests.audit_web_support import CODE, INST, A, build_audit_store
from tests.servers import RunningServer

LAMC = "https://w3id.org/lamcoop/ontology#"
TIMEOUT = 120


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("audit-web")
    path = build_audit_store(workdir)
    store = open_store(path, read_only=True)
    expected = read_audit(store, settings())
    store.close()
    with RunningServer(path, workdir, {"workers": 2}) as server:
        yield server, expected, path


def get(server, path: str, **headers: str) -> requests.Response:
    return requests.get(server.url + path, headers=headers, timeout=TIMEOUT)


def results(audit) -> dict[str, tuple[float, list[str]]]:
    return {a.iri: (round(a.completeness, 6), list(a.missing)) for a in audit.agreements}


FILTERS = [
    ({}, {"full", "thin", "lonely"}),
    ({"country": "IR"}, {"full", "thin"}),
    ({"country": "cn"}, {"full"}),
    ({"institution": INST + "c"}, {"thin"}),
    ({"consortium": INST + "cons"}, {"thin"}),
    ({"institution": INST + "a", "country": "CN"}, {"full"}),
]


@pytest.mark.parametrize(("filters", "slugs"), FILTERS)
def test_every_export_honours_the_filters_and_equals_the_audit(served, filters, slugs):
    server, whole, _ = served
    expected = narrow(whole, Selection(**filters))
    assert {a.iri.removeprefix(A) for a in expected.agreements} == slugs
    want = results(expected)
    query = urllib.parse.urlencode(filters)

    data = get(server, f"/audit?{query}", Accept="application/json").json()
    assert data == json.loads(json.dumps(as_dict(expected)))  # the audit's JSON exactly
    assert data["selection"] == {k: v.upper() if k == "country" else v for k, v in filters.items()}

    reply = get(server, f"/audit?{query}&format=csv")
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in reply.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert {r["agreement"]: (float(r["completeness"]), _split(r["missing"])) for r in rows} == want

    reply = get(server, f"/audit?{query}&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(reply.content), read_only=True)
    assert book.sheetnames == [
        "Agreements", "Gaps", "Institutions", "Consortia", "Components", "Challenges"
    ]  # fmt: skip
    _header, *body = list(book["Agreements"].iter_rows(values_only=True))
    got = {r[0]: (r[2], _split(r[3])) for r in (dict(enumerate(row)) for row in body)}
    assert got == want
    institutions = [r for r in book["Institutions"].iter_rows(values_only=True)][1:]
    assert [(r[0], r[2], r[3]) for r in institutions] == [
        (x.iri, x.agreements, x.completeness) for x in expected.institutions
    ]

    for fmt in ("ttl", "nt", "jsonld", "rdfxml", "nq", "trig"):
        reply = get(server, f"/audit?{query}&format={fmt}")
        assert reply.status_code == 200, (fmt, reply.text)
        assert _rdf_results(reply.content, reply.headers["Content-Type"]) == want, fmt


def test_rdf_by_accept_and_rdflib_reads_turtle(served):
    server, whole, _ = served
    reply = get(server, "/audit", Accept="application/n-triples")
    assert reply.headers["Content-Type"].startswith("application/n-triples")
    graph = rdflib.Graph().parse(data=get(server, "/audit?format=ttl").text, format="turtle")
    found = {
        str(graph.value(r, rdflib.URIRef(LAMC + "auditedAgreement"))): sorted(
            str(c) for c in graph.objects(r, rdflib.URIRef(LAMC + "auditedCountry"))
        )
        for r in graph.subjects(rdflib.RDF.type, rdflib.URIRef(LAMC + "AgreementAudit"))
    }
    assert found == {a.iri: list(a.countries) for a in whole.agreements}
    assert get(server, "/audit", Accept="application/json").json()["run"]["agreements"] == 3


def test_page_shows_severity_in_words_tables_and_every_challenge(served):
    server, whole, _ = served
    page = get(server, "/audit").text
    # Severity in words, in its colour's class (never colour alone).
    assert re.search(r'class="sev sev-Violation"[^>]*>Violation</span>', page)
    assert re.search(r'class="sev sev-Info"[^>]*>Info</span>', page)
    # Every challenge a gap exposes, with its whole label (no ten-row cap, no truncation).
    charted = re.findall(r'<tr class="bar" data-iri="([^"]+)"', page)
    assert sorted(charted) == sorted(ch for ch, _, _ in whole.challenge_counts())
    assert len(charted) > 10
    assert "Lack of skilled and motivated staff</bdi></a>" in page
    for key in ("institutions", "consortia"):
        table = page.split(f'<table id="{key}">', 1)[1].split("</table>", 1)[0]
        assert re.findall(r'<tr data-iri="([^"]+)"', table) == [x.iri for x in getattr(whole, key)]
    assert 'href="/audit?country=IR' not in page  # the form lists, it does not link
    assert '<option value="IR">Iran (IR)</option>' in page
    assert "institution=" + urllib.parse.quote(INST + "a", safe="") in page


def test_page_in_persian_labels_in_persian(served):
    server, _, _ = served
    page = get(server, "/audit?lang=fa").text
    assert 'dir="rtl"' in page
    assert "کمبود نیروی متخصص" in page  # the challenge's own Persian label
    assert "کتابخانهٔ الف" in page  # the institution's
    assert "ایران (IR)" in page  # the country's name, from the locale data
    # Figures as a Persian reader writes them: the summary, the counts and the shares were
    # in Latin digits ("4 توافق‌نامه ممیزی شد؛ میانگین کامل‌بودن 18.8 %").
    summary = re.sub(r"<[^>]+>", "", page.split('<p id="summary">', 1)[1].split("</p>", 1)[0])
    assert re.search(r"[۰-۹]", summary) and not re.search(r"[0-9]", summary), summary
    for table in ("most-missing", "institutions"):
        cells = re.findall(r'<td class="num">(.*?)</td>', page.split(f'id="{table}"', 1)[1])
        assert cells and not any(re.search(r"[0-9]", c) for c in cells), (table, cells)
    one = get(server, "/audit/full?lang=fa").text
    counted = one.split('id="completeness"', 1)[1].split("</p>", 1)[0]
    assert not re.search(r"[0-9]", re.sub(r"<[^>]+>", "", counted)), counted


def test_filtered_page_lists_only_the_kept_agreements(served):
    server, _, _ = served
    page = get(server, "/audit?country=CN").text
    rows = re.findall(r'<tr data-iri="([^"]+)" data-completeness', page)
    assert rows == [A + "full"]
    assert 'id="clear-filters"' in page and 'id="selection"' in page


def test_one_agreement_states_its_components_in_words(served):
    server, _, _ = served
    page = get(server, "/audit/full").text
    present = page.split('<table id="present">', 1)[1].split("</table>", 1)[0]
    assert "A hosts the catalogue." in present  # the provision's own text
    assert "Records stay in the country." in present
    assert "Library A" in present and "2001-12-01" in present
    assert "responsibilit" not in re.sub(r"<[^>]+>", "", present).split("A hosts")[1][:5]
    gaps = page.split('<table id="gaps">', 1)[1].split("</table>", 1)[0]
    assert 'data-component="staffing"' in gaps and ">Warning</span>" in gaps
    assert f'data-challenge="{CODE}lack-of-skilled-motivated-staff"' in gaps
    assert "Current situation" in gaps and "Table 6" in gaps  # category and citation


def test_one_agreement_states_its_values_as_an_entity_page_shows_them(served):
    """In Persian: a party linked by its Persian label, a date in the reader's calendar
    words and digits, a provision's English text marked English (so a right-to-left page
    keeps its full stop at its end); each value an isolate, as on an entity page."""
    server, _, _ = served
    page = get(server, "/audit/full?lang=fa").text
    present = page.split('<table id="present">', 1)[1].split("</table>", 1)[0]
    assert f'<a href="/id/institution/a" title="{INST}a"><bdi lang="fa" dir="rtl">' in present
    assert "کتابخانهٔ الف" in present
    assert re.search(r'<bdi lang="fa" dir="rtl" title="2001-12-01 \(xsd:date\)">[^<]*۲۰۰۱', present)
    assert '<bdi lang="en" dir="ltr">A hosts the catalogue.</bdi>' in present
    assert "<bdi>" not in present  # no isolate left without its direction
    data = get(server, "/audit/full?format=json").json()
    term = data["agreements"][0]["stated"]["term"]
    assert {(v["kind"], v["datatype"].rsplit("#")[-1]) for v in term} == {("literal", "date")}


def test_one_agreement_exports(served):
    server, _, _ = served
    data = get(server, "/audit/thin?format=json").json()
    assert [a["iri"] for a in data["agreements"]] == [A + "thin"]
    assert [c["iri"] for c in data["consortia"]] == [INST + "cons"]
    assert data["agreements"][0]["stated"]["parties"][0]["value"] == INST + "a"
    rows = list(csv.DictReader(io.StringIO(get(server, "/audit/thin?format=csv").text)))
    assert [r["agreement"] for r in rows] == [A + "thin"]
    assert rows[0]["label"] == "'=HYPERLINK(1)"  # never a formula
    book = openpyxl.load_workbook(io.BytesIO(get(server, "/audit/thin?format=xlsx").content))
    cell = book["Agreements"]["B2"]
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(1)"
    graph = ox.Store()
    graph.load(get(server, "/audit/thin?format=ttl").content, format=ox.RdfFormat.TURTLE)
    agreements = {
        q.object.value
        for q in graph.quads_for_pattern(None, ox.NamedNode(LAMC + "auditedAgreement"), None)
    }
    assert agreements == {A + "thin"}
    count = list(graph.quads_for_pattern(None, ox.NamedNode(LAMC + "agreementCount"), None))
    assert count == []  # one agreement's export does not restate the run's totals
    assert get(server, "/audit/full?country=CN&format=json").status_code == 200
    assert get(server, "/audit/thin?country=CN").status_code == 404


def test_cli_exports_the_same_audit(served, invoke, tmp_path):
    _, whole, _ = served
    copy = build_audit_store(tmp_path)  # a store of its own: the command writes the audit
    out = tmp_path / "audit.xlsx"
    result = invoke(
        "--store", str(copy), "audit", "--format", "xlsx", "--country", "ir", "-o", str(out)
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = list(openpyxl.load_workbook(out)["Agreements"].iter_rows(values_only=True))[1:]
    assert {r[0] for r in body} == {A + "full", A + "thin"}
    nq = tmp_path / "a.nq"
    result = invoke("--store", str(copy), "audit", "--format", "nquads", "-o", str(nq))
    assert result.exit_code == 0, result.output
    got = _rdf_results(nq.read_bytes(), "application/n-quads")
    assert got == results(whole)
    result = invoke("--store", str(copy), "audit", "--country", "XX")
    assert result.exit_code == 2 and "--country" in result.output and "'XX'" in result.output


def _split(cell: str | None) -> list[str]:
    return cell.split(";") if cell else []


def _rdf_results(body: bytes, media: str) -> dict[str, tuple[float, list[str]]]:
    """Agreement -> (completeness, missing components in profile order) from RDF."""
    store = ox.Store()
    fmt = ox.RdfFormat.from_media_type(media.split(";")[0])
    assert fmt is not None, media
    store.load(body, format=fmt)
    rows = store.query(
        f"""PREFIX lamc: <{LAMC}> SELECT ?a ?c ?id ?o WHERE {{
        ?r lamc:auditedAgreement ?a ; lamc:completeness ?c .
        OPTIONAL {{ ?r lamc:hasGap ?g . ?g lamc:componentId ?id }} }}""",
        use_default_graph_as_union=True,
    )
    found: dict[str, tuple[float, list[str]]] = {}
    for row in rows:
        c, missing = found.get(row["a"].value, (float(row["c"].value), []))
        if row["id"] is not None:
            missing.append(row["id"].value)
        found[row["a"].value] = (c, missing)
    return {a: (c, sorted(m, key=COMPONENTS.index)) for a, (c, m) in found.items()}


def test_agreements_table_pages(served):
    server, whole, _ = served
    seen = []
    for number in (1, 2, 3):
        page = get(server, f"/audit?size=1&page={number}&sort=label").text
        rows = re.findall(r'<tr data-iri="([^"]+)" data-completeness', page)
        assert len(rows) == 1
        seen += rows
        assert ('rel="next"' in page) == (number < 3)
    assert sorted(seen) == sorted(a.iri for a in whole.agreements)
    assert get(server, "/audit?size=1&page=4").status_code == 400


@pytest.mark.parametrize("lang", ["en", "fa", "zh-Hans"])
def test_the_pages_audit_in_each_language_is_the_stored_audit_read_for_it(served, lang):
    """The pages read the audit graph once for every language (its rows), then pick each
    language's labels: the same audit as one read for that language, and the page in that
    language names what it read."""
    server, _, path = served
    store = open_store(path, read_only=True)
    try:
        rows = read_rows(store, settings())
        assert rows is not None
        assert audit_for(rows, lang=lang) == read_audit(store, settings(), lang=lang)
    finally:
        store.close()
    for _ in range(2):  # the second request of a language, and of the first after it
        page = get(server, f"/audit?lang={lang}").text
        assert ("کتابخانهٔ الف" in page) == (lang == "fa")
