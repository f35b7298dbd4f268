"""Namespaces of the terms the dataset of record writes (see docs/vocabulary.md)."""

from __future__ import annotations

import pyoxigraph as ox


class Namespace:
    """An IRI prefix; ``NS.term`` or ``NS["term"]`` gives the term as a NamedNode.

    >>> LAMC.Library.value
    'https://w3id.org/lamcoop/ontology#Library'
    >>> DCTERMS.title.value
    'http://purl.org/dc/terms/title'
    """

    __slots__ = ("prefix",)

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        return ox.NamedNode(self.prefix + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self.prefix + name)


LAMC = Namespace("https://w3id.org/lamcoop/ontology#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
