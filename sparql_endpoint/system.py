"""The system surface: ``/-/health``, ``/-/metrics`` and ``/openapi.json``."""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, jsonify

from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryJob, Unavailable
from sparql_endpoint.metrics import PROMETHEUS_TYPE, sandbox_gauge
from sparql_endpoint.openapi import openapi_document

blueprint = Blueprint("system", __name__)

_PROBE = QueryJob("ASK { }", "application/sparql-results+json", graph_result=False)


@blueprint.get("/-/health")
def health() -> Response:
    """Whether the store answers a query, and the data version (bumped by every write)."""
    svc = service()
    problem = ""
    try:
        reply = svc.executor.run(_PROBE)
        for _ in reply.chunks():
            pass
        if reply.head is None:
            problem = reply.message
    except Unavailable as exc:
        problem = str(exc)
    body = {
        "status": "ok" if not problem else "unavailable",
        "store": problem or "reachable",
        "data_version": svc.executor.version,
        "graphs": len(svc.executor.known_graphs()),
        "uptime_seconds": round(time.time() - svc.started, 1),
        "network_sandbox": svc.sandbox.detail,
    }
    response = jsonify(body)
    response.status_code = 200 if not problem else 503
    return response


@blueprint.get("/-/metrics")
def metrics() -> Response:
    """Counters in the Prometheus text format, and whether this process is in the network
    sandbox."""
    svc = service()
    text = svc.metrics.render() + sandbox_gauge(svc.sandbox.active)
    return Response(text, content_type=PROMETHEUS_TYPE)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """An OpenAPI 3.1 document describing every route of this server."""
    return jsonify(openapi_document(current_app))
