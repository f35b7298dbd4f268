"""Entity documents as RDF: the formats ``/doc/...`` offers, and the bytes of each.

Quad formats (N-Quads, TriG) carry every statement in the graph it comes from. Triple
formats (Turtle, N-Triples, JSON-LD, RDF/XML) carry the statements, and the document says
which graphs it draws on (``prov:wasDerivedFrom``), what it is about (``foaf:primaryTopic``)
and where its next page is (``hydra:next``); the same facts go out as ``Link`` headers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph_loader.describe import Description
from sparql_endpoint.negotiation import GRAPH_OFFERS, HTML, content_type

#: Formats that carry the graph of each statement; JSON-LD is served as a plain graph, as
#: most JSON-LD clients read only the default graph.
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
FOAF_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
HYDRA_NEXT = "http://www.w3.org/ns/hydra/core#next"
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "frapo": "http://purl.org/cerif/frapo/",
    "schema": "https://schema.org/",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "lamc": "https://w3id.org/lamcoop/ontology#",
}


@dataclass(frozen=True)
class DocFormat:
    """One representation of a document: its extension, media type, and RDF format."""

    extension: str
    media_type: str
    rdf: ox.RdfFormat | None

    @property
    def content_type(self) -> str:
        return "text/html; charset=utf-8" if self.rdf is None else content_type(self.rdf)


HTML_FORMAT = DocFormat("html", HTML, None)
#: Every representation, HTML first (the choice for ``*/*``, as browsers and DBpedia do).
DOC_FORMATS: tuple[DocFormat, ...] = (
    HTML_FORMAT,
    *(
        DocFormat(f.file_extension, f.media_type.split(";")[0], f)
        for f in dict.fromkeys(GRAPH_OFFERS.by_media_type.values())
    ),
)
BY_EXTENSION = {f.extension: f for f in DOC_FORMATS}


def by_media_type() -> dict[str, DocFormat]:
    """Every media type (aliases included) a document can be asked for, HTML first."""
    found = {HTML: HTML_FORMAT, "application/xhtml+xml": HTML_FORMAT}
    for media, fmt in GRAPH_OFFERS.by_media_type.items():
        found[media] = BY_EXTENSION[fmt.file_extension]
    return found


def split_extension(path: str) -> tuple[str, DocFormat | None]:
    """``institution/calis.ttl`` -> (``institution/calis``, Turtle); no known extension: None."""
    stem, dot, ext = path.rpartition(".")
    if dot and ext in BY_EXTENSION and "/" not in ext:
        return stem, BY_EXTENSION[ext]
    return path, None


def document_triples(
    description: Description, doc_url: str, next_url: str | None
) -> list[ox.Triple]:
    """What the document says of itself: its topic, its graphs, its next page."""
    doc = ox.NamedNode(doc_url)
    triples = [ox.Triple(doc, ox.NamedNode(FOAF_TOPIC), ox.NamedNode(description.iri))]
    triples += [
        ox.Triple(doc, ox.NamedNode(PROV_DERIVED), ox.NamedNode(g)) for g in description.graphs
    ]
    if next_url:
        triples.append(ox.Triple(doc, ox.NamedNode(HYDRA_NEXT), ox.NamedNode(next_url)))
    return triples


def serialize(description: Description, fmt: ox.RdfFormat, own: Sequence[ox.Triple]) -> bytes:
    """The description in ``fmt``; ``own`` are the document's triples about itself."""
    if fmt in QUAD_FORMATS:
        quads = description.quads() + [ox.Quad(t.subject, t.predicate, t.object) for t in own]
        return ox.serialize(quads, format=fmt, prefixes=_prefixes(fmt)) or b""  # no output: bytes
    seen: dict[ox.Triple, None] = {}
    for quad in description.quads():
        seen.setdefault(ox.Triple(quad.subject, quad.predicate, quad.object))
    for triple in own:
        seen.setdefault(triple)
    return ox.serialize(list(seen), format=fmt, prefixes=_prefixes(fmt)) or b""  # no output: bytes


def _prefixes(fmt: ox.RdfFormat) -> dict[str, str] | None:
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        return None
    return PREFIXES
