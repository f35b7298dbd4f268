"""Each of the twelve components is found missing when absent and present when there,
on small hand-made agreements in a real store; completeness is the exact share present."""

from __future__ import annotations

import pytest

from graph_loader.audit.run import read_profile, run_audit
from graph_loader.store import open_store
from tests.audit_support import (
    BASE,
    COMPONENTS,
    agreement,
    load_shipped,
    load_turtle,
    settings,
)

AGR = BASE + "id/agreement/"


@pytest.fixture
def audit_store():
    store, s = open_store(None), settings()
    load_shipped(store, s)
    return store, s


def audit_of(store, s, text):
    load_turtle(store, text)
    return {a.iri: a for a in run_audit(store, s).agreements}


def test_profile_has_the_twelve_components_in_order(audit_store):
    store, s = audit_store
    profile = read_profile(store, s.graph_iri("shapes-agreement-audit"))
    assert [c.id for c in profile] == list(COMPONENTS)
    for component in profile:
        assert component.severity in {"Violation", "Warning", "Info"}
        assert set(component.messages) == {"en", "fa", "zh-hans"}
        assert component.challenges, component.id


def test_complete_agreement_misses_nothing(audit_store):
    results = audit_of(*audit_store, agreement("full", COMPONENTS))
    assert results[AGR + "full"].missing == ()
    assert results[AGR + "full"].completeness == 1.0


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_detected_missing(audit_store, component):
    present = [c for c in COMPONENTS if c != component]
    results = audit_of(*audit_store, agreement("gap", present))
    assert results[AGR + "gap"].missing == (component,)
    assert results[AGR + "gap"].completeness == 11 / 12


@pytest.mark.parametrize("component", COMPONENTS)
def test_each_component_alone_is_present(audit_store, component):
    results = audit_of(*audit_store, agreement("one", [component]))
    assert component not in results[AGR + "one"].missing
    assert len(results[AGR + "one"].missing) == 11
    assert results[AGR + "one"].completeness == 1 / 12


def test_one_party_is_not_enough(audit_store):
    results = audit_of(*audit_store, agreement("solo", [], extra="lamc:party inst:a"))
    assert "parties" in results[AGR + "solo"].missing


@pytest.mark.parametrize(
    "value",
    [
        'lamc:signedOn "2001"^^xsd:gYear ; lamc:endDate "2010-01-01"^^xsd:date',
        'lamc:startDate "2001-12"^^xsd:gYearMonth ; lamc:openEnded true',
        'lamc:signedOn "2001-12-01"^^xsd:date ; lamc:startDate "2002"^^xsd:gYear ; '
        'lamc:endDate "2010"^^xsd:gYear',
    ],
)
def test_a_stated_duration_gives_a_term(audit_store, value):
    results = audit_of(*audit_store, agreement("t", [], extra=value))
    assert "term" not in results[AGR + "t"].missing


@pytest.mark.parametrize(
    "value",
    [
        'lamc:signedOn "2001"^^xsd:gYear',
        'lamc:startDate "2001-12"^^xsd:gYearMonth',
        'lamc:endDate "2010-01-01"^^xsd:date',
        "lamc:openEnded true",
        'lamc:signedOn "2001"^^xsd:gYear ; lamc:openEnded false',
    ],
)
def test_half_a_duration_is_no_term(audit_store, value):
    """A signing date alone says nothing of how long the agreement runs."""
    results = audit_of(*audit_store, agreement("t", [], extra=value))
    assert "term" in results[AGR + "t"].missing


@pytest.mark.parametrize(
    "value",
    [
        "lamc:fundingModel fm:member-cost-sharing",
        "lamc:budgetAmount 1000.00",
        'lamc:budgetCurrency "CNY"',
    ],
)
def test_any_funding_property_gives_funding(audit_store, value):
    results = audit_of(*audit_store, agreement("f", [], extra=value))
    assert "funding" not in results[AGR + "f"].missing


@pytest.mark.parametrize("missing", [0, 1, 3, 5, 12])
def test_completeness_is_the_share_present(audit_store, missing):
    present = COMPONENTS[missing:]
    results = audit_of(*audit_store, agreement("k", present))
    assert results[AGR + "k"].completeness == (12 - missing) / 12
    assert results[AGR + "k"].missing == COMPONENTS[:missing]


@pytest.mark.parametrize(
    "kind", ["Agreement", "MemorandumOfUnderstanding", "ConsortiumCharter", "LicensingAgreement"]
)
def test_agreements_of_every_kind_are_audited(audit_store, kind):
    results = audit_of(*audit_store, agreement("kind", ["parties"], kind=kind))
    assert AGR + "kind" in results


def test_things_that_are_not_agreements_are_not_audited(audit_store):
    results = audit_of(*audit_store, agreement("real", []))
    assert set(results) == {AGR + "real"}


def test_both_engines_agree_on_the_term(audit_store):
    """The compiled engine and pySHACL (the reference) read the term's sh:and/sh:or alike."""
    store, s = audit_store
    load_turtle(
        store,
        agreement("half", [], extra='lamc:signedOn "2001"^^xsd:gYear')
        + agreement("whole", [], extra='lamc:signedOn "2001"^^xsd:gYear ; lamc:openEnded true'),
    )
    for engine in ("pyshacl", "auto"):
        results = {a.iri: a for a in run_audit(store, s, engine=engine).agreements}
        assert "term" in results[AGR + "half"].missing, engine
        assert "term" not in results[AGR + "whole"].missing, engine
