"""``/reconcile``: the W3C Reconciliation Service API, version 0.2 (what OpenRefine speaks).

The manifest, reconciliation queries (one or a batch, as ``queries=`` JSON in the query
string or a form), suggest (entities, types, properties), preview (a small HTML card in the
reader's language) and data extension (``extend=``: ISIL, Wikidata id, labels in English,
Persian and Chinese, type, country, city, consortium memberships). Matching is
:mod:`graph_loader.reconciliation`, over the store's text index, read in the request's read
block (:func:`opened`). CORS comes from the app's one policy.
docs/reconciliation.md documents it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request
from markupsafe import Markup, escape

from graph_loader.reconciliation import TYPES, Candidate, Entity, Index, type_classes
from graph_loader.safe_output import quoted
from graph_loader.vocab import LAMC, ORG, SCHEMA, pick_label
from sparql_endpoint.context import service
from sparql_endpoint.interface_text import gettext
from sparql_endpoint.linked_data.entities import known_term_labels
from sparql_endpoint.linked_data.present import bidi, html_lang, text_dir
from sparql_endpoint.linked_data.reader import reading, select
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.linked_data.summary_reader import summary
from sparql_endpoint.reconcile_values import TYPE_STRICT, Refused, property_texts, type_ids
from sparql_endpoint.refusals import N_, refuse

blueprint = Blueprint("reconcile", __name__)
#: The most queries one batch may hold, and the most candidates one query may ask for.
MAX_QUERIES = 500
MAX_LIMIT = 100
#: Identifier properties a query may give, and the properties extension returns.
PROPERTIES: dict[str, str] = {
    "isil": "ISIL",
    "wikidata": "Wikidata id",
    "label-en": "Label (English)",
    "label-fa": "Label (Persian)",
    "label-zh": "Label (Chinese)",
    "type": "Type",
    "country": "Country",
    "city": "City",
    "member-of": "Consortium memberships",
}
_RELATED = f"""SELECT ?s ?country ?city ?org WHERE {{
  {{ ?s <{SCHEMA.address.value}>/<{SCHEMA.addressCountry.value}> ?country }}
  UNION {{ ?s <{SCHEMA.address.value}>/<{SCHEMA.addressLocality.value}> ?city }}
  UNION {{ ?s <{ORG.memberOf.value}> ?org }} UNION {{ ?org <{ORG.hasMember.value}> ?s }} }}"""


@contextlib.contextmanager
def opened() -> Iterator[Index]:
    """The reconciliation index of the data as it is now: the store's text index, read in
    one read block, with the class hierarchy of this data version (read once per version).
    503 when the store has no index (``lamcoop serve`` and every write through lamcoop
    make it; ``lamcoop refresh`` makes it after other writes)."""
    svc = service()
    with summary() as conn:
        if conn is None:
            refuse(
                503,
                N_("the store's text index is not built: run %(command)s"),
                command="'lamcoop refresh'",
            )
        classes = svc.rendered.get(
            svc.executor.version, "reconcile-classes", lambda: type_classes(select)
        )
        yield Index(conn, classes)


def _error(message: str, status: int = 400) -> Response:
    """An error as every route of the service gives one: a line of text/plain."""
    return Response(message.replace("\n", " ") + "\n", status=status, mimetype="text/plain")


def _base() -> str:
    """The service's own URL, from the application's root (not the request's path: the
    manifest is asked for at ``/reconcile`` and ``/reconcile/``)."""
    return request.url_root + "reconcile"


def manifest() -> dict[str, Any]:
    """The 0.2 service manifest."""
    base = _base()
    settings = service().settings
    return {
        "versions": ["0.2"],
        "name": "lamcoop: libraries, archives, museums and their cooperation",
        "identifierSpace": f"{settings.base_iri}id/",
        "schemaSpace": str(LAMC),
        "defaultTypes": [{"id": i, "name": n} for i, n in TYPES.items()],
        "view": {"url": "{{id}}"},
        "preview": {"url": base + "/preview?id={{id}}", "width": 400, "height": 120},
        "suggest": {
            kind: {"service_url": base, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/properties"},
            "property_settings": [],
        },
    }


@blueprint.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response:
    """The manifest, or the answers to ``queries=``, or the data of ``extend=``."""
    values = request.values
    if "queries" in values:
        return _queries(values["queries"])
    if "extend" in values:
        return _extend(values["extend"])
    return jsonify(manifest())


def _json_param(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"{name}: not JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise Refused(message) from None


@blueprint.errorhandler(Refused)
def refused(exc: Refused) -> Response:
    """A refused request: 400 with one line of text naming the place."""
    return _error(str(exc))


def _queries(text: str) -> Response:
    batch = _json_param("queries", text)
    if not isinstance(batch, dict):
        raise Refused("queries: expected a JSON object of queries by key (q0, q1, ...)")
    if len(batch) > MAX_QUERIES:
        raise Refused(f"queries: {len(batch)} queries; at most {MAX_QUERIES} in one batch")
    reader = lang()
    answers = {}
    with opened() as idx:
        for key, query in batch.items():
            if not isinstance(query, dict):
                raise Refused(f"queries.{key}: expected an object with 'query'")
            answers[key] = {"result": [_candidate(c) for c in _one(idx, key, query, reader)]}
    return jsonify(answers)


def _one(idx: Index, key: str, query: Mapping[str, Any], reader: str) -> list[Candidate]:
    """One query's candidates. A query naming only properties this service does not match
    on (neither ``isil`` nor ``wikidata``) has none; one naming no property and no text is
    refused, as the specification's schema refuses it."""
    where = f"queries.{key}"
    text = query.get("query", "")
    limit = query.get("limit", 5)
    if not isinstance(text, str):
        raise Refused(f"{where}.query: expected a string")
    types = type_ids(query.get("type"), f"{where}.type")
    strict = query.get("type_strict", "any")
    if strict not in TYPE_STRICT:
        raise Refused(f"{where}.type_strict: expected one of {', '.join(TYPE_STRICT)}")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_LIMIT:
        raise Refused(f"{where}.limit: expected a whole number from 1 to {MAX_LIMIT}")
    properties: dict[str, tuple[str, ...]] = {}
    given = query.get("properties") or []
    if not isinstance(given, list):
        raise Refused(f"{where}.properties: expected a list")
    for n, prop in enumerate(given):
        pid = prop.get("pid") or prop.get("p") if isinstance(prop, dict) else None
        if not isinstance(pid, str) or "v" not in prop:
            raise Refused(f"{where}.properties[{n}]: expected {{'pid': ..., 'v': ...}}")
        values = property_texts(prop["v"], f"{where}.properties[{n}].v")
        if pid in ("isil", "wikidata"):
            properties[pid] = properties.get(pid, ()) + values
    if not text.strip() and not given:
        raise Refused(f"{where}: give 'query' or properties")
    if not text.strip() and not properties:
        return []
    return idx.match(
        text,
        type_=types,
        every_type=strict == "all",
        limit=limit,
        properties=properties,
        lang=reader,
    )


def _candidate(c: Candidate) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "score": c.score,
        "match": c.match,
        "type": [{"id": t, "name": TYPES.get(t, t)} for t in c.types],
    }


def lang() -> str:
    """The reader's language (see :func:`~.linked_data.request_args.reader_language`)."""
    return reader_language()


@blueprint.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    """Entities whose label starts with ``prefix`` (normalised)."""
    reader = lang()
    with opened() as idx:
        found = idx.suggest(request.args.get("prefix", ""), type_=request.args.get("type"))
        result = [
            {"id": i, "name": entity_of(idx, i).name(reader), "description": _types(idx, i)}
            for i in found
        ]
    return jsonify({"result": result})


@blueprint.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    """The reconcilable types whose name starts with ``prefix``."""
    prefix = request.args.get("prefix", "").casefold()
    found = [{"id": i, "name": n} for i, n in TYPES.items() if n.casefold().startswith(prefix)]
    return jsonify({"result": found})


@blueprint.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    """The extension properties whose id or name starts with ``prefix``."""
    prefix = request.args.get("prefix", "").casefold()
    found = [
        {"id": i, "name": n}
        for i, n in PROPERTIES.items()
        if i.startswith(prefix) or n.casefold().startswith(prefix)
    ]
    return jsonify({"result": found})


@blueprint.get("/reconcile/properties")
def propose_properties() -> Response:
    """The properties data extension offers (for every type)."""
    type_ = request.args.get("type", LAMC.Institution.value)
    return jsonify(
        {"type": type_, "properties": [{"id": i, "name": n} for i, n in PROPERTIES.items()]}
    )


@blueprint.get("/reconcile/preview")
def preview() -> Response:
    """A small HTML card of the entity, in the reader's language."""
    reader = lang()
    with opened() as idx:
        entity = idx.entity(request.args.get("id", ""))
    if entity is None:
        return Response("no such entity", status=404, mimetype="text/plain")
    name = entity.name(reader)
    label = next((lit for _, lit in entity.labels if lit.value == name), None)
    tag = label.language if label is not None and label.language else "und"
    rows = [(gettext("Type"), _type_names(entity, reader))]
    rows += [("ISIL", bidi(", ".join(sorted(entity.isils)), dir="ltr"))] if entity.isils else []
    if entity.wikidata:
        rows += [("Wikidata", bidi(", ".join(sorted(entity.wikidata)), dir="ltr"))]
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
    html = (
        f'<!doctype html><html lang="{html_lang(reader)}" dir="{text_dir(reader)}">'
        f'<meta charset="utf-8"><title>{escape(name)}</title>'
        '<body style="font:14px sans-serif;margin:4px">'
        f'<a href="{escape(entity.id)}" target="_blank" lang="{escape(tag)}" '
        f'dir="{text_dir(tag)}"><b>{escape(name)}</b></a><dl>{cells}</dl></body></html>'
    )
    return Response(html, mimetype="text/html")


def _type_names(entity: Entity, reader: str) -> Markup:
    """The entity's types, each by the ontology's label in the reader's language (the one
    label rule), else by its English name, in the reader's list punctuation."""
    labels = known_term_labels(select)
    names = []
    for t in sorted(entity.types):
        picked = pick_label(labels.get(t, []), lang=reader)
        names.append(bidi(picked.value, picked.language or "") if picked else TYPES.get(t, t))
    return Markup(escape(gettext(", "))).join(names)


def extension_request(
    query: object, *, where: str, item: str, shape: str
) -> tuple[list[str], list[str]]:
    """The entity ids and property ids a data-extension request asks for (0.2's ``extend=``
    and the draft's ``/extend`` body alike), each checked: :class:`Refused` names the place
    (``where`` before each path, ``item`` after a property's index, ``shape`` when the
    request is no object with a list of ids)."""
    if not isinstance(query, dict) or not isinstance(query.get("ids"), list):
        raise Refused(shape)
    asked = query.get("properties") or []
    if not isinstance(asked, list):
        raise Refused(f"{where}properties: expected a list")
    wanted = []
    for n, prop in enumerate(asked):
        pid = prop.get("id") if isinstance(prop, dict) else None
        if pid not in PROPERTIES:
            raise Refused(
                f"{where}properties[{n}]{item}: unknown property {quoted(pid)}; "
                f"use {', '.join(PROPERTIES)}"
            )
        wanted.append(pid)
    ids = query["ids"]
    if len(ids) > MAX_QUERIES:
        raise Refused(f"{where}ids: at most {MAX_QUERIES} ids in one request")
    if not all(isinstance(iri, str) for iri in ids):
        raise Refused(f"{where}ids: expected entity ids (strings)")
    return ids, wanted


def _types(idx: Index, iri: str) -> str:
    return ", ".join(TYPES.get(t, t) for t in sorted(entity_of(idx, iri).types))


def entity_of(idx: Index, iri: str) -> Entity:
    """The entity ``iri`` of a candidate or suggestion ``idx`` gave."""
    entity = idx.entity(iri)
    assert entity is not None, iri
    return entity


def _extend(text: str) -> Response:
    ids, wanted = extension_request(
        _json_param("extend", text),
        where="extend.",
        item="",
        shape="extend: expected an object with 'ids' (a list) and 'properties'",
    )
    reader = lang()
    with opened() as idx:
        rows = {iri: property_values(idx, iri, wanted, reader) for iri in ids}
    meta = [{"id": p, "name": PROPERTIES[p]} for p in wanted]
    return jsonify({"meta": meta, "rows": rows})


def property_values(
    idx: Index, iri: str, wanted: list[str], reader: str, *, tagged: bool = False
) -> dict[str, list[dict]]:
    """The values of the ``wanted`` extension properties of ``iri``; with ``tagged``, texts
    and names carry the 1.0 draft's ``lang`` and ``dir``."""
    entity = idx.entity(iri)
    if entity is None:
        return {p: [] for p in wanted}

    def named(node: str, name: str, tag: str | None) -> dict[str, str]:
        out = {"id": node, "name": name}
        return out | (_tags(tag) if tagged else {})

    related: dict[str, list[dict]] = {"country": [], "city": [], "member-of": []}
    if {"country", "city", "member-of"} & set(wanted):
        with reading() as view:
            for r in view.select(_RELATED, {"s": _node(iri)}):
                found = {k: v.value for k, v in r.items() if not isinstance(v, ox.Triple)}
                if "country" in found:
                    related["country"].append({"str": found["country"]})
                if "city" in found:
                    related["city"].append({"str": found["city"]})
                member = idx.entity(found["org"]) if "org" in found else None
                if member is not None:
                    related["member-of"].append(named(member.id, *member.named(reader)))
    out: dict[str, list[dict]] = {}
    for p in wanted:
        if p == "isil":
            out[p] = [{"str": v} for v in sorted(entity.isils)]
        elif p == "wikidata":
            out[p] = [{"str": v} for v in sorted(entity.wikidata)]
        elif p.startswith("label-"):
            text = entity.label_in(p[len("label-") :])
            tags = _tags(p[len("label-") :]) if tagged else {}
            out[p] = [{"str": text} | tags] if text else []
        elif p == "type":
            out[p] = [named(t, TYPES.get(t, t), "en") for t in sorted(entity.types)]
        else:
            out[p] = related[p]
    return out


def _tags(tag: str | None) -> dict[str, str]:
    """The 1.0 draft's ``lang`` and ``dir`` of a text in ``tag``."""
    if not tag:
        return {"lang": "und", "dir": "auto"}
    return {"lang": html_lang(tag), "dir": text_dir(tag)}


def _node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise Refused(f"extend.ids: {quoted(iri)} is not an IRI") from None
