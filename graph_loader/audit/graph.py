"""The audit's results as RDF in ``{base}graph/audit``, written atomically, replacing.

An audit run node (``lamc:AuditRun``), one ``lamc:AgreementAudit`` per agreement with its
``lamc:completeness`` and whom it concerns (``lamc:auditedInstitution``,
``lamc:auditedConsortium``, ``lamc:auditedCountry``: what the tables and filters read),
and one ``lamc:ComponentGap`` per missing component with its ``lamc:componentId``,
severity, messages and the challenges it exposes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal

import pyoxigraph as ox

from graph_loader.audit.model import Audit
from graph_loader.graphs import AUDIT
from graph_loader.settings import Settings
from graph_loader.store import Store
from graph_loader.vocab import LAMC, PROV, RDF, SH, XSD

RDF_TYPE = RDF.type


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lamc(term: str) -> ox.NamedNode:
    return ox.NamedNode(LAMC + term)


def _typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def audit_triples(audit: Audit, base_iri: str) -> Iterator[ox.Triple]:
    """Every triple of the audit graph for ``audit``."""
    run = _n(audit.run)
    yield ox.Triple(run, RDF_TYPE, _lamc("AuditRun"))
    yield ox.Triple(run, RDF_TYPE, _n(PROV + "Activity"))
    yield ox.Triple(run, _n(PROV + "startedAtTime"), _typed(audit.started.isoformat(), "dateTime"))
    if not audit.selection:  # a selection's count and mean are not the run's
        yield ox.Triple(run, _lamc("agreementCount"), _typed(str(len(audit.agreements)), "integer"))
        yield ox.Triple(run, _lamc("completeness"), _decimal(audit.mean_completeness))
    for graph in audit.graphs:
        yield ox.Triple(run, _n(PROV + "used"), _n(graph))
    for result in audit.agreements:
        node = _n(f"{base_iri}id/audit/{agreement_slug(result.iri, base_iri)}")
        yield ox.Triple(node, RDF_TYPE, _lamc("AgreementAudit"))
        yield ox.Triple(node, _n(PROV + "wasGeneratedBy"), run)
        yield ox.Triple(node, _lamc("auditedAgreement"), _n(result.iri))
        yield ox.Triple(node, _lamc("completeness"), _decimal(result.completeness))
        for iri in result.institutions:
            yield ox.Triple(node, _lamc("auditedInstitution"), _n(iri))
        for iri in result.consortia:
            yield ox.Triple(node, _lamc("auditedConsortium"), _n(iri))
        for code in result.countries:
            yield ox.Triple(node, _lamc("auditedCountry"), ox.Literal(code))
        for component_id in result.missing:
            yield from _gap(audit, node, result.iri, component_id)


def _gap(audit: Audit, result: ox.NamedNode, agreement: str, component_id: str):
    component = audit.component(component_id)
    gap = _n(f"{result.value}/{component_id}")
    yield ox.Triple(result, _lamc("hasGap"), gap)
    yield ox.Triple(gap, RDF_TYPE, _lamc("ComponentGap"))
    yield ox.Triple(gap, _lamc("componentId"), ox.Literal(component_id))
    yield ox.Triple(gap, _n(SH + "focusNode"), _n(agreement))
    yield ox.Triple(gap, _n(SH + "sourceShape"), _n(component.shape))
    yield ox.Triple(gap, _n(SH + "resultSeverity"), _n(SH + component.severity))
    for lang, message in component.messages.items():
        text = ox.Literal(message, language=lang) if lang else ox.Literal(message)
        yield ox.Triple(gap, _n(SH + "resultMessage"), text)
    for challenge in component.challenges:
        yield ox.Triple(gap, _lamc("exposesChallenge"), _n(challenge))


def _decimal(value: float) -> ox.Literal:
    """Six decimals, in the canonical form the store keeps (``1``, ``0.25``, ``0.083333``)."""
    return _typed(format(Decimal(f"{value:.6f}").normalize(), "f"), "decimal")


def write_audit_graph(store: Store, settings: Settings, audit: Audit) -> int:
    """Replace ``{base}graph/audit`` with the results of ``audit`` in one step.

    A rerun that finds the same gaps leaves the graph, and so the store, as it was.
    """
    triples = list(audit_triples(audit, settings.base_iri))
    target = settings.graph_iri(AUDIT)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""  # no output: bytes
    if store.has_graph(target) and _lines(data) == _lines(
        store.dump_graph(target, format=ox.RdfFormat.N_TRIPLES)
    ):
        return len(triples)
    # Staged as N-Triples: the store's bulk loader takes bytes without re-entering the store.
    staged = store.stage(data, graph=target, format=ox.RdfFormat.N_TRIPLES, replace=True)
    staged.publish()
    return len(triples)


def _lines(ntriples: bytes) -> list[bytes]:
    """The statements, sorted, less the run's start time (which differs on every run)."""
    return sorted(line for line in ntriples.splitlines() if _STARTED not in line)


_STARTED = f"<{PROV}startedAtTime>".encode()


def agreement_slug(iri: str, base_iri: str) -> str:
    """The readable slug of an agreement under the base, else a short hash of its IRI."""
    prefix = f"{base_iri}id/agreement/"
    tail = iri.removeprefix(prefix)
    if iri.startswith(prefix) and tail and all(ch.isalnum() or ch in "-_." for ch in tail):
        return tail
    return "h-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:16]
