"""The SPARQL 1.1 Service Description of this endpoint, true to its configuration.

It names the endpoint as requested, the query language (and update only when a token is
configured), every result and graph format served, the union-default-graph feature,
federated query only when an allow-list permits it, lamcoop's text-search extension
functions (:mod:`graph_loader.index.sparql`), and the dataset: the default graph
(the union) and each named graph with its triple count.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Response, request

from graph_loader.index.sparql import MATCHES, SCORE
from graph_loader.rdf_formats import format_iri
from graph_loader.vocab import PREFIXES, RDF, SD, VOID, XSD
from sparql_endpoint.context import Service, service
from sparql_endpoint.negotiation import GRAPH_OFFERS, RESULTS_OFFERS, content_type

ENTAILMENT = "http://www.w3.org/ns/entailment/Simple"
RDF_TYPE = RDF.type


def _sd(local: str) -> ox.NamedNode:
    return SD[local]


def describe(svc: Service, endpoint: str, graphs: dict[str, int]) -> list[ox.Triple]:
    """The description's triples for the endpoint at ``endpoint`` over ``graphs``."""
    me = ox.NamedNode(endpoint)
    triples = [
        ox.Triple(me, RDF_TYPE, _sd("Service")),
        ox.Triple(me, _sd("endpoint"), me),
        ox.Triple(me, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(me, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(me, _sd("defaultEntailmentRegime"), ox.NamedNode(ENTAILMENT)),
    ]
    if svc.writable:
        triples.append(ox.Triple(me, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    if svc.settings.service_allowlist:
        triples.append(ox.Triple(me, _sd("feature"), _sd("BasicFederatedQuery")))
    for fn in (MATCHES, SCORE):
        triples += [
            ox.Triple(me, _sd("extensionFunction"), fn),
            ox.Triple(fn, RDF_TYPE, _sd("Function")),
        ]
    formats = {format_iri(f) for f in RESULTS_OFFERS.by_media_type.values()}
    formats |= {format_iri(f) for f in GRAPH_OFFERS.by_media_type.values()}
    triples += [ox.Triple(me, _sd("resultFormat"), ox.NamedNode(iri)) for iri in sorted(formats)]
    triples += _dataset(me, graphs)
    return triples


def _dataset(me: ox.NamedNode, graphs: dict[str, int]) -> list[ox.Triple]:
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(me, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), _int(sum(graphs.values()))),
    ]
    for iri, count in sorted(graphs.items()):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), _int(count)),
        ]
    return triples


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=XSD.integer)


def response(fmt: ox.RdfFormat) -> Response:
    """The description of the endpoint the request reached, serialised as ``fmt``."""
    svc = service()
    endpoint = request.base_url
    triples = describe(svc, endpoint, svc.executor.graph_counts())
    prefixes = {name: PREFIXES[name] for name in ("sd", "void")}
    body = ox.serialize(triples, format=fmt, prefixes=prefixes)
    return Response(body, content_type=content_type(fmt))
