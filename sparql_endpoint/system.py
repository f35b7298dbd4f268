"""The system surface: ``/-/health``, ``/-/metrics`` and ``/openapi.json``."""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from sparql_endpoint.context import Service, service
from sparql_endpoint.executor import QueryJob, Unavailable
from sparql_endpoint.metrics import PROMETHEUS_TYPE, sandbox_gauge, watch_gauges
from sparql_endpoint.network_sandbox import NOT_SERVED
from sparql_endpoint.openapi import openapi_document
from sparql_endpoint.watch_status import Bounds, StatusFile, report

blueprint = Blueprint("system", __name__)

_PROBE = QueryJob("ASK { }", "application/sparql-results+json", graph_result=False)


def watch_report(svc: Service) -> dict[str, Any] | None:
    """Over a remote store, what the node's watcher last did (its status file); else None,
    as in a process ``lamcoop serve`` did not start (no watcher runs beside it)."""
    settings = svc.settings
    if not settings.remote_store or svc.sandbox == NOT_SERVED:
        return None
    bounds = Bounds.of(settings)
    return report(StatusFile(settings.store_path).read(), now=time.time(), bounds=bounds)


@blueprint.get("/-/health")
def health() -> Response:
    """Whether the store answers a query, and the data version (bumped by every write);
    over a remote store, how the node's watcher of the store's version fares."""
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
    body: dict[str, Any] = {
        "status": "ok" if not problem else "unavailable",
        "store": problem or "reachable",
        "data_version": svc.executor.version,
        "graphs": len(svc.executor.known_graphs()),
        "uptime_seconds": round(time.time() - svc.started, 1),
        "network_sandbox": svc.sandbox.detail,
    }
    watch = watch_report(svc)
    if watch is not None:
        body["remote_watch"] = watch
    response = jsonify(body)
    response.status_code = 200 if not problem else 503
    return response


@blueprint.get("/-/metrics")
def metrics() -> Response:
    """Counters in the Prometheus text format, whether this process is in the network
    sandbox, and over a remote store the node's watcher."""
    svc = service()
    text = svc.metrics.render() + sandbox_gauge(svc.sandbox.active)
    watch = watch_report(svc)
    if watch is not None:
        text += watch_gauges(watch)
    return Response(text, content_type=PROMETHEUS_TYPE)


@blueprint.get("/openapi.json")
def openapi() -> Response:
    """An OpenAPI 3.1 document describing every route of this server."""
    return jsonify(openapi_document(current_app))
