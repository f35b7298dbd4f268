"""The application factory: one Flask app, one blueprint per surface.

>>> from graph_loader.store import open_store
>>> app = create_app(store=open_store(None))
>>> app.test_client().get("/sparql?query=ASK{}").get_json()["boolean"]
True
"""

from __future__ import annotations

import os

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from graph_loader.settings import Settings, resolve_settings
from graph_loader.store import OxigraphStore
from sparql_endpoint import dataset, graph_store, linked_data, protocol, system, yasgui
from sparql_endpoint.context import EXTENSION, Service
from sparql_endpoint.metrics import Metrics
from sparql_endpoint.pool import Executor, LocalExecutor, QueryPool
from sparql_endpoint.responses import (
    ROW_LIMIT_HEADER,
    TRUNCATED_HEADER,
    error_response,
    unexpected_error,
)

#: The surfaces, registered in this order. Later surfaces (entity pages, audit, dumps)
#: join this tuple.
BLUEPRINTS: tuple[Blueprint, ...] = (
    protocol.blueprint,
    graph_store.blueprint,
    dataset.blueprint,
    system.blueprint,
    yasgui.blueprint,
    *linked_data.BLUEPRINTS,
)

#: Endpoints whose writes are not offered to other origins.
_PRIVATE_METHODS = frozenset({"PUT", "DELETE"})


def query_workers(settings: Settings) -> int:
    """How many query workers to run: the setting, or one per CPU when it is 0."""
    return settings.workers or max(1, len(os.sched_getaffinity(0)))


def make_executor(settings: Settings, store: OxigraphStore | None) -> Executor:
    """Queries in worker processes over the store on disk, or in-thread over ``store``."""
    if store is not None:
        return LocalExecutor(store, timeout=settings.query_timeout)
    return QueryPool(
        settings.store_path, size=query_workers(settings), timeout=settings.query_timeout
    )


def create_app(
    settings: Settings | None = None,
    *,
    store: OxigraphStore | None = None,
    blueprints: tuple[Blueprint, ...] = BLUEPRINTS,
) -> Flask:
    """Make the application for ``settings`` (resolved from the environment when omitted).

    With ``store``, queries run in the calling thread on that store (no time limit);
    without it, a pool of query-worker processes reads the store at ``settings.store``.
    """
    settings = settings or resolve_settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False
    app.extensions[EXTENSION] = Service(
        settings=settings, executor=make_executor(settings, store), metrics=Metrics()
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, error_response)
    app.register_error_handler(Exception, unexpected_error)
    app.after_request(_finish)
    return app


def close_app(app: Flask) -> None:
    """Stop the app's query workers."""
    app.extensions[EXTENSION].executor.close()


def _finish(response: Response) -> Response:
    """Count the request, and add Vary and CORS headers."""
    svc: Service = current_app.extensions[EXTENSION]
    route = request.url_rule.rule if request.url_rule else "(unmatched)"
    svc.metrics.count_request(route, response.status_code)
    response.vary.add("Accept")
    if request.method not in _PRIVATE_METHODS:
        _cors(response, svc.settings)
    return response


def _cors(response: Response, settings: Settings) -> None:
    origins = settings.cors_origins
    origin = request.headers.get("Origin")
    if "*" in origins:
        response.headers["Access-Control-Allow-Origin"] = "*"
    elif origin and origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.vary.add("Origin")
    else:
        return
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
    response.headers["Access-Control-Expose-Headers"] = (
        f"{TRUNCATED_HEADER}, {ROW_LIMIT_HEADER}, Content-Type, Vary"
    )
