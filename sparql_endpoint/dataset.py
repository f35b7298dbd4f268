"""The dataset surface: ``/.well-known/void``, the VoID description written by the build."""

from __future__ import annotations

from flask import Blueprint, Response, request

from graph_loader.publish.void import void_graph
from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryJob
from sparql_endpoint.negotiation import GRAPH_OFFERS, negotiate
from sparql_endpoint.refusals import N_, refuse
from sparql_endpoint.responses import stream_job

blueprint = Blueprint("dataset", __name__)


@blueprint.get("/.well-known/void")
def void() -> Response:
    """The VoID description: graphs, triple counts, classes, properties, dumps, endpoint."""
    svc = service()
    graph = void_graph(svc.settings)
    if graph not in svc.executor.known_graphs():
        refuse(
            404, N_("there is no VoID description yet: run %(command)s"), command="'lamcoop build'"
        )
    fmt = negotiate(request, GRAPH_OFFERS, what=N_("VoID"))
    job = QueryJob(
        "CONSTRUCT WHERE { ?s ?p ?o }",
        GRAPH_OFFERS.media_type(fmt),
        graph_result=True,
        default_graphs=(graph,),
    )
    return stream_job(job, fmt)
