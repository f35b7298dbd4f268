"""``/reconcile/1.0-draft``: the Reconciliation Service API 1.0 draft, beside 0.2.

The draft's manifest at the base; ``POST /match`` with a JSON batch of queries made of
conditions (a name, or an ISIL or Wikidata id as a property); ``/suggest/entity``,
``/suggest/type``, ``/suggest/property``; ``POST /extend`` and ``/extend/propose``;
``/preview``. Every name carries ``lang`` and ``dir`` (Persian right to left). Matching,
the index and the properties are those of :mod:`sparql_endpoint.reconcile`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from graph_loader.reconciliation import TYPES, Candidate, Index
from sparql_endpoint.linked_data.present import html_lang, text_dir
from sparql_endpoint.reconcile import (
    MAX_LIMIT,
    MAX_QUERIES,
    PROPERTIES,
    Refused,
    entity_of,
    extension_request,
    lang,
    opened,
    preview,
    property_values,
    refused,
)
from sparql_endpoint.reconcile_values import property_texts, type_ids

blueprint = Blueprint("reconcile_draft", __name__, url_prefix="/reconcile/1.0-draft")
VERSION = "1.0-draft"


def _tagged(name: str, tag: str | None) -> dict[str, str]:
    """``name`` with the draft's ``lang`` and ``dir`` (``und``/``auto`` when untagged)."""
    if not tag:
        return {"name": name, "lang": "und", "dir": "auto"}
    return {"name": name, "lang": html_lang(tag), "dir": text_dir(tag)}


def _type(iri: str) -> dict[str, str]:
    return {"id": iri, **_tagged(TYPES.get(iri, iri), "en")}


@blueprint.get("")
def manifest() -> Response:
    """The 1.0-draft manifest."""
    return jsonify(
        {
            "versions": [VERSION],
            "name": "lamcoop: libraries, archives, museums and their cooperation",
            "lang": "en",
            "dir": "ltr",
            "view": {"url": "{id}"},
            "defaultTypes": [_type(t) for t in TYPES],
            "suggest": {"entity": True, "type": True, "property": True},
            "preview": {"width": 400, "height": 120},
            "extend": {"proposeProperties": True, "propertySettings": []},
        }
    )


@blueprint.post("/match")
def match() -> Response:
    """One candidate list per query of the JSON batch, in order."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
        raise Refused('body: expected JSON {"queries": [...]} (Content-Type application/json)')
    queries = body["queries"]
    if len(queries) > MAX_QUERIES:
        raise Refused(f"queries: {len(queries)} queries; at most {MAX_QUERIES} in one batch")
    reader = lang()
    with opened() as idx:
        results = [
            {"candidates": [_candidate(c) for c in _one(idx, n, q, reader)]}
            for n, q in enumerate(queries)
        ]
    return jsonify({"results": results})


def _one(idx: Index, n: int, query: Any, reader: str) -> list[Candidate]:
    where = f"queries[{n}]"
    if not isinstance(query, dict) or not isinstance(query.get("conditions"), list):
        raise Refused(f"{where}: expected an object with 'conditions' (a list)")
    limit = query.get("limit", 5)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_LIMIT:
        raise Refused(f"{where}.limit: expected a whole number from 1 to {MAX_LIMIT}")
    if not query["conditions"]:
        raise Refused(f"{where}.conditions: expected at least one condition")
    types = type_ids(query.get("type"), f"{where}.type", several=False)
    text, properties, ids = "", dict[str, tuple[str, ...]](), list[str]()
    for m, condition in enumerate(query["conditions"]):
        place = f"{where}.conditions[{m}]"
        if not isinstance(condition, dict) or "propertyValue" not in condition:
            raise Refused(f"{place}: expected an object with 'propertyValue'")
        values = property_texts(condition["propertyValue"], f"{place}.propertyValue")
        kind, pid = condition.get("matchType"), condition.get("propertyId")
        if kind == "name":
            text = " ".join(values)
        elif kind == "id":
            ids += values
        elif kind == "property" and pid in ("isil", "wikidata"):
            properties[pid] = properties.get(pid, ()) + values
        elif kind != "property":
            raise Refused(f"{place}.matchType: expected 'name', 'id' or 'property'")
    if ids:
        return idx.by_ids(ids, type_=types, limit=limit, lang=reader)
    if not text.strip() and not properties:
        return []  # only properties this service does not match on
    return idx.match(text, type_=types, limit=limit, properties=properties, lang=reader)


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        **_tagged(c.name, c.lang),
        "score": c.score,
        "match": c.match,
        "type": [_type(t) for t in c.types],
    }


@blueprint.get("/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose label starts with ``prefix`` (normalised), each name tagged."""
    reader = lang()
    limit = max(1, min(request.args.get("limit", 10, type=int) or 10, MAX_LIMIT))
    prefix, type_ = request.args.get("prefix", ""), request.args.get("type")
    with opened() as idx:
        found = idx.suggest(prefix, type_=type_, limit=limit)
        result = [{"id": i, **_tagged(*entity_of(idx, i).named(reader))} for i in found]
    return jsonify({"result": result})


@blueprint.get("/suggest/type")
def suggest_type() -> Response:
    """The reconcilable types whose name starts with ``prefix``."""
    prefix = request.args.get("prefix", "").casefold()
    return jsonify(
        {"result": [_type(t) for t, n in TYPES.items() if n.casefold().startswith(prefix)]}
    )


@blueprint.get("/suggest/property")
def suggest_property() -> Response:
    """The extension properties whose id or name starts with ``prefix``."""
    prefix = request.args.get("prefix", "").casefold()
    found = [
        {"id": i, **_tagged(n, "en")}
        for i, n in PROPERTIES.items()
        if i.startswith(prefix) or n.casefold().startswith(prefix)
    ]
    return jsonify({"result": found})


@blueprint.get("/extend/propose")
def propose() -> Response:
    """The properties data extension offers."""
    return jsonify(
        {
            "type": request.args.get("type", next(iter(TYPES))),
            "properties": [{"id": i, **_tagged(n, "en")} for i, n in PROPERTIES.items()],
        }
    )


@blueprint.post("/extend")
def extend() -> Response:
    """The values of the asked properties for each entity, labels tagged with their language."""
    ids, wanted = extension_request(
        request.get_json(silent=True),
        where="",
        item=".id",
        shape='body: expected JSON {"ids": [...], "properties": [...]}',
    )
    reader = lang()
    rows = []
    with opened() as idx:
        for iri in ids:
            values = property_values(idx, iri, wanted, reader, tagged=True)
            rows.append({"id": iri, "properties": [{"id": p, "values": values[p]} for p in wanted]})
    meta = [{"id": p, **_tagged(PROPERTIES[p], "en")} for p in wanted]
    return jsonify({"meta": meta, "rows": rows})


blueprint.add_url_rule("/preview", "preview", preview)
blueprint.register_error_handler(Refused, refused)
