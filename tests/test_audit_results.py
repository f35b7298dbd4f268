"""The audit's aggregates on a small example, its graph (queryable, replaced on rerun), and
its five output formats, which agree with each other."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
import rdflib

from graph_loader.audit.report import FORMATS, as_dict, render
from graph_loader.audit.run import run_audit
from graph_loader.store import open_store
from tests.audit_support import COMPONENTS, agreement, load_shipped, load_turtle, settings

INST = "https://w3id.org/lamcoop/id/institution/"
A = "https://w3id.org/lamcoop/id/agreement/"
CODE = "https://w3id.org/lamcoop/id/concept/lam-study-codes/"
EXAMPLE = (
    agreement("one", COMPONENTS, extra="lamc:governs inst:cons")
    + agreement("two", ["coordinator", "term"], extra="lamc:party inst:a , inst:c")
    + agreement("three", [], extra="lamc:party inst:c")
    + """
[] a org:Membership ; org:member inst:a ; org:organization inst:cons ; org:role lamc:MemberRole .
inst:cons org:hasMember inst:b .
"""
)


@pytest.fixture
def audited():
    store, s = open_store(None), settings()
    load_shipped(store, s)
    load_turtle(store, EXAMPLE)
    return store, s, run_audit(store, s)


def test_agreement_completeness(audited):
    *_, audit = audited
    got = {a.iri: a.completeness for a in audit.agreements}
    assert got == {A + "one": 1.0, A + "two": 3 / 12, A + "three": 0.0}


def test_completeness_per_institution(audited):
    *_, audit = audited
    got = {x.iri: (x.agreements, x.completeness) for x in audit.institutions}
    assert got == {INST + "a": (2, 0.625), INST + "b": (1, 1.0), INST + "c": (2, 0.125)}
    labels = {x.iri: x.label for x in audit.institutions}
    assert labels[INST + "a"] == "Library A"


def test_completeness_per_consortium_counts_governing_and_members_agreements(audited):
    *_, audit = audited
    got = {x.iri: (x.agreements, x.completeness) for x in audit.consortia}
    assert got == {INST + "cons": (2, 0.625)}


def test_most_missing_components(audited):
    *_, audit = audited
    counts = {c.id: n for c, n in audit.missing_counts()}
    assert counts["parties"] == counts["coordinator"] == counts["term"] == 1
    assert all(counts[c] == 2 for c in COMPONENTS[3:])
    assert [c.id for c, _ in audit.missing_counts()][:2] == ["funding", "governance"]


def test_most_exposed_challenges(audited):
    *_, audit = audited
    exposed = {ch: (n, gaps) for ch, n, gaps in audit.challenge_counts()}
    assert exposed[CODE + "no-independent-cooperation-body"] == (1, 1)
    assert exposed[CODE + "financial-matters-and-budget"] == (2, 2)
    # indicators and evaluation both expose it: two gaps in each of two agreements
    assert exposed[CODE + "no-clear-cooperation-policy"] == (2, 4)


AUDIT_QUERY = """PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
SELECT ?g ?agreement ?completeness (COUNT(?gap) AS ?gaps) WHERE { GRAPH ?g {
  ?r a lamc:AgreementAudit ; lamc:auditedAgreement ?agreement ; lamc:completeness ?completeness .
  OPTIONAL { ?r lamc:hasGap ?gap } } } GROUP BY ?agreement ?completeness ?g"""


def _audit_rows(store, s):
    rows = store.query(
        AUDIT_QUERY, substitutions={ox.Variable("g"): ox.NamedNode(s.graph_iri("audit"))}
    )
    return {
        r["agreement"].value: (float(r["completeness"].value), int(r["gaps"].value)) for r in rows
    }


def test_audit_graph_is_queryable(audited):
    store, s, _ = audited
    assert _audit_rows(store, s) == {
        A + "one": (1.0, 0),
        A + "two": (0.25, 9),
        A + "three": (0.0, 12),
    }
    gaps = store.query(
        "PREFIX lamc: <https://w3id.org/lamcoop/ontology#> "
        "SELECT ?g ?c WHERE { GRAPH ?g { "
        "?gap lamc:componentId 'funding' ; lamc:exposesChallenge ?c } }",
        substitutions={ox.Variable("g"): ox.NamedNode(s.graph_iri("audit"))},
    )
    assert {r["c"].value for r in gaps} == {
        CODE + "financial-matters-and-budget",
        CODE + "transparent-financial-benefits",
    }


def test_audit_graph_is_replaced_on_rerun(audited):
    store, s, _ = audited
    load_turtle(store, agreement("two", COMPONENTS))
    run_audit(store, s)
    assert _audit_rows(store, s) == {A + "two": (1.0, 0)}
    runs = list(
        store.query(
            "SELECT ?g ?run WHERE { GRAPH ?g { "
            "?run a <https://w3id.org/lamcoop/ontology#AuditRun> } }",
            substitutions={ox.Variable("g"): ox.NamedNode(s.graph_iri("audit"))},
        )
    )
    assert len(runs) == 1


def test_only_given_graphs_are_audited(audited):
    store, s, _ = audited
    other = "https://w3id.org/lamcoop/graph/other"
    load_turtle(store, agreement("elsewhere", ["parties"]), graph=other)
    everything = {a.iri for a in run_audit(store, s).agreements}
    assert A + "elsewhere" in everything and A + "one" in everything
    only = {a.iri for a in run_audit(store, s, graphs=[other]).agreements}
    assert only == {A + "elsewhere"}


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: dict[str, float] = {}
        self.components: dict[str, list[str]] = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-iri" in attrs:
            self._current = attrs["data-iri"]
            self.rows[self._current] = float(attrs["data-completeness"])
            self.components[self._current] = []
        if tag == "span" and "data-component" in attrs and self._current:
            self.components[self._current].append(attrs["data-component"])


def test_every_format_renders_and_they_agree(audited):
    _store, s, audit = audited
    data = as_dict(audit)
    expected = {a["iri"]: (a["completeness"], a["missing"]) for a in data["agreements"]}
    outputs = {fmt: render(audit, fmt, base_iri=s.base_iri) for fmt in FORMATS}

    assert json.loads(outputs["json"])["agreements"] == data["agreements"]
    assert {a["iri"] for a in json.loads(outputs["json"])["agreements"]} == set(expected)

    rows = list(csv.DictReader(io.StringIO(outputs["csv"])))
    got_csv = {
        r["agreement"]: (float(r["completeness"]), r["missing"].split(";") if r["missing"] else [])
        for r in rows
    }
    assert {k: (pytest.approx(c, abs=1e-6), m) for k, (c, m) in expected.items()} == got_csv

    graph = rdflib.Graph().parse(data=outputs["ttl"], format="turtle")
    lamc = rdflib.Namespace("https://w3id.org/lamcoop/ontology#")
    got_ttl = {}
    for result in graph.subjects(rdflib.RDF.type, lamc.AgreementAudit):
        iri = str(graph.value(result, lamc.auditedAgreement))
        gaps = [str(graph.value(g, lamc.componentId)) for g in graph.objects(result, lamc.hasGap)]
        got_ttl[iri] = (float(graph.value(result, lamc.completeness)), sorted(gaps))
    assert got_ttl == {k: (pytest.approx(c, abs=1e-6), sorted(m)) for k, (c, m) in expected.items()}

    parser = _Rows()
    parser.feed(outputs["html"])
    assert parser.rows == {k: c for k, (c, _) in expected.items()}
    assert parser.components == {k: m for k, (_, m) in expected.items()}

    text = outputs["text"]
    assert "Agreements audited: 3" in text
    assert "Agreement two: funding, governance, areas" in text


def test_cli_audit_writes_json_and_the_graph(invoke, tmp_path):
    path = tmp_path / "cli-store"
    store, s = open_store(path), settings()
    load_shipped(store, s)
    load_turtle(store, EXAMPLE)
    store.close()
    result = invoke("--store", str(path), "audit", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    got = {a["iri"]: a["missing"] for a in data["agreements"]}
    assert got[A + "three"] == list(COMPONENTS)
    assert got[A + "one"] == []
    assert data["most_missing"][0]["id"] == "funding"
    reopened = open_store(path)
    try:
        assert reopened.triple_count(s.graph_iri("audit")) > 0
    finally:
        reopened.close()


def test_cli_audit_refuses_an_unknown_graph(invoke, tmp_path):
    path = tmp_path / "cli-store"
    store, s = open_store(path), settings()
    load_shipped(store, s)
    store.close()
    for name in ("https://example.org/none", "not an IRI"):
        result = invoke("--store", str(path), "audit", "--graph", name)
        assert result.exit_code == 2
        assert "no such graph" in result.output


def test_a_rerun_with_the_same_findings_leaves_the_store_as_it_was(audited):
    from conftest import snapshot

    store, s, _ = audited
    before = snapshot(store)
    run_audit(store, s)
    assert snapshot(store) == before
    load_turtle(store, EXAMPLE + agreement("four", ["parties"]))
    run_audit(store, s)
    assert snapshot(store) != before
