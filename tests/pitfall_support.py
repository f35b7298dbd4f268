"""What the ontology pitfall tests share: the namespaces and exemptions they check against,
and which terms a graph declares."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Namespace, URIRef

LAMC = Namespace("https://w3id.org/lamcoop/ontology#")
VANN = Namespace("http://purl.org/vocab/vann/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ONTOLOGY = URIRef("https://w3id.org/lamcoop/ontology")
LANGUAGES = ("en", "fa", "zh-Hans")
PREFIXES = {
    "lamc": str(LAMC),
    "org": "http://www.w3.org/ns/org#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": "http://www.w3.org/ns/prov#",
    "frapo": "http://purl.org/cerif/frapo/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}
#: Namespaces whose terms are the languages' own (RDF, RDFS, OWL, XSD), never declared.
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)
TERM_TYPES = (OWL.Class, *PROPERTY_TYPES, RDFS.Datatype)

#: Properties without a domain, and why (checked: each really has none).
NO_DOMAIN = {
    LAMC.text: "the wording of provisions and of codes alike",
    LAMC.exposesChallenge: "stated by a shape or a gap, which are of no one class",
    LAMC.componentId: "stated by a shape or a gap, which are of no one class",
    LAMC.translatedLanguage: "any entity may carry translated labels",
    LAMC.printedAs: "stated on rdf:Statement, which OWL 2 DL reserves",
    LAMC.sha256: "stated on graphs, which have no class",
    LAMC.loaderVersion: "stated on graphs, which have no class",
    LAMC.describedAs: "any entity a source characterises",
}
#: Properties without a range, and why.
NO_RANGE = {
    LAMC.text: "language-tagged text, which OWL 2 DL cannot name as a range",
    LAMC.method: "language-tagged text",
    LAMC.population: "language-tagged text",
    LAMC.samplingMethod: "language-tagged text",
    LAMC.dataCollectionMethod: "language-tagged text",
    LAMC.codingPhase: "language-tagged text",
    LAMC.trustworthinessCriterion: "language-tagged text",
    LAMC.entryCriterion: "language-tagged text",
    LAMC.finding: "language-tagged text",
    LAMC.recommendation: "language-tagged text",
    LAMC.conclusion: "language-tagged text",
    LAMC.memberScope: "language-tagged text",
    LAMC.describedAs: "language-tagged text",
}

# Traditional forms of characters that Simplified Chinese writes otherwise.
TRADITIONAL_ONLY = set("圖書館檔資標準協會聯機構數據庫體際編錄務員處議網絡類單盟國們這個時來說們發")
TRADITIONAL_ONLY -= set("盟")


def declared(graph: Graph, *types: URIRef) -> set[URIRef]:
    types = types or (*TERM_TYPES, OWL.AnnotationProperty, OWL.NamedIndividual)
    return {s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)}


def terms(graph: Graph) -> set[URIRef]:
    """Classes, object and datatype properties and datatypes: what must be fully described."""
    return declared(graph, *TERM_TYPES)


def reified(graph: Graph) -> set:
    return set(graph.subjects(RDF.type, RDF.Statement))


def without_reification(graph: Graph) -> Iterable[tuple]:
    skip = reified(graph)
    return ((s, p, o) for s, p, o in graph if s not in skip)
