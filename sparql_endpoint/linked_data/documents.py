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
from graph_loader.rdf_formats import RDF_SYNTAXES, Syntax
from graph_loader.vocab import FOAF, HYDRA, PREFIXES, PROV
from sparql_endpoint.negotiation import HTML_SYNTAX, Offers, content_type

#: Formats that carry the graph of each statement; JSON-LD is served as a plain graph, as
#: most JSON-LD clients read only the default graph.
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)


@dataclass(frozen=True)
class DocFormat:
    """One representation of a document: its extension, media type, and RDF format."""

    extension: str
    media_type: str
    rdf: ox.RdfFormat | None

    @property
    def content_type(self) -> str:
        return "text/html; charset=utf-8" if self.rdf is None else content_type(self.rdf)


HTML_FORMAT = DocFormat("html", HTML_SYNTAX.media_types[0], None)


def _as_document(syntax: Syntax) -> Syntax[DocFormat]:
    """A syntax of the shared table, by the same names, as a representation of documents."""
    fmt = syntax.format
    if not isinstance(fmt, ox.RdfFormat):
        return Syntax(HTML_FORMAT, syntax.names, syntax.media_types)
    doc = DocFormat(fmt.file_extension, syntax.media_types[0], fmt)
    return Syntax(doc, syntax.names, syntax.media_types)


#: Every representation by every name, HTML first (the choice for ``*/*``, as browsers and
#: DBpedia do); ``/ontology`` offers the same.
DOC_OFFERS: Offers[DocFormat] = Offers(
    _as_document(HTML_SYNTAX), *(_as_document(syntax) for syntax in RDF_SYNTAXES)
)
DOC_FORMATS: tuple[DocFormat, ...] = tuple(s.format for s in DOC_OFFERS.syntaxes)
BY_EXTENSION = {f.extension: f for f in DOC_FORMATS}


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
    triples = [ox.Triple(doc, FOAF.primaryTopic, ox.NamedNode(description.iri))]
    triples += [ox.Triple(doc, PROV.wasDerivedFrom, ox.NamedNode(g)) for g in description.graphs]
    if next_url:
        triples.append(ox.Triple(doc, HYDRA.next, ox.NamedNode(next_url)))
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
    """The prefixes of :mod:`graph_loader.vocab` for syntaxes that abbreviate IRIs."""
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        return None
    return dict(PREFIXES)
