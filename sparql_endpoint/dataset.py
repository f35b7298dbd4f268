"""The dataset surface: ``/.well-known/void``, the VoID description written by the build."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request

from graph_loader.publish.void import void_graph
from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryJob
from sparql_endpoint.negotiation import GRAPH_OFFERS, choose, media_types, parse_accept
from sparql_endpoint.responses import stream_job

blueprint = Blueprint("dataset", __name__)


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID description: graphs, triple counts, classes, properties, dumps, endpoint."""
    svc = service()
    graph = void_graph(svc.settings)
    if graph not in svc.executor.known_graphs():
        abort(404, "there is no VoID description yet: run 'lamcoop build'")
    accept = parse_accept(request.headers.get("Accept"))
    fmt = choose(accept, GRAPH_OFFERS, format_param=request.args.get("format"))
    if fmt is None:
        abort(406, f"VoID can be served as {', '.join(media_types(GRAPH_OFFERS))}")
    media = next(m for m, f in GRAPH_OFFERS.by_media_type.items() if f == fmt)
    job = QueryJob(
        "CONSTRUCT WHERE { ?s ?p ?o }", media, graph_result=True, default_graphs=(graph,)
    )
    return stream_job(job, fmt)
