"""The last audit as stored in ``{base}graph/audit``, read back as an :class:`Audit`.

So the pages and any reader of the store show the audit without re-running it (re-running
writes); :mod:`graph_loader.audit.report` then renders it in every format. Whom each
agreement concerns is stored with it, so the tables by institution and consortium are
worked out here by the run's own :func:`~graph_loader.audit.model.aggregates`. Labels are
picked for one reader's language. The work is proportional to the audit graph, not the store.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph_loader.audit.model import AgreementResult, Audit, Component, aggregates
from graph_loader.audit.run import labelled, read_profile
from graph_loader.graphs import AUDIT, AUDIT_SHAPES
from graph_loader.settings import Settings
from graph_loader.store import ReadableStore
from graph_loader.vocab import (
    DEFAULT_LANGUAGE,
    LAMC,
    Labelled,
    label_filter,
    label_texts,
    sparql_prefixes,
)

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
RELATIONS_QUERY = (
    _PREFIXES
    + """SELECT ?ag ?agreement ?p ?x WHERE {
  GRAPH ?ag { ?r lamc:auditedAgreement ?agreement ; ?p ?x
    FILTER(?p IN (lamc:auditedInstitution, lamc:auditedConsortium, lamc:auditedCountry)) } }"""
)
RELATED_LABELS_QUERY = (
    _PREFIXES
    + f"""SELECT ?ag ?x ?lp ?label WHERE {{
  {{ SELECT DISTINCT ?ag ?x WHERE {{ GRAPH ?ag {{ ?r ?p ?x
       FILTER(?p IN (lamc:auditedInstitution, lamc:auditedConsortium)) }} }} }}
  OPTIONAL {{ ?x ?lp ?label . {label_filter("lp")} }} }}"""
)
_RELATIONS = {
    LAMC + "auditedInstitution": "institutions",
    LAMC + "auditedConsortium": "consortia",
    LAMC + "auditedCountry": "countries",
}
CHALLENGE_LABELS_QUERY = (
    _PREFIXES
    + """SELECT ?ag ?c ?label WHERE {
  { SELECT DISTINCT ?ag ?c WHERE { GRAPH ?ag { ?gap lamc:exposesChallenge ?c } } }
  OPTIONAL { ?c skos:prefLabel ?label } }"""
)


@dataclass(frozen=True)
class StoredRows:
    """What the audit graph holds, read once for every reader's language: the run, the
    results, whom each agreement concerns and every label found (picked per language by
    :func:`audit_for`)."""

    runs: list[Any]
    missing: dict[str, list[str]]
    completeness: dict[str, float]
    related: dict[str, dict[str, set[str]]]
    agreement_labels: list[tuple[str, Labelled | None]]
    related_labels: list[tuple[str, Labelled | None]]
    challenge_labels: list[tuple[str, Labelled | None]]
    components: list[Component]


def read_audit(
    store: ReadableStore, settings: Settings, *, lang: str = DEFAULT_LANGUAGE
) -> Audit | None:
    """The stored audit with labels for a reader of ``lang``, or ``None`` when no audit has
    been run (``store`` may be a service's read view)."""
    rows = read_rows(store, settings)
    return None if rows is None else audit_for(rows, lang=lang)


def read_rows(store: ReadableStore, settings: Settings) -> StoredRows | None:
    """The audit graph as :class:`StoredRows` (six queries bound to the graph), or ``None``
    when no audit has been run."""
    graph = {ox.Variable("ag"): ox.NamedNode(settings.graph_iri(AUDIT))}
    runs = list(store.query(RUN_QUERY, substitutions=graph))
    if not runs:
        return None
    missing: dict[str, list[str]] = defaultdict(list)
    completeness: dict[str, float] = {}
    for row in store.query(RESULTS_QUERY, substitutions=graph):
        iri = row["agreement"].value
        completeness[iri] = float(row["completeness"].value)
        if row["component"] is not None and row["component"].value not in missing[iri]:
            missing[iri].append(row["component"].value)
    related: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.query(RELATIONS_QUERY, substitutions=graph):
        related[row["agreement"].value][_RELATIONS[row["p"].value]].add(row["x"].value)
    return StoredRows(
        runs=runs,
        missing=dict(missing),
        completeness=completeness,
        related=related,
        agreement_labels=[
            (row["agreement"].value, labelled(row))
            for row in store.query(AGREEMENT_LABELS_QUERY, substitutions=graph)
        ],
        related_labels=[
            (row["x"].value, labelled(row))
            for row in store.query(RELATED_LABELS_QUERY, substitutions=graph)
        ],
        challenge_labels=[
            (row["c"].value, row["label"])
            for row in store.query(CHALLENGE_LABELS_QUERY, substitutions=graph)
        ],
        components=read_profile(store, settings.graph_iri(AUDIT_SHAPES)),
    )


def audit_for(rows: StoredRows, *, lang: str = DEFAULT_LANGUAGE) -> Audit:
    """The stored audit of ``rows`` with labels for a reader of ``lang`` (no store read:
    a page in another language reuses the rows)."""
    labels = label_texts(rows.agreement_labels, lang=lang)
    related_labels = label_texts(rows.related_labels, lang=lang)
    order = {c.id: c.order for c in rows.components}
    nobody: dict[str, set[str]] = {}
    agreements = []
    for iri, value in rows.completeness.items():
        related = rows.related.get(iri, nobody)
        agreements.append(
            AgreementResult(
                iri=iri,
                label=labels.get(iri),
                missing=tuple(
                    sorted(rows.missing.get(iri, ()), key=lambda c: (order.get(c, 99), c))
                ),
                completeness=value,
                institutions=tuple(sorted(related.get("institutions", ()))),
                consortia=tuple(sorted(related.get("consortia", ()))),
                countries=tuple(sorted(related.get("countries", ()))),
            )
        )
    institutions, consortia = aggregates(agreements, related_labels)
    agreements.sort(key=lambda a: a.iri)
    runs = rows.runs
    return Audit(
        run=runs[0]["run"].value,
        started=_started(runs),
        seconds=0.0,
        graphs=sorted({r["used"].value for r in runs if r["used"] is not None}),
        components=rows.components,
        challenge_labels=label_texts(rows.challenge_labels, lang=lang),
        agreements=agreements,
        institutions=institutions,
        consortia=consortia,
        related_labels=related_labels,
    )


def _started(runs) -> dt.datetime:
    value = runs[0]["started"]
    if value is None:
        return dt.datetime.fromtimestamp(0, dt.UTC)
    return dt.datetime.fromisoformat(value.value)
