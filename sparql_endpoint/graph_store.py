"""The SPARQL 1.1 Graph Store HTTP Protocol on ``/graph-store`` (``?graph=IRI`` or ``?default``).

GET and HEAD are public reads; PUT, POST and DELETE need the update token. ``?default`` is
the store's own default graph (the data of record lives in named graphs).
"""

from __future__ import annotations

import io
import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from graph_loader.bounded import Refused, locate, rdfxml, strip_bom
from graph_loader.graphs import Role, role_of
from graph_loader.safe_output import quoted
from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryJob
from sparql_endpoint.negotiation import GRAPH_OFFERS, negotiate
from sparql_endpoint.refusals import N_, refuse
from sparql_endpoint.request_encoding import require_utf8
from sparql_endpoint.responses import stream_job
from sparql_endpoint.writes import delete_graph, post_graph, put_graph

blueprint = Blueprint("graph_store", __name__)

_ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
#: The two ways to address a graph, as a refusal names them.
_ADDRESSES = {"graph": "?graph=IRI", "default": "?default"}


def _target() -> str | None:
    """The graph addressed: an IRI, or ``None`` for the default graph."""
    graphs = request.args.getlist("graph")
    has_default = "default" in request.args
    if has_default == bool(graphs) or len(graphs) > 1:
        refuse(400, N_("address exactly one graph: %(graph)s or %(default)s"), **_ADDRESSES)
    if graphs and not _absolute(graphs[0]):
        refuse(400, N_("the graph IRI %(iri)s is not absolute"), iri=quoted(graphs[0]))
    if graphs and role_of(graphs[0], base_iri=service().settings.base_iri) is Role.INTERNAL:
        refuse(
            400,
            N_("<%(iri)s> is an internal graph of the store: it cannot be read or written"),
            iri=graphs[0],
        )
    return graphs[0] if graphs else None


def _absolute(iri: str) -> bool:
    scheme, colon, _ = iri.partition(":")
    return bool(colon and scheme and scheme[0].isalpha() and " " not in iri)


def _exists(graph: str | None) -> bool:
    return graph is None or graph in service().executor.known_graphs()


@blueprint.route("/graph-store", methods=["GET", "HEAD"])
def read_graph() -> Response:
    """Read a graph in any RDF syntax the client accepts."""
    graph = _target()
    if not _exists(graph):
        refuse(404, N_("there is no graph <%(iri)s> in the store"), iri=graph)
    fmt = negotiate(request, GRAPH_OFFERS, what=N_("a graph"))
    job = QueryJob(
        _ALL, GRAPH_OFFERS.media_type(fmt), graph_result=True, default_graphs=(graph or "",)
    )
    return stream_job(job, fmt)


@blueprint.route("/graph-store", methods=["PUT", "POST"])
def write_graph() -> Response:
    """Replace (PUT) or add to (POST) a graph with the RDF in the body."""
    svc = service()
    svc.require_token()
    if request.method == "POST" and not request.args:
        return _create_graph()
    graph = _target()
    data, fmt = _body(graph)
    action = put_graph if request.method == "PUT" else post_graph
    created = action(graph, data, fmt)
    return Response(status=201 if created else 204)


def _create_graph() -> Response:
    """POST to the graph store itself: a new graph, named by the service, in Location."""
    graph = service().settings.graph_iri(f"posted-{uuid.uuid4().hex}")
    data, fmt = _body(graph)
    post_graph(graph, data, fmt)
    return Response(status=201, headers={"Location": graph})


def _body(graph: str | None) -> tuple[bytes, ox.RdfFormat]:
    """The RDF of the request: its body, or the parts of a multipart/form-data body.

    A leading byte order mark is dropped; RDF/XML entities are bounded before any parser
    expands them (:mod:`graph_loader.bounded.rdfxml`).
    """
    if request.mimetype == "multipart/form-data":
        return _merged_parts(graph), ox.RdfFormat.N_TRIPLES
    fmt = _body_format(request.mimetype)
    require_utf8(request.mimetype_params)
    data = _bounded(request.get_data(cache=False), fmt)
    if fmt is ox.RdfFormat.JSON_LD:
        return _one_graph_of_json_ld(data), ox.RdfFormat.N_TRIPLES
    return data, fmt


def _bounded(data: bytes, fmt: ox.RdfFormat, part: str = "") -> bytes:
    """``data`` without a byte order mark, or a 400 if its RDF/XML entities are refused."""
    if fmt == ox.RdfFormat.RDF_XML:
        try:
            rdfxml.check_entities(data)
        except Refused as exc:
            abort(400, f"refused, nothing written: {part}{exc.in_body()}")
    return strip_bom(data)


def _one_graph_of_json_ld(data: bytes) -> bytes:
    """A JSON-LD body as N-Triples, refused (400) when it names graphs of its own: a Graph
    Store body is the content of the one graph the request addresses. A failure names its
    place in the body (a remote ``@context``, which is never fetched, included)."""
    try:
        quads = list(ox.parse(io.BytesIO(data), format=ox.RdfFormat.JSON_LD))
    except (SyntaxError, MemoryError) as exc:
        refused = locate.explain(exc, data, ox.RdfFormat.JSON_LD)
        if refused is None:
            raise
        abort(400, f"the JSON-LD body is refused, nothing written: {refused.in_body()}")
    named = sorted(
        {str(q.graph_name) for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    )
    if named:
        abort(
            400,
            f"the JSON-LD body names graphs of its own ({', '.join(named[:3])}): send "
            "only the content of the graph addressed",
        )
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""  # no output: bytes


def _merged_parts(graph: str | None) -> bytes:
    """Every file part as one N-Triples document, each part's blank nodes kept apart."""
    parts = [part for name in request.files for part in request.files.getlist(name)]
    if not parts:
        abort(400, "the multipart/form-data body has no file part")
    triples = []
    for part in parts:
        fresh: dict[ox.BlankNode, ox.BlankNode] = {}
        fmt, name = _body_format(part.mimetype), f"part {quoted(part.filename)}, "
        require_utf8(part.mimetype_params, part=f"part {quoted(part.filename)}")
        data = _bounded(part.read(), fmt, name)
        try:
            quads = list(ox.parse(io.BytesIO(data), format=fmt, base_iri=graph))
        except (SyntaxError, MemoryError) as exc:
            refused = locate.explain(exc, data, fmt)
            if refused is None:
                raise
            abort(400, f"refused, nothing written: {name}{refused.in_body()}")
        for q in quads:
            s, o = (
                fresh.setdefault(t, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t
                for t in (q.subject, q.object)
            )
            triples.append(ox.Triple(s, q.predicate, o))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""  # no output: bytes


@blueprint.delete("/graph-store")
def remove_graph() -> Response:
    """Remove a graph (or empty the default graph)."""
    service().require_token()
    graph = _target()
    if not _exists(graph):
        refuse(404, N_("there is no graph <%(iri)s> in the store"), iri=graph)
    delete_graph(graph)
    return Response(status=204)


#: Syntaxes whose documents are datasets: refused as the body of one graph. (JSON-LD may
#: name graphs too, but mostly does not: it is taken when it names none.)
DATASET_ONLY = frozenset({ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG})


def _body_format(mimetype: str) -> ox.RdfFormat:
    """The syntax of a body by its media type (the names the whole service uses): a syntax
    of graphs, or JSON-LD."""
    fmt = GRAPH_OFFERS.by_media_type.get(mimetype) if mimetype else None
    if fmt is None or fmt in DATASET_ONLY:
        triples = [m for m, f in GRAPH_OFFERS.by_media_type.items() if f not in DATASET_ONLY]
        abort(415, f"send the graph as one of {', '.join(triples)}, not {mimetype or 'nothing'}")
    return fmt
