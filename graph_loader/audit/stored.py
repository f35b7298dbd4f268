"""The last audit as stored in ``{base}graph/audit``, read back as an :class:`Audit`.

So the pages and any reader of the store show the audit without re-running it (re-running
writes); :mod:`graph_loader.audit.report` then renders it in every format. Aggregates by
institution and consortium are not stored, so they are left empty here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pyoxigraph as ox

from graph_loader.audit.model import AgreementResult, Audit
from graph_loader.audit.run import labelled, read_profile
from graph_loader.graphs import AUDIT, AUDIT_SHAPES
from graph_loader.settings import Settings
from graph_loader.store import ReadableStore
from graph_loader.vocab import label_filter, label_texts, sparql_prefixes

_PREFIXES = sparql_prefixes("lamc", "prov", "skos")
RUN_QUERY = (
    _PREFIXES
    + """SELECT ?ag ?run ?started ?used WHERE { GRAPH ?ag {
  ?run a lamc:AuditRun . OPTIONAL { ?run prov:startedAtTime ?started }
  OPTIONAL { ?run prov:used ?used } } }"""
)
RESULTS_QUERY = (
    _PREFIXES
    + """SELECT ?ag ?agreement ?completeness ?component WHERE {
  GRAPH ?ag { ?r a lamc:AgreementAudit ; lamc:auditedAgreement ?agreement ;
                 lamc:completeness ?completeness .
              OPTIONAL { ?r lamc:hasGap/lamc:componentId ?component } } }"""
)
AGREEMENT_LABELS_QUERY = (
    _PREFIXES
    + f"""SELECT ?ag ?agreement ?lp ?label WHERE {{
  GRAPH ?ag {{ ?r lamc:auditedAgreement ?agreement }}
  ?agreement ?lp ?label . {label_filter("lp")} }}"""
)
CHALLENGE_LABELS_QUERY = (
    _PREFIXES
    + """SELECT ?ag ?c ?label WHERE {
  GRAPH ?ag { ?gap lamc:exposesChallenge ?c } OPTIONAL { ?c skos:prefLabel ?label } }"""
)


def read_audit(store: ReadableStore, settings: Settings) -> Audit | None:
    """The stored audit, or ``None`` when no audit has been run (``store`` may be a
    service's read view)."""
    graph = {ox.Variable("ag"): ox.NamedNode(settings.graph_iri(AUDIT))}
    runs = list(store.query(RUN_QUERY, substitutions=graph))
    if not runs:
        return None
    started = _started(runs)
    missing: dict[str, list[str]] = defaultdict(list)
    completeness: dict[str, float] = {}
    for row in store.query(RESULTS_QUERY, substitutions=graph):
        iri = row["agreement"].value
        completeness[iri] = float(row["completeness"].value)
        if row["component"] is not None and row["component"].value not in missing[iri]:
            missing[iri].append(row["component"].value)
    labels = label_texts(
        (row["agreement"].value, labelled(row))
        for row in store.query(AGREEMENT_LABELS_QUERY, substitutions=graph)
    )
    challenge_labels = label_texts(
        (row["c"].value, row["label"])
        for row in store.query(CHALLENGE_LABELS_QUERY, substitutions=graph)
    )
    components = read_profile(store, settings.graph_iri(AUDIT_SHAPES))
    order = {c.id: c.order for c in components}
    agreements = [
        AgreementResult(
            iri=iri,
            label=labels.get(iri),
            missing=tuple(sorted(missing[iri], key=lambda cid: (order.get(cid, 99), cid))),
            completeness=value,
        )
        for iri, value in completeness.items()
    ]
    agreements.sort(key=lambda a: a.iri)
    return Audit(
        run=runs[0]["run"].value,
        started=started,
        seconds=0.0,
        graphs=sorted({r["used"].value for r in runs if r["used"] is not None}),
        components=components,
        challenge_labels=challenge_labels,
        agreements=agreements,
    )


def _started(runs) -> dt.datetime:
    value = runs[0]["started"]
    if value is None:
        return dt.datetime.fromtimestamp(0, dt.UTC)
    return dt.datetime.fromisoformat(value.value)
