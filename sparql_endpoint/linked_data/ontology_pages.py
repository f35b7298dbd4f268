"""``/ontology`` (every ``/ontology#Term``): the ontology graph in Turtle, RDF/XML, JSON-LD,
N-Triples (and the other RDF formats), or the HTML reference of every term; by Accept or by
extension (``/ontology.ttl``)."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Response, request

from graph_loader.ontology_terms import Reference, reference
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import ontology_view, reader
from sparql_endpoint.linked_data.documents import (
    BY_EXTENSION,
    DOC_FORMATS,
    DOC_OFFERS,
    HTML_FORMAT,
    QUAD_FORMATS,
    DocFormat,
    rdf_bytes,
)
from sparql_endpoint.linked_data.entities import VARY, cacheable, known_term_labels
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.negotiation import negotiate
from sparql_endpoint.refusals import N_, refuse

blueprint = Blueprint("ontology_pages", __name__)

ONTOLOGY_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?og { ?s ?p ?o } }"


@blueprint.get("/ontology")
def ontology() -> Response:
    """The ontology in the negotiated format."""
    return _serve(negotiate(request, DOC_OFFERS, what=N_("the ontology")))


@blueprint.get("/ontology.<ext>")
def ontology_as(ext: str) -> Response:
    """The ontology in the format its extension names."""
    if ext not in BY_EXTENSION:
        forms = ", ".join(BY_EXTENSION)
        refuse(404, N_("the ontology has no .%(ext)s form; try %(forms)s"), ext=ext, forms=forms)
    return _serve(BY_EXTENSION[ext])


def _serve(fmt: DocFormat) -> Response:
    """The ontology in ``fmt`` (the page in the reader's language), made once per data
    version and language (see :mod:`sparql_endpoint.rendered`)."""
    svc = service()
    if fmt is HTML_FORMAT:
        lang = reader_language()
        key: tuple[str, ...] = ("ontology", fmt.extension, lang)
        body = svc.rendered.get(svc.executor.version, key, lambda: _page(lang))
    else:
        key = ("ontology", fmt.extension)
        body = svc.rendered.get(svc.executor.version, key, lambda: _body(fmt))
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = VARY
    if fmt is HTML_FORMAT:
        response.headers["Content-Language"] = lang
    response.headers["Content-Location"] = f"/ontology.{fmt.extension}"
    response.headers["Link"] = ", ".join(
        f'</ontology.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in DOC_FORMATS
    )
    return cacheable(response)


def _triples() -> list[ox.Triple]:
    """The ontology graph (404 when it is not loaded)."""
    graph = ox.NamedNode(service().settings.graph_iri("ontology"))
    triples = reader.construct(ONTOLOGY_QUERY, {"og": graph})
    if not triples:
        refuse(404, N_("the ontology is not loaded: run %(command)s"), command="'lamcoop build'")
    return triples


def _reference() -> Reference:
    """The reference page's data, read once per data version for every language."""
    parsed = rdflib.Graph()
    parsed.parse(data=ox.serialize(_triples(), format=ox.RdfFormat.N_TRIPLES), format="nt")
    return reference(parsed)


def _page(lang: str) -> bytes:
    """The reference page in ``lang``."""
    svc = service()
    data = svc.rendered.get(svc.executor.version, "ontology-reference", _reference)
    return ontology_view.render(data, lang, known_term_labels(reader.select)).encode()


def _body(fmt: DocFormat) -> bytes:
    """The ontology graph written in ``fmt``."""
    triples = _triples()
    assert fmt.rdf is not None
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    return rdf_bytes(quads if fmt.rdf in QUAD_FORMATS else triples, fmt.rdf)
