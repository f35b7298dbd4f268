"""An OpenAPI 3.1 document generated from the application's own routes.

Every rule of the URL map becomes a path, one operation per method; each view's docstring
is its summary. What each route takes and answers (parameters, bodies, statuses, media
types, the bearer token) is declared in :mod:`sparql_endpoint.openapi_routes`; a route the
app has and that module does not declare is reported by :func:`undeclared_routes`.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

from graph_loader import __version__
from sparql_endpoint.openapi_routes import (
    ERROR_TYPES,
    EVERY_ROUTE,
    ROUTES,
    STATUSES,
    Route,
    undeclared,
)

_SKIP_METHODS = {"OPTIONS"}
#: The security scheme of writes: ``Authorization: Bearer <update_token>``.
BEARER = "bearerAuth"


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of ``app``: one path per rule, one operation per method."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        route = ROUTES.get(rule.endpoint)
        if route is None:  # undeclared: left out (a test fails on undeclared_routes)
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - _SKIP_METHODS):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, route, method)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lamcoop",
            "version": __version__,
            "description": "SPARQL 1.1 service and linked data of cooperation among "
            "libraries, archives and museums. Errors are one line of text/plain "
            "(a page in the reader's language for a browser).",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The server's update_token; writes need it.",
                }
            },
        },
    }


def undeclared_routes(app: Flask) -> list[str]:
    """The endpoints of ``app`` that the document does not declare."""
    return undeclared(rule.endpoint for rule in app.url_map.iter_rules())


def _operation(rule: Rule, view: Any, route: Route, method: str) -> dict[str, Any]:
    doc = inspect.getdoc(view) or rule.endpoint
    declared = {p["name"]: p for p in route.parameters}
    params = [
        {"name": arg, "in": "path", "required": True, "schema": {"type": "string"}}
        | {k: v for k, v in declared.get(arg, {}).items() if k == "schema"}
        for arg in sorted(rule.arguments)
    ]
    params += [p for p in route.parameters if p["in"] != "path"]
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method.lower()}",
        "summary": doc.splitlines()[0],
        "parameters": params,
        "responses": _responses(route, method),
    }
    if route.body is not None:
        operation["requestBody"] = {"content": dict(route.body)}
    if route.write:
        operation["security"] = [{BEARER: []}]
    elif route.optional_token:  # queries are anonymous; updates need the token
        operation["security"] = [{}, {BEARER: []}]
    return operation


def _responses(route: Route, method: str) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    names = {p["name"] for p in route.parameters}
    # a format= (or output=) that names no format is a 400 on every route that takes one
    named_format = {400} if names & {"format", "output"} else set()
    for status in sorted({*route.statuses, *EVERY_ROUTE, *named_format}):
        code = str(status)
        answer: dict[str, Any] = {"description": STATUSES[code]}
        types = route.content if status in (200, 206) else ERROR_TYPES if status >= 400 else ()
        if types and not (method == "HEAD" and status != 200):
            answer["content"] = {media: {"schema": {"type": "string"}} for media in types}
        if status == 401:
            answer["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if status in (201, 303):
            answer["headers"] = {"Location": {"schema": {"type": "string"}}}
        responses[code] = answer
    return responses
