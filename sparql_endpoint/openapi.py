"""An OpenAPI 3.1 document generated from the application's own routes.

Every rule of the URL map becomes a path; each view's docstring is its summary; the
parameters and bodies of the SPARQL and Graph Store protocols are declared here. A
blueprint added later shows up without any change here.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Flask

from graph_loader import __version__
from sparql_endpoint.negotiation import GRAPH_OFFERS, RESULTS_OFFERS

_SKIP_METHODS = {"OPTIONS"}


def _param(name: str, where: str, text: str, *, many: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if many:
        schema = {"type": "array", "items": schema}
    return {"name": name, "in": where, "description": text, "schema": schema}


_DATASET = [
    _param("default-graph-uri", "query", "A graph of the default graph.", many=True),
    _param("named-graph-uri", "query", "A graph usable with GRAPH.", many=True),
]
_FORMAT = _param("format", "query", "Result format by name (json, xml, csv, tsv, ttl, ...).")
_TARGET = [
    _param("graph", "query", "The IRI of the graph addressed."),
    {
        "name": "default",
        "in": "query",
        "description": "Address the default graph.",
        "allowEmptyValue": True,
        "schema": {"type": "string"},
    },
]

#: Parameters of known endpoints, keyed by endpoint name and method.
PARAMETERS: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("sparql.query_get", "get"): [
        _param("query", "query", "A SPARQL 1.1 query; without it, the Service Description."),
        *_DATASET,
        _FORMAT,
    ],
    ("sparql.query_post", "post"): [*_DATASET, _FORMAT],
    ("graph_store.read_graph", "get"): [*_TARGET, _FORMAT],
    ("graph_store.read_graph", "head"): _TARGET,
    ("graph_store.write_graph", "put"): _TARGET,
    ("graph_store.write_graph", "post"): _TARGET,
    ("graph_store.remove_graph", "delete"): _TARGET,
}

_RDF_BODY = {m: {"schema": {"type": "string"}} for m, f in GRAPH_OFFERS.by_media_type.items()}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("sparql.query_post", "post"): {
        "application/sparql-query": {"schema": {"type": "string"}},
        "application/sparql-update": {"schema": {"type": "string"}},
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {"query": {"type": "string"}, "update": {"type": "string"}},
            }
        },
    },
    ("graph_store.write_graph", "put"): _RDF_BODY,
    ("graph_store.write_graph", "post"): _RDF_BODY,
}

_RESULT_TYPES = {m: {"schema": {"type": "string"}} for m in RESULTS_OFFERS.by_media_type}


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of ``app``: one path per rule, one operation per method."""
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - _SKIP_METHODS):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, method.lower())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "lamcoop",
            "version": __version__,
            "description": "SPARQL 1.1 service and linked data of cooperation among "
            "libraries, archives and museums.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def _operation(rule, view, method: str) -> dict[str, Any]:
    doc = inspect.getdoc(view) or rule.endpoint
    key = (rule.endpoint, method)
    params = [
        {"name": arg, "in": "path", "required": True, "schema": {"type": "string"}}
        for arg in sorted(rule.arguments)
    ]
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint}.{method}",
        "summary": doc.splitlines()[0],
        "parameters": params + PARAMETERS.get(key, []),
        "responses": _responses(rule.endpoint),
    }
    if key in BODIES:
        operation["requestBody"] = {"content": BODIES[key]}
    if method in ("put", "delete") or (rule.endpoint == "graph_store.write_graph"):
        operation["security"] = [{"bearer": []}]
    return operation


def _responses(endpoint: str) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK"},
        "400": {"description": "The request is malformed; the body names the problem."},
        "406": {"description": "No acceptable format can be served."},
    }
    if endpoint.startswith("sparql."):
        responses["200"]["content"] = _RESULT_TYPES
        responses["413"] = {"description": "The body is over the size limit."}
        responses["503"] = {"description": "The query ran past the time limit."}
    if endpoint.startswith(("graph_store.", "sparql.query_post")):
        responses["401"] = {"description": "A bearer token is needed."}
        responses["403"] = {"description": "The token is wrong, or the service is read-only."}
    return responses
