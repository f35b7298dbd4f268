"""The agreement audit: which of the twelve components each agreement lacks.

The profile (``shapes/agreement-audit.ttl``, in the store as ``{base}graph/shapes-agreement-audit``)
is run through the validation engine; each result names the shape, hence the component,
that an agreement fails. The agreements, their parties and consortia are read with a few
SPARQL queries; the results are written, replacing the old ones, into ``{base}graph/audit``,
and the run is kept, dated, in a graph of its own (:mod:`graph_loader.audit.runs`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from graph_loader.audit.graph import write_audit_graph
from graph_loader.audit.model import AgreementResult, Audit, Component, aggregates
from graph_loader.audit.runs import keep_run
from graph_loader.graphs import AUDIT_SHAPES, ONTOLOGY, Purpose, graph_iris
from graph_loader.integrity import severity_name, shacl_validate, term_text
from graph_loader.settings import Settings
from graph_loader.store import ReadableStore, Store
from graph_loader.vocab import (
    RDF,
    Labelled,
    each_language,
    label_texts,
    label_values,
    sparql_prefixes,
)

_PREFIXES = sparql_prefixes("lamc", "sh", "rdfs", "skos", "org", "schema", "rdf")
#: Binds ``?lp`` to each label predicate, so :func:`~graph_loader.vocab.pick_label` can rank.
_LABELS = label_values("lp")


#: The steps from a component's shape to the properties it looks at (through its nested
#: shapes and path lists), followed here rather than by a ``+`` path in the engine:
#: Virtuoso runs no transitive path over an alternative of properties.
_STEPS = """SELECT ?g ?s ?o WHERE { GRAPH ?g { ?s ?e ?o
  FILTER(?e IN (sh:path, sh:and, sh:or, sh:alternativePath, rdf:first, rdf:rest)) } }"""


def _reached(steps: dict[str, set[Any]], start: str) -> set[str]:
    """The IRIs reachable from ``start`` in one step or more (``rdf:nil`` left out)."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        for target in steps.get(node, ()):
            key = str(target)
            if key in seen:
                continue
            seen.add(key)
            todo.append(key)
            if isinstance(target, ox.NamedNode) and target.value != _NIL:
                found.add(target.value)
    return found


_NIL = RDF.nil.value


def read_profile(store: ReadableStore, shapes_graph: str) -> list[Component]:
    """The components of the audit profile stored in ``shapes_graph``, in their order."""
    g = {ox.Variable("g"): ox.NamedNode(shapes_graph)}
    head_rows = list(
        store.query(
            _PREFIXES + "SELECT ?g ?shape ?id ?order ?severity WHERE { GRAPH ?g { "
            "?shape lamc:componentId ?id ; sh:severity ?severity . "
            "OPTIONAL { ?shape sh:order ?order } "
            "} }",
            substitutions=g,
        )
    )
    texts: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in store.query(
        _PREFIXES + "SELECT ?g ?shape ?p ?text WHERE { GRAPH ?g { ?shape lamc:componentId ?id ; "
        "?p ?text FILTER(?p IN (sh:message, rdfs:label)) } }",
        substitutions=g,
    ):
        kind = "messages" if row["p"].value.endswith("message") else "labels"
        texts[row["shape"].value][kind][row["text"].language or ""] = row["text"].value
    challenges: dict[str, list[str]] = defaultdict(list)
    for row in store.query(
        _PREFIXES + "SELECT ?g ?shape ?c WHERE { GRAPH ?g { ?shape lamc:exposesChallenge ?c } }",
        substitutions=g,
    ):
        challenges[row["shape"].value].append(row["c"].value)
    steps: dict[str, set[Any]] = defaultdict(set)
    for row in store.query(_PREFIXES + _STEPS, substitutions=g):
        steps[str(row["s"])].add(row["o"])
    paths = {str(row["shape"]): _reached(steps, str(row["shape"])) for row in head_rows}
    components = [
        Component(
            id=row["id"].value,
            shape=row["shape"].value,
            order=int(row["order"].value) if row["order"] is not None else 0,
            severity=severity_name(row["severity"]),
            # by language: the same order whatever order the engine answers in
            labels=dict(sorted(texts[row["shape"].value]["labels"].items())),
            messages=dict(sorted(texts[row["shape"].value]["messages"].items())),
            challenges=tuple(sorted(challenges[row["shape"].value])),
            paths=tuple(sorted(paths[str(row["shape"])])),
        )
        for row in head_rows
    ]
    return sorted(components, key=lambda c: (c.order, c.id))


def run_audit(
    store: Store,
    settings: Settings,
    *,
    graphs: list[str] | None = None,
    engine: str = "auto",
) -> Audit:
    """Audit the agreements in ``graphs`` (default: what the catalogue's audit purpose
    covers, see :mod:`graph_loader.graphs`) and write the results.

    With ``graphs`` given, the ontology graph is added so that agreements typed with a
    subclass of ``lamc:Agreement`` are found.
    """
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    chosen = _audited_graphs(store, settings, graphs)
    shapes_graph = settings.graph_iri(AUDIT_SHAPES)
    if not store.has_graph(shapes_graph):
        raise LookupError(f"no audit profile in <{shapes_graph}>: run 'lamcoop build' first")
    components = read_profile(store, shapes_graph)
    report = shacl_validate(store, shapes_graph, data_graphs=chosen, engine=engine)
    labels, label_literals = _agreement_labels(store, chosen)
    results, related_labels = _relate(
        store, [ox.NamedNode(g) for g in chosen], _results(labels, report.results, components)
    )
    institutions, consortia = aggregates(results, related_labels)
    audit = Audit(
        run=f"{settings.base_iri}id/audit/run",
        started=started,
        seconds=0.0,
        graphs=chosen,
        components=components,
        challenge_labels=_challenge_labels(store, shapes_graph),
        agreements=results,
        institutions=institutions,
        consortia=consortia,
        related_labels=related_labels,
        label_literals=label_literals,
    )
    audit.kept_as, audit.kept_new = keep_run(store, settings, audit)
    write_audit_graph(store, settings, audit)
    audit.seconds = time.perf_counter() - clock
    return audit


def _audited_graphs(store: Store, settings: Settings, graphs: list[str] | None) -> list[str]:
    if not graphs:
        return graph_iris(Purpose.AUDIT, store, base_iri=settings.base_iri)
    ontology = settings.graph_iri(ONTOLOGY)
    extra = [ontology] if store.has_graph(ontology) and ontology not in graphs else []
    return [*graphs, *extra]


def _agreement_labels(
    store: Store, graphs: list[str]
) -> tuple[dict[str, str | None], dict[str, tuple[ox.Literal, ...]]]:
    """Every agreement (instances of lamc:Agreement and its subclasses) with its label, and
    the labels a reader of each language sees (:data:`~graph_loader.vocab.LANGUAGES`)."""
    rows = store.query(
        _PREFIXES + "SELECT DISTINCT ?a ?lp ?label WHERE { "
        "?k rdfs:subClassOf* lamc:Agreement . ?a a ?k "
        f"OPTIONAL {{ {_LABELS} ?a ?lp ?label }} }}",
        default_graph=[ox.NamedNode(g) for g in graphs],
    )
    found = [(row["a"].value, labelled(row)) for row in rows]
    every: dict[str, list[Labelled]] = defaultdict(list)
    for iri, label in found:
        if label is not None:
            every[iri].append(label)
    shown = {iri: each_language(labels) for iri, labels in every.items()}
    return label_texts(found), shown


def labelled(row: Any) -> tuple[str, ox.Literal] | None:
    """(predicate, label) of a row with ``?lp`` and ``?label``; ``None`` when it has none."""
    if row["label"] is None:
        return None
    return row["lp"].value, row["label"]


def _results(
    labels: dict[str, str | None], results: list[Any], components: list[Component]
) -> list[AgreementResult]:
    by_shape = {c.shape: c for c in components}
    missing: dict[str, set[str]] = defaultdict(set)
    for result in results:
        component = by_shape.get(term_text(result.source_shape))
        if component is not None:
            missing[term_text(result.focus_node)].add(component.id)
    total = len(components)
    order = [c.id for c in components]
    return [
        AgreementResult(
            iri=iri,
            label=labels[iri],
            missing=tuple(c for c in order if c in missing[iri]),
            completeness=(total - len(missing[iri])) / total if total else 0.0,
        )
        for iri in sorted(labels)
    ]


def _challenge_labels(store: Store, shapes_graph: str) -> dict[str, str | None]:
    rows = store.query(
        _PREFIXES + "SELECT DISTINCT ?g ?c ?label WHERE { GRAPH ?g { ?s lamc:exposesChallenge ?c } "
        "OPTIONAL { ?c skos:prefLabel ?label } }",
        substitutions={ox.Variable("g"): ox.NamedNode(shapes_graph)},
    )
    return label_texts((row["c"].value, row["label"]) for row in rows)


_PARTIES = "SELECT DISTINCT ?a ?x WHERE { ?a lamc:party ?x }"
_GOVERNS = "SELECT DISTINCT ?a ?x WHERE { { ?a lamc:governs ?x } UNION { ?x lamc:governedBy ?a } }"
_CONSORTIA = "SELECT DISTINCT ?x WHERE { ?k rdfs:subClassOf* lamc:Consortium . ?x a ?k }"
# From the parties outward: only the memberships of parties matter, and each is a lookup.
_MEMBERS = """SELECT DISTINCT ?m ?x WHERE { ?a lamc:party ?m .
  { ?m org:memberOf ?x } UNION { ?x org:hasMember ?m }
  UNION { ?ms org:member ?m ; org:organization ?x } }"""
# Countries: schema:addressCountry on a thing or on its address, joined to the parties here
# (from the country outward: joined to the parties in SPARQL, it took seconds at 1M triples).
_COUNTRIES = """SELECT DISTINCT ?m ?x WHERE { { ?m schema:addressCountry ?x }
  UNION { ?ad schema:addressCountry ?x . ?m schema:address ?ad } }"""
_RELATED_LABELS = f"""SELECT DISTINCT ?x ?lp ?label WHERE {{
  {{ SELECT DISTINCT ?x WHERE {{
       {{ [] lamc:party ?x }} UNION {{ [] lamc:governs ?x }} UNION {{ ?x lamc:governedBy [] }}
       UNION {{ ?k rdfs:subClassOf* lamc:Consortium . ?x a ?k }} }} }}
  {_LABELS} ?x ?lp ?label }}"""


def _relate(
    store: Store, graphs: list[ox.NamedNode], results: list[AgreementResult]
) -> tuple[list[AgreementResult], dict[str, str | None]]:
    """Each result with whom it concerns: the institutions party to it; the consortia that
    it governs, that are party to it, or that a party is a member of; the countries of its
    parties. Also the labels of those institutions and consortia.

    Six queries fetch the relations whole; they are joined here, each agreement once.
    """

    def pairs(query: str, first: str = "a") -> list[tuple[str, str]]:
        rows = store.query(_PREFIXES + query, default_graph=graphs)
        return [
            (row[first].value, row["x"].value) for row in rows if isinstance(row["x"], ox.NamedNode)
        ]

    audited = {r.iri for r in results}
    consortia = {
        row["x"].value for row in store.query(_PREFIXES + _CONSORTIA, default_graph=graphs)
    }
    members: dict[str, set[str]] = defaultdict(set)
    for member, organisation in pairs(_MEMBERS, "m"):
        if organisation in consortia:
            members[member].add(organisation)
    parties: dict[str, set[str]] = defaultdict(set)
    counted: dict[str, set[str]] = defaultdict(set)
    for a, x in pairs(_GOVERNS):
        if a in audited:
            counted[a].add(x)
    for a, party in pairs(_PARTIES):
        if a not in audited:
            continue
        parties[a].add(party)
        if party in consortia:
            counted[a].add(party)
        counted[a].update(members.get(party, ()))
    located: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_PREFIXES + _COUNTRIES, default_graph=graphs):
        code = row["x"]
        if isinstance(code, ox.Literal) and code.value.strip():
            located[row["m"].value].add(code.value.strip().upper())
    countries = {
        a: {c for m in members_of for c in located.get(m, ())} for a, members_of in parties.items()
    }
    rows = store.query(_PREFIXES + _RELATED_LABELS, default_graph=graphs)
    labels = label_texts((row["x"].value, labelled(row)) for row in rows)
    related = [
        replace(
            r,
            institutions=tuple(sorted(parties[r.iri])),
            consortia=tuple(sorted(counted[r.iri])),
            countries=tuple(sorted(countries.get(r.iri, ()))),
        )
        for r in results
    ]
    return related, labels
