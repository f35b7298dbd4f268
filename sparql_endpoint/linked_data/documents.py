"""Entity documents as RDF: the formats ``/doc/...`` offers, and the bytes of each.

Every format carries the statements in its default graph, and only there, so any client
sees them once: rdflib's ``Graph`` and ``Dataset`` (which read the default graph) and
Comunica (which matches patterns over every graph, so a statement also written in its own
graph would come back twice). The document says which
graphs it draws on (``prov:wasDerivedFrom``), what it is about (``foaf:primaryTopic``) and
where its next page is (``hydra:next``); the same facts go out as ``Link`` headers. JSON-LD
is compacted with an ``@context`` of the prefixes (:mod:`.jsonld`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph_loader.describe import Description
from graph_loader.rdf_formats import RDF_SYNTAXES, Syntax
from graph_loader.vocab import FOAF, HYDRA, PREFIXES, PROV
from sparql_endpoint.linked_data.jsonld import compact_bytes
from sparql_endpoint.negotiation import HTML_SYNTAX, Offers, content_type

#: The syntaxes of datasets: a document in them is one default graph (written as quads).
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


#: Every representation by every name, Turtle first: ``*/*`` and ``application/*`` get RDF,
#: as the W3C's recipes for publishing vocabularies advise, and HTML goes to clients that
#: prefer it (browsers ask for ``text/html`` above ``*/*``); ``/ontology`` offers the same.
DOC_OFFERS: Offers[DocFormat] = Offers(
    *(_as_document(syntax) for syntax in RDF_SYNTAXES), _as_document(HTML_SYNTAX)
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
    # Each statement once, without its graph (the same statement may come from two).
    seen: dict[tuple[Any, ...], None] = dict.fromkeys(s[:3] for s in description.all_statements())
    for triple in own:
        seen.setdefault((triple.subject, triple.predicate, triple.object))
    if fmt not in QUAD_FORMATS:
        return rdf_bytes([ox.Triple(*t) for t in seen], fmt)
    return rdf_bytes([ox.Quad(*t) for t in seen], fmt)


def rdf_bytes(statements: Sequence[ox.Triple] | Sequence[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """``statements`` in ``fmt`` as pages serve RDF: with the prefixes of
    :mod:`graph_loader.vocab` where the syntax abbreviates IRIs, JSON-LD compacted.

    >>> t = ox.Triple(ox.NamedNode("http://www.w3.org/2004/02/skos/core#x"),
    ...               ox.NamedNode("http://www.w3.org/2004/02/skos/core#p"), ox.Literal("1"))
    >>> rdf_bytes([t], ox.RdfFormat.JSON_LD)[:60]
    b'{"@context":{"skos":"http://www.w3.org/2004/02/skos/core#"},'
    """
    if fmt is ox.RdfFormat.JSON_LD:
        return compact_bytes(ox.serialize(statements, format=fmt) or b"", PREFIXES)
    plain = fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    prefixes = None if plain else dict(PREFIXES)
    return ox.serialize(statements, format=fmt, prefixes=prefixes) or b""  # no output: bytes
