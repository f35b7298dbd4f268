"""What the OpenAPI document declares of each route: its parameters, request bodies, the
statuses it answers with and the media types of its answers, and whether it needs the
bearer token.

One :class:`Route` per endpoint of the URL map (:data:`ROUTES`); a route of the app that is
not declared here is caught by :func:`undeclared` (a test asks it of the whole app). The
statuses are the ones each view (and what every request goes through: negotiation, the
conditional GET, the body reader, the time limit) can answer with; errors are one line of
``text/plain`` (a page for a browser).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph_loader.index.search import MAX_QUERY_CHARS
from sparql_endpoint.linked_data.audit_history import MAX_PAGE_SIZE as MAX_RUNS_PAGE
from sparql_endpoint.linked_data.audit_history import MAX_PAGES as MAX_RUNS_PAGES
from sparql_endpoint.linked_data.audit_pages import AUDIT_OFFERS, MAX_ROWS, SORT_KEYS
from sparql_endpoint.linked_data.documents import BY_EXTENSION, DOC_OFFERS
from sparql_endpoint.linked_data.entities import MAX_PAGE
from sparql_endpoint.metrics import PROMETHEUS_TYPE
from sparql_endpoint.negotiation import GRAPH_OFFERS, PAGE_OFFERS, RESULTS_OFFERS
from sparql_endpoint.protocol import DESCRIBE_OFFERS

#: What each status means, wherever it is declared.
STATUSES: dict[str, str] = {
    "200": "OK.",
    "201": "Created: the graph did not exist before (a POST to the store itself: its IRI "
    "is in Location).",
    "204": "Done; no body.",
    "206": "Part of the file, as the Range header asked.",
    "303": "See Other: Location is the document about the thing, in the negotiated format.",
    "304": "Not Modified: the validators (If-None-Match, If-Modified-Since) match.",
    "400": "The request is malformed; the body (one line) names the problem and where.",
    "401": "A bearer token is needed (WWW-Authenticate names the scheme).",
    "403": "The token is not the update token, or the service is read-only (no token set).",
    "404": "No such thing, graph, page or file; the body says which.",
    "406": "No format this route offers is acceptable; the body names those offered.",
    "409": "Another writer took this write for dead (no heartbeat for store_lease_seconds) "
    "and dropped what it staged: nothing was published; send it again.",
    "413": "The body is over max_body_bytes.",
    "414": "The request line is too long for the server (the front's limit; see "
    "sparql_endpoint.front): send long queries by POST.",
    "415": "The body's media type or charset is not one this route reads.",
    "416": "The Range asked for lies outside the file.",
    "431": "The header fields are too long or too many for the server (the front's limit).",
    "503": "The store is busy, or the query ran past the time limit (the body names it).",
}

#: What the front answers for every route, before the app sees the request.
EVERY_ROUTE = (414, 431)

#: Media types of an error's body: one line of text, or a page in the reader's language for a
#: client that prefers HTML (a browser, :func:`sparql_endpoint.negotiation.wants_html`).
ERROR_TYPES = ("text/plain", "text/html")


def _unique(types: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(types))


#: Media types of the answers, by what is answered.
RESULT_TYPES = _unique(RESULTS_OFFERS.by_media_type)
GRAPH_TYPES = _unique(GRAPH_OFFERS.by_media_type)
DOC_TYPES = _unique(DOC_OFFERS.by_media_type)
PAGE_TYPES = _unique(PAGE_OFFERS.by_media_type)
AUDIT_TYPES = _unique(AUDIT_OFFERS.by_media_type)
#: ``GET /sparql`` without a query answers with the Service Description (RDF) or the editor.
DESCRIPTION_TYPES = _unique(DESCRIBE_OFFERS.by_media_type)


def param(
    name: str, text: str, *, where: str = "query", schema: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An optional parameter (a string unless ``schema`` says otherwise)."""
    return {
        "name": name,
        "in": where,
        "description": text,
        "schema": dict(schema or {"type": "string"}),
    }


def _many(name: str, text: str) -> dict[str, Any]:
    declared = param(name, text, schema={"type": "array", "items": {"type": "string"}})
    declared["explode"] = True
    return declared


FORMAT = param("format", "The answer's format by name (json, xml, csv, tsv, ttl, nt, html, ...).")
OUTPUT = param("output", "Fuseki's name for format= (format= wins when both are given).")
LANG = param("lang", "The language of labels (BCP 47): en, fa, zh-Hans, ...; else Accept-Language.")
#: The audit's filters (an unknown value is a 400 naming the parameter).
AUDIT_FILTERS = (
    param("institution", "Only the agreements this institution (IRI) is party to."),
    param("consortium", "Only the agreements that count for this consortium (IRI)."),
    param("country", "Only the agreements with a party in this country (ISO 3166-1 code)."),
)
PAGE = param(
    "page",
    "Which page of the statements about the entity.",
    schema={"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
)
DATASET = (
    _many("default-graph-uri", "A graph of the query's default graph."),
    _many("named-graph-uri", "A graph the query may name with GRAPH."),
)
USING = (
    _many("using-graph-uri", "A graph of the update's default graph (WHERE)."),
    _many("using-named-graph-uri", "A graph the update's WHERE may name with GRAPH."),
)
TARGET = (
    param("graph", "The IRI of the graph addressed."),
    {
        "name": "default",
        "in": "query",
        "description": "Address the default graph (give either graph or default).",
        "allowEmptyValue": True,
        "schema": {"type": "string"},
    },
)

_TEXT = {"schema": {"type": "string"}}
_RDF_BODY = {media: _TEXT for media in GRAPH_TYPES} | {
    "multipart/form-data": {"schema": {"type": "object"}},
}
_SPARQL_BODY = {
    "application/sparql-query": _TEXT,
    "application/sparql-update": _TEXT,
    "application/x-www-form-urlencoded": {
        "schema": {
            "type": "object",
            "properties": {
                "query": {"type": "string"},
                "update": {"type": "string"},
                "format": {"type": "string"},
                **{p["name"]: p["schema"] for p in (*DATASET, *USING)},
            },
        }
    },
}


@dataclass(frozen=True)
class Route:
    """What one endpoint declares. ``content`` are the media types of its 200 (or 206)
    answer; ``statuses`` every status it answers with; ``write`` says that it needs the
    bearer token (``optional_token``: only for some requests, the updates)."""

    statuses: tuple[int, ...]
    content: tuple[str, ...] = ()
    parameters: tuple[dict[str, Any], ...] = ()
    body: Mapping[str, Any] | None = None
    write: bool = False
    optional_token: bool = False
    headers: Mapping[str, str] = field(default_factory=dict)


#: Statuses of every route that reads the store: its answer, a bad request, the time limit.
_READ = (200, 400, 503)
_STATIC = Route((200, 304, 404), ("*/*",), (param("filename", "", where="path"),))

_Q = param("q", "Words of a label.", schema={"type": "string", "maxLength": MAX_QUERY_CHARS})

_JSON = ("application/json",)
_QUERIES = param("queries", "Reconciliation queries: a JSON object of queries by key.")
_EXTEND = param("extend", "Data extension: a JSON object with ids and properties.")
_PREFIX = param("prefix", "What the name typed so far starts with.")
_TYPE = param("type", "A type id (the class IRI), to keep candidates of that type.")
_ENTITY = param("id", "The entity's IRI.")
_FORM = {
    "application/x-www-form-urlencoded": {
        "schema": {
            "type": "object",
            "properties": {"queries": {"type": "string"}, "extend": {"type": "string"}},
        }
    }
}
_JSON_BODY = {"application/json": {"schema": {"type": "object"}}}
#: The Reconciliation Service API: 0.2 at /reconcile, the 1.0 draft at /reconcile/1.0-draft.
_RECONCILE: dict[str, Route] = {
    "reconcile.reconcile": Route((*_READ, 413), _JSON, (_QUERIES, _EXTEND, LANG), _FORM),
    "reconcile.suggest_entity": Route(_READ, _JSON, (_PREFIX, _TYPE, LANG)),
    "reconcile.suggest_type": Route((200,), _JSON, (_PREFIX,)),
    "reconcile.suggest_property": Route((200,), _JSON, (_PREFIX,)),
    "reconcile.propose_properties": Route((200,), _JSON, (_TYPE,)),
    "reconcile.preview": Route((200, 404, 503), ("text/html",), (_ENTITY, LANG)),
    "reconcile_draft.manifest": Route((200,), _JSON),
    "reconcile_draft.match": Route((*_READ, 413), _JSON, (LANG,), _JSON_BODY),
    "reconcile_draft.suggest_entity": Route(_READ, _JSON, (_PREFIX, _TYPE, LANG)),
    "reconcile_draft.suggest_type": Route((200,), _JSON, (_PREFIX,)),
    "reconcile_draft.suggest_property": Route((200,), _JSON, (_PREFIX,)),
    "reconcile_draft.propose": Route((200,), _JSON, (_TYPE,)),
    "reconcile_draft.extend": Route((*_READ, 413), _JSON, (LANG,), _JSON_BODY),
    "reconcile_draft.preview": Route((200, 404, 503), ("text/html",), (_ENTITY, LANG)),
}

#: The page of a list of audit runs, or of the agreements a comparison lists.
_RUNS_PAGE = (
    param(
        "page",
        "Which page, from 1.",
        schema={"type": "integer", "minimum": 1, "maximum": MAX_RUNS_PAGES},
    ),
    param(
        "size",
        "Entries on a page.",
        schema={"type": "integer", "minimum": 1, "maximum": MAX_RUNS_PAGE},
    ),
)

ROUTES: dict[str, Route] = {
    "home.home": Route((200, 503), ("text/html",), (LANG,)),
    "search.search_page": Route(
        (*_READ, 406),
        PAGE_TYPES,
        (
            _Q,
            param("type", "Keep one kind of entity (institution, consortium, agreement, ...)."),
            param("page", "The page of matches, from 1.", schema={"type": "integer"}),
            LANG,
            FORMAT,
            OUTPUT,
        ),
    ),
    "search.complete": Route(_READ, ("application/json",), (_Q, LANG)),
    "home.kind_list": Route(
        (*_READ, 404, 406),
        PAGE_TYPES,
        (
            param("kind", "The kind listed (institution, consortium, ...).", where="path"),
            param("after", "Where the page starts: the key in the previous page's next link."),
            param("size", "Entries on a page.", schema={"type": "integer"}),
            LANG,
            FORMAT,
            OUTPUT,
        ),
    ),
    "system.health": Route((200, 503), ("application/json",)),
    "system.metrics": Route((200,), (PROMETHEUS_TYPE,)),
    "system.openapi": Route((200,), ("application/json",)),
    "yasgui.static": _STATIC,
    "static": _STATIC,
    "ld_static.static": _STATIC,
    "dataset.void": Route(
        (200, 404, 406, 503),
        GRAPH_TYPES,
        (
            FORMAT,
            OUTPUT,
        ),
    ),
    "audit_pages.audit_page": Route(
        (*_READ, 404, 406),
        AUDIT_TYPES,
        (
            param("sort", "Sort key.", schema={"type": "string", "enum": sorted(SORT_KEYS)}),
            param("order", "asc or desc.", schema={"type": "string", "enum": ["asc", "desc"]}),
            *AUDIT_FILTERS,
            param("page", "Which page of the agreements table.", schema={"type": "integer"}),
            param(
                "size",
                "Agreements on a page of the table.",
                schema={"type": "integer", "minimum": 1, "maximum": MAX_ROWS},
            ),
            LANG,
            FORMAT,
            OUTPUT,
        ),
    ),
    "audit_pages.audit_agreement": Route(
        (*_READ, 404, 406),
        AUDIT_TYPES,
        (param("slug", "", where="path"), *AUDIT_FILTERS, LANG, FORMAT, OUTPUT),
    ),
    "audit_history.audit_runs": Route(
        (*_READ, 404, 406), PAGE_TYPES, (*_RUNS_PAGE, LANG, FORMAT, OUTPUT)
    ),
    "audit_history.audit_compare": Route(
        (*_READ, 404, 406),
        PAGE_TYPES,
        (
            param(
                "a",
                "The first run: a run identifier, latest, previous (the default) or a "
                "time (2026-12-06, 2026-12-06T19:40; UTC unless it ends in Z or +03:30).",
            ),
            param("b", "The second run, as a (default: latest)."),
            *_RUNS_PAGE,
            LANG,
            FORMAT,
            OUTPUT,
        ),
    ),
    "entities.identifier": Route(
        (303, 400, 404, 406, 503), (), (param("rest", "", where="path"), LANG, PAGE, FORMAT, OUTPUT)
    ),
    "entities.document": Route(
        (*_READ, 304, 404, 406),
        DOC_TYPES,
        (param("rest", "", where="path"), LANG, PAGE, FORMAT, OUTPUT),
    ),
    "dumps.listing": Route(
        (200, 406),
        PAGE_TYPES,
        (
            FORMAT,
            OUTPUT,
        ),
    ),
    "dumps.download": Route(
        (200, 206, 304, 404, 416),
        ("application/gzip", *GRAPH_TYPES),
        (param("name", "", where="path"), param("Range", "Bytes wanted.", where="header")),
    ),
    "ontology_pages.ontology": Route((*_READ, 304, 404, 406), DOC_TYPES, (LANG, FORMAT, OUTPUT)),
    "ontology_pages.ontology_as": Route(
        (*_READ, 304, 404),
        DOC_TYPES,
        (param("ext", "", where="path", schema={"type": "string", "enum": sorted(BY_EXTENSION)}),),
    ),
    "graph_store.read_graph": Route((*_READ, 404, 406), GRAPH_TYPES, (*TARGET, FORMAT, OUTPUT)),
    "graph_store.write_graph": Route(
        (201, 204, 400, 401, 403, 409, 413, 415, 503), (), TARGET, _RDF_BODY, write=True
    ),
    "graph_store.remove_graph": Route((204, 400, 401, 403, 404, 503), (), TARGET, write=True),
    "sparql.query_get": Route(
        (*_READ, 406),
        _unique((*RESULT_TYPES, *GRAPH_TYPES, *DESCRIPTION_TYPES)),
        (
            param("query", "A SPARQL 1.1 query; without it, the Service Description."),
            param(
                "editor",
                "Without a query, for a browser: 'form' asks for the plain query form "
                "(results shown in the page) instead of YASGUI.",
                schema={"type": "string", "enum": ["form"]},
            ),
            *DATASET,
            FORMAT,
            OUTPUT,
        ),
    ),
    **_RECONCILE,
    "sparql.query_post": Route(
        (200, 204, 400, 401, 403, 406, 413, 415, 503),
        _unique((*RESULT_TYPES, *GRAPH_TYPES)),
        (*DATASET, *USING, FORMAT, OUTPUT),
        _SPARQL_BODY,
        optional_token=True,
    ),
}


def undeclared(endpoints: Iterable[str]) -> list[str]:
    """The endpoints among ``endpoints`` that :data:`ROUTES` does not declare."""
    return sorted(set(endpoints) - set(ROUTES))
