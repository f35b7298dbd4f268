"""Helpers of the audit and shapes tests: a real store with the ontology and shapes loaded,
and small hand-made agreements in Turtle."""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader.resources import resource_dir
from graph_loader.settings import Settings, resolve_settings
from graph_loader.store import Store

BASE = "https://w3id.org/lamcoop/"
DATA_GRAPH = BASE + "graph/test-data"
PREFIXES = f"""@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix schema: <https://schema.org/> .
@prefix inst: <{BASE}id/institution/> .
@prefix agr: <{BASE}id/agreement/> .
@prefix unit: <{BASE}id/unit/> .
@prefix std: <{BASE}id/standard/> .
@prefix fm: <{BASE}id/concept/funding-models/> .
@prefix area: <{BASE}id/concept/cooperation-areas/> .
@prefix scheme: <{BASE}id/scheme/> .
@prefix code: <{BASE}id/concept/lam-study-codes/> .
"""

COMPONENTS = (
    "parties",
    "coordinator",
    "term",
    "funding",
    "governance",
    "areas",
    "standards",
    "responsibilities",
    "indicators",
    "evaluation",
    "data-protection",
    "staffing",
)

#: Turtle predicate-object lists giving an agreement each component.
COMPONENT_TURTLE = {
    "parties": "lamc:party inst:a , inst:b",
    "coordinator": "lamc:coordinator inst:a",
    "term": 'lamc:signedOn "2001-12-01"^^xsd:date ; lamc:endDate "2006-12-01"^^xsd:date',
    "funding": "lamc:fundingModel fm:government-allocation",
    "governance": "lamc:governanceBody unit:council",
    "areas": "lamc:cooperationArea area:resource-sharing",
    "standards": "lamc:adoptsStandard std:marc-21",
    "responsibilities": "lamc:responsibility [ a lamc:Responsibility ; "
    'lamc:responsibleParty inst:a ; lamc:text "A hosts the catalogue."@en ]',
    "indicators": 'lamc:performanceIndicator [ a lamc:PerformanceIndicator ; lamc:text "ILL"@en ]',
    "evaluation": 'lamc:evaluationProvision [ a lamc:EvaluationProvision ; lamc:text "Yearly"@en ]',
    "data-protection": "lamc:dataProtectionProvision [ a lamc:DataProtectionProvision ; "
    'lamc:text "Records stay in the country."@en ]',
    "staffing": 'lamc:staffingProvision [ a lamc:StaffingProvision ; lamc:text "Two"@en ]',
}

CONTEXT = """
inst:a a lamc:AcademicLibrary ; skos:prefLabel "Library A"@en .
inst:b a lamc:Archive ; skos:prefLabel "Archive B"@en .
inst:c a lamc:Museum ; skos:prefLabel "Museum C"@en .
inst:cons a lamc:RegionalConsortium ; skos:prefLabel "Consortium"@en .
unit:council a lamc:Council ; skos:prefLabel "Council"@en ; org:unitOf inst:cons .
area:resource-sharing a skos:Concept ; skos:prefLabel "Resource sharing"@en ;
    skos:inScheme scheme:cooperation-areas .
scheme:cooperation-areas a skos:ConceptScheme ; skos:prefLabel "Cooperation areas"@en .
"""


def settings() -> Settings:
    return resolve_settings(config_file=None, environ={})


def agreement(slug: str, components, *, kind: str = "MemorandumOfUnderstanding", extra="") -> str:
    """Turtle of an agreement with the given components (and more predicate-objects)."""
    parts = [f"a lamc:{kind}", f'skos:prefLabel "Agreement {slug}"@en']
    parts += [COMPONENT_TURTLE[c] for c in components]
    if extra:
        parts.append(extra)
    return f"agr:{slug} " + " ;\n    ".join(parts) + " .\n"


def load_shipped(store: Store, s: Settings) -> None:
    """The ontology and both shape files, each into its graph, as the build does."""
    for name, path in (
        ("ontology", resource_dir("ontology") / "lamcoop.ttl"),
        ("shapes-agreement-audit", resource_dir("shapes") / "agreement-audit.ttl"),
        ("shapes-integrity", resource_dir("shapes") / "integrity.ttl"),
    ):
        store.replace_graph(path.read_bytes(), graph=s.graph_iri(name), format=ox.RdfFormat.TURTLE)


def load_turtle(store: Store, text: str, graph: str = DATA_GRAPH) -> None:
    store.replace_graph(
        (PREFIXES + CONTEXT + text).encode("utf-8"), graph=graph, format=ox.RdfFormat.TURTLE
    )
