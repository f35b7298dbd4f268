"""Every audit run kept, dated, in its own graph ``{base}graph/audit-run-{run id}``.

:func:`keep_run` writes a run's graph beside ``{base}graph/audit`` (which stays the latest
run's results, what ``/audit`` shows): the run as a ``prov:Activity`` (``lamc:AuditRun``)
with its start and end, the graphs it read, the profile it used and a digest of each
(``lamc:dataVersion``, ``lamc:profileVersion``), the components it checked, and per
agreement its completeness, its labels when the run read them (the one a reader of each of
English, Persian and Chinese saw, tagged as the data tags it) and the components it lacks
(``lamc:missingComponent``: one statement a gap; severities, messages, shapes and challenges
are the profile's, whose digest the run keeps).
The graph describes itself (``prov:generatedAtTime``, ``prov:wasGeneratedBy``).
A run that finds what the latest kept run found, over the same graphs with the same
profile, is not kept again: the store stays as it was.

:func:`list_runs` and :func:`read_run` read them back; run names are in
:mod:`graph_loader.audit.run_ids`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader import __version__
from graph_loader.audit.graph import agreement_slug
from graph_loader.audit.model import Audit
from graph_loader.audit.run_ids import is_run_id, new_run_id, sequence, started_of
from graph_loader.graphs import AUDIT_RUN_PREFIX, AUDIT_SHAPES, Role, graph_name, role_of
from graph_loader.provenance import read_sources
from graph_loader.settings import Settings
from graph_loader.store import ReadableStore, Store
from graph_loader.vocab import (
    DEFAULT_LANGUAGE,
    LAMC,
    PROV,
    RDF,
    RDFS,
    XSD,
    pick_label,
    sparql_prefixes,
)

_PREFIXES = sparql_prefixes("lamc", "prov", "rdfs")
SOFTWARE = "https://w3id.org/lamcoop/software/lamcoop"


@dataclass(frozen=True)
class RunHead:
    """What a kept run says about itself (no per-agreement results)."""

    id: str
    graph: str
    iri: str
    started: dt.datetime
    ended: dt.datetime | None
    agreements: int | None
    completeness: float | None
    data_version: str | None
    profile_version: str | None


@dataclass(frozen=True)
class RunResult:
    """One agreement as a kept run found it."""

    iri: str
    label: str | None
    completeness: float | None
    #: The components it lacks.
    gaps: frozenset[str]


@dataclass(frozen=True)
class KeptRun:
    """A run with its results, as kept (or as :func:`keep_run` would keep it)."""

    head: RunHead
    graphs: tuple[str, ...]
    components: tuple[str, ...]
    results: dict[str, RunResult] = field(default_factory=dict)


def run_graph(settings: Settings, run_id: str) -> str:
    """The graph of the run ``run_id``."""
    return settings.graph_iri(AUDIT_RUN_PREFIX + run_id)


def run_iri_prefix(base_iri: str) -> str:
    """What a run's IRI is made of before its identifier."""
    return f"{base_iri}id/audit-run/"


def run_id_of(graph: str, *, base_iri: str) -> str | None:
    """The run identifier of a run's graph, or ``None`` for any other graph (a graph named
    like a run whose name is not a run identifier is no run)."""
    if role_of(graph, base_iri=base_iri) is not Role.AUDIT_RUN:
        return None
    name = graph_name(graph, base_iri=base_iri) or ""
    run_id = name.removeprefix(AUDIT_RUN_PREFIX)
    return run_id if is_run_id(run_id) else None


# -- writing ----------------------------------------------------------------------------------


def keep_run(store: Store, settings: Settings, audit: Audit) -> tuple[str, bool]:
    """Keep ``audit`` as a dated run; returns (its run identifier, whether it is new).

    When the latest kept run found the same (same graphs, profile and results), nothing is
    written and that run's identifier is returned.
    """
    heads = list_runs(store, settings)
    profile = profile_version(store, settings, audit)
    if heads:
        latest = read_run(store, settings, heads[-1].id)
        if latest is not None and _same_findings(latest, audit, profile):
            return latest.head.id, False
    run_id = new_run_id(audit.started, {h.id for h in heads})
    ended = dt.datetime.now(dt.UTC)
    triples = list(
        run_triples(
            audit,
            settings,
            run_id=run_id,
            ended=ended,
            data_version=data_version(store, settings, audit.graphs),
            profile=profile,
        )
    )
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    target = run_graph(settings, run_id)
    store.stage(data, graph=target, format=ox.RdfFormat.N_TRIPLES, replace=True).publish()
    return run_id, True


def _same_findings(kept: KeptRun, audit: Audit, profile: str) -> bool:
    found = {a.iri: (a.label, frozenset(a.missing)) for a in audit.agreements}
    return (
        kept.head.profile_version == profile
        and set(kept.graphs) == set(audit.graphs)
        and found == {r.iri: (r.label, r.gaps) for r in kept.results.values()}
    )


def run_triples(
    audit: Audit,
    settings: Settings,
    *,
    run_id: str,
    ended: dt.datetime,
    data_version: str,
    profile: str,
) -> Iterator[ox.Triple]:
    """Every triple of the graph keeping ``audit`` as run ``run_id``."""
    base = settings.base_iri
    graph, run = _n(run_graph(settings, run_id)), _n(run_iri_prefix(base) + run_id)
    yield ox.Triple(graph, RDF.type, _n(PROV + "Entity"))
    yield ox.Triple(graph, _n(PROV + "generatedAtTime"), _time(ended))
    yield ox.Triple(graph, _n(PROV + "wasGeneratedBy"), run)
    yield ox.Triple(run, RDF.type, _n(LAMC + "AuditRun"))
    yield ox.Triple(run, RDF.type, _n(PROV + "Activity"))
    yield ox.Triple(run, _n(PROV + "startedAtTime"), _time(audit.started))
    yield ox.Triple(run, _n(PROV + "endedAtTime"), _time(ended))
    yield ox.Triple(run, _n(PROV + "wasAssociatedWith"), _n(SOFTWARE))
    yield ox.Triple(run, _n(LAMC + "loaderVersion"), ox.Literal(__version__))
    yield ox.Triple(run, _n(LAMC + "agreementCount"), _typed(len(audit.agreements), "integer"))
    yield ox.Triple(run, _n(LAMC + "completeness"), _decimal(audit.mean_completeness))
    yield ox.Triple(run, _n(LAMC + "dataVersion"), ox.Literal(data_version))
    yield ox.Triple(run, _n(LAMC + "auditProfile"), _n(settings.graph_iri(AUDIT_SHAPES)))
    yield ox.Triple(run, _n(LAMC + "profileVersion"), ox.Literal(profile))
    for used in audit.graphs:
        yield ox.Triple(run, _n(PROV + "used"), _n(used))
    for component in audit.components:
        yield ox.Triple(run, _n(LAMC + "componentId"), ox.Literal(component.id))
    a_type, generated_by = RDF.type, _n(PROV + "wasGeneratedBy")
    audited, audit_class = _n(LAMC + "auditedAgreement"), _n(LAMC + "AgreementAudit")
    completeness, missing = _n(LAMC + "completeness"), _n(LAMC + "missingComponent")
    names = {c.id: ox.Literal(c.id) for c in audit.components}
    for result in audit.agreements:
        node = _n(f"{run.value}/{agreement_slug(result.iri, base)}")
        yield ox.Triple(node, a_type, audit_class)
        yield ox.Triple(node, generated_by, run)
        yield ox.Triple(node, audited, _n(result.iri))
        yield ox.Triple(node, completeness, _decimal(result.completeness))
        shown = audit.label_literals.get(result.iri)
        if shown:  # as readers of each language see it then
            for label in shown:
                yield ox.Triple(node, RDFS.label, label)
        elif result.label is not None:
            yield ox.Triple(node, RDFS.label, ox.Literal(result.label))
        for component_id in result.missing:
            yield ox.Triple(node, missing, names[component_id])


def data_version(store: ReadableStore, settings: Settings, graphs: list[str]) -> str:
    """A digest of the state of ``graphs`` as the store records it: each graph's IRI, triple
    count and recorded source (checksum and time, from the provenance graph). Runs over the
    same data have the same; a load, import or write changes it."""
    sources = read_sources(store, settings.base_iri)
    digest = hashlib.sha256()
    for graph in sorted(graphs):
        known = sources.get(graph, {})
        line = "\t".join(
            (
                graph,
                str(store.triple_count(graph)),
                known.get("sha256", ""),
                known.get("generatedAtTime", ""),
            )
        )
        digest.update(line.encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()


def profile_version(store: ReadableStore, settings: Settings, audit: Audit) -> str:
    """A digest of the profile the run used: its components (identifier, shape, order,
    severity, challenges) and the checksum of the file it was loaded from, when recorded."""
    shapes = settings.graph_iri(AUDIT_SHAPES)
    source = read_sources(store, settings.base_iri, graph=shapes).get(shapes, {})
    digest = hashlib.sha256(source.get("sha256", "").encode() + b"\n")
    for c in audit.components:
        line = "\t".join((c.id, c.shape, str(c.order), c.severity, " ".join(c.challenges)))
        digest.update(line.encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def _time(when: dt.datetime) -> ox.Literal:
    return _typed(when.astimezone(dt.UTC).isoformat(), "dateTime")


def _decimal(value: float) -> ox.Literal:
    return _typed(f"{value:.6f}".rstrip("0").rstrip(".") or "0", "decimal")


# -- reading ----------------------------------------------------------------------------------

HEADS_QUERY = (
    _PREFIXES
    + """SELECT ?g ?run ?started ?ended ?count ?completeness ?data ?profile WHERE { GRAPH ?g {
  ?run a lamc:AuditRun .
  OPTIONAL { ?run prov:startedAtTime ?started } OPTIONAL { ?run prov:endedAtTime ?ended }
  OPTIONAL { ?run lamc:agreementCount ?count } OPTIONAL { ?run lamc:completeness ?completeness }
  OPTIONAL { ?run lamc:dataVersion ?data } OPTIONAL { ?run lamc:profileVersion ?profile } } }"""
)
USED_QUERY = (
    _PREFIXES
    + """SELECT ?g ?run ?used ?component WHERE { GRAPH ?g { ?run a lamc:AuditRun .
  { ?run prov:used ?used } UNION { ?run lamc:componentId ?component } } }"""
)
RESULTS_QUERY = (
    _PREFIXES
    + """SELECT ?g ?r ?agreement ?label ?completeness WHERE { GRAPH ?g {
  ?r a lamc:AgreementAudit ; lamc:auditedAgreement ?agreement .
  OPTIONAL { ?r rdfs:label ?label } OPTIONAL { ?r lamc:completeness ?completeness } } }"""
)
#: The gaps, read apart: one pattern, joined to the results by ``?r`` (much quicker than
#: the engine's join for runs of many agreements).
MISSING_QUERY = (
    _PREFIXES + "SELECT ?g ?r ?component WHERE { GRAPH ?g { ?r lamc:missingComponent ?component } }"
)


def list_runs(store: ReadableStore, settings: Settings) -> list[RunHead]:
    """Every kept run, oldest first (one query; its cost grows with the runs, not the data)."""
    base = settings.base_iri
    heads: dict[str, RunHead] = {}
    for row in store.query(HEADS_QUERY):
        run_id = run_id_of(row["g"].value, base_iri=base)
        if run_id is None or run_id in heads:
            continue
        heads[run_id] = _head_of(row, run_id, row["g"].value)
    return [heads[r] for r in sequence(list(heads))]


def _head_of(row: ox.QuerySolution, run_id: str, graph: str) -> RunHead:
    """A run's head from a row of :data:`HEADS_QUERY`."""
    return RunHead(
        id=run_id,
        graph=graph,
        iri=row["run"].value,
        started=_read_time(row["started"]) or started_of(run_id),
        ended=_read_time(row["ended"]),
        agreements=_read_int(row["count"]),
        completeness=_read_float(row["completeness"]),
        data_version=_text(row["data"]),
        profile_version=_text(row["profile"]),
    )


def read_run(
    store: ReadableStore, settings: Settings, run_id: str, *, lang: str = DEFAULT_LANGUAGE
) -> KeptRun | None:
    """The kept run ``run_id`` with every agreement's result (labels for a reader of
    ``lang``), or ``None`` when it is not kept. Three queries bound to the run's graph: the
    cost grows with that run's results."""
    graph = {ox.Variable("g"): ox.NamedNode(run_graph(settings, run_id))}
    heads = [row for row in store.query(HEADS_QUERY, substitutions=graph)]
    if not heads:
        return None
    row = heads[0]
    head = _head_of(row, run_id, run_graph(settings, run_id))
    used: set[str] = set()
    components: list[str] = []
    for row in store.query(USED_QUERY, substitutions=graph):
        if isinstance(row["used"], ox.NamedNode):
            used.add(row["used"].value)
        if _is_string(row["component"]) and row["component"].value not in components:
            components.append(row["component"].value)
    gaps_of: dict[str, list[str]] = {}
    for row in store.query(MISSING_QUERY, substitutions=graph):
        if _is_string(row["component"]):
            gaps_of.setdefault(str(row["r"]), []).append(row["component"].value)
    labels: dict[str, list[ox.Literal]] = {}
    completeness: dict[str, float | None] = {}
    gaps: dict[str, set[str]] = {}
    for row in store.query(RESULTS_QUERY, substitutions=graph):
        if not isinstance(row["agreement"], ox.NamedNode):
            continue
        iri = row["agreement"].value
        gaps.setdefault(iri, set()).update(gaps_of.get(str(row["r"]), ()))
        if isinstance(row["label"], ox.Literal):
            labels.setdefault(iri, []).append(row["label"])
        if completeness.get(iri) is None:
            completeness[iri] = _read_float(row["completeness"])
    picked = {iri: pick_label(found, lang=lang) for iri, found in labels.items()}
    results = {
        iri: RunResult(iri, _text(picked.get(iri)), completeness.get(iri), frozenset(gaps[iri]))
        for iri in sorted(gaps)
    }
    return KeptRun(head, tuple(sorted(used)), tuple(components), results)


def _read_time(term: object) -> dt.datetime | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        when = dt.datetime.fromisoformat(term.value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _read_int(term: object) -> int | None:
    if not isinstance(term, ox.Literal):
        return None
    text = term.value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def _read_float(term: object) -> float | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        value = float(term.value)
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def _is_string(term: object) -> bool:
    """Whether ``term`` is a plain string literal, as component identifiers are written."""
    return isinstance(term, ox.Literal) and term.datatype.value == XSD + "string"


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.Literal) else None
