"""The dataset of record against the shapes: it conforms to the integrity shapes, every
challenge the audit profile points at is a labelled code of the study, and its agreements
are audited."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph_loader.audit.run import run_audit
from graph_loader.build import STEPS, BuildContext, check_integrity
from graph_loader.graphs import AUDIT_SHAPES
from graph_loader.integrity import IntegrityError, describe_result, validate_integrity
from graph_loader.store import open_store
from tests.audit_support import settings

CODES_SCHEME = "https://w3id.org/lamcoop/id/scheme/lam-study-codes"


@pytest.fixture(scope="module")
def record():
    """A store built by the steps before validation: ontology, shapes, record, inferences."""
    store, s = open_store(None), settings()
    context = BuildContext(store, s)
    for step in STEPS[: STEPS.index(check_integrity)]:
        step(context)
    seeds = [g.iri for g in store.graphs() if g.iri.startswith(s.graph_iri("seed-"))]
    if not seeds:
        pytest.skip("the dataset of record has no seed graphs in this checkout")
    return store, s


def test_dataset_of_record_conforms(record):
    store, s = record
    outcome = validate_integrity(store, s)
    shown = "\n".join(describe_result(r) for r in outcome.report.results[:20])
    assert outcome.report.results == [], f"{len(outcome.report.results)} results:\n{shown}"


def test_every_exposed_challenge_is_a_labelled_study_code(record):
    store, s = record
    rows = list(
        store.query(
            "PREFIX lamc: <https://w3id.org/lamcoop/ontology#> "
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?g ?c ?scheme (SAMPLE(?en) AS ?label) WHERE { "
            "GRAPH ?g { ?shape lamc:exposesChallenge ?c } "
            "OPTIONAL { ?c skos:inScheme ?scheme } "
            "OPTIONAL { ?c skos:prefLabel ?en FILTER(lang(?en) = 'en') } } "
            "GROUP BY ?g ?c ?scheme",
            substitutions={ox.Variable("g"): ox.NamedNode(s.graph_iri(AUDIT_SHAPES))},
        )
    )
    assert len({r["c"].value for r in rows}) >= 12
    for row in rows:
        assert row["scheme"] is not None and row["scheme"].value == CODES_SCHEME, row["c"]
        assert row["label"] is not None and row["label"].value, row["c"]


def test_the_record_agreements_are_audited(record):
    store, s = record
    audit = run_audit(store, s)
    if not audit.agreements:
        pytest.skip("the dataset of record has no agreements yet")
    assert all(0.0 <= a.completeness <= 1.0 for a in audit.agreements)
    assert all(a.label for a in audit.agreements)
    assert store.triple_count(s.graph_iri("audit")) > len(audit.agreements)


BAD = (
    "<https://w3id.org/lamcoop/id/concept/lam-study-codes/financial-matters-and-budget> "
    "<https://w3id.org/lamcoop/ontology#frequency> -1"
)


def _insert(store, graph: str) -> str:
    g = str(ox.NamedNode(graph))
    store.update(f"INSERT DATA {{ GRAPH {g} {{ {BAD} }} }}")
    return f"DELETE DATA {{ GRAPH {g} {{ {BAD} }} }}"


def test_build_step_fails_on_a_violation_in_the_record(record):
    store, s = record
    undo = _insert(store, s.graph_iri("seed-000"))
    try:
        with pytest.raises(IntegrityError, match="dataset of record does not conform"):
            check_integrity(BuildContext(store, s))
    finally:
        store.update(undo)
    assert "conform" in check_integrity(BuildContext(store, s))


def test_build_step_reports_but_passes_violations_in_users_graphs(record):
    store, s = record
    user = s.graph_iri("my-register")
    store.update(
        f"INSERT DATA {{ GRAPH {ox.NamedNode(user)} {{ "
        "<https://example.org/museum> a <https://w3id.org/lamcoop/ontology#Museum> } }"
    )
    try:
        summary = check_integrity(BuildContext(store, s))
    finally:
        store.drop_graph(user)
    assert "1 Violation" in summary
    assert "0 violations in the dataset of record" in summary
