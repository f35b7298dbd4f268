"""``/audit``: the stored agreement audit as a page (sortable table, the tables by
institution and consortium, every challenge charted, filters by institution, consortium and
country) and as exports; ``/audit/{slug}`` for one agreement (what it states for each
component, what it lacks, and the challenges each gap exposes, cited). Rendering reuses
:mod:`graph_loader.audit.report`; the data is the audit graph, read back
(:mod:`.audit_exports`)."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from babel import Locale
from flask import Blueprint, Response, current_app, render_template, request

from graph_loader.audit.graph import agreement_slug
from graph_loader.audit.model import Audit, aggregates
from graph_loader.audit.report import as_dict
from graph_loader.audit.selection import FILTERS, choices
from graph_loader.audit.stated import challenge_notes, stated
from graph_loader.safe_output import quoted
from graph_loader.vocab import DEFAULT_LANGUAGE, same_language
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.audit_exports import (
    AUDIT_OFFERS,
    audit_dict,
    audit_format,
    export,
    narrowed,
    selection,
    stored_audit,
    vary,
)
from sparql_endpoint.linked_data.entity_view import Link, Value, shown_as
from sparql_endpoint.linked_data.present import Text, html_lang, local_path, text_dir
from sparql_endpoint.linked_data.request_args import reader_language, whole_number
from sparql_endpoint.refusals import N_, refuse

blueprint = Blueprint("audit_pages", __name__, template_folder="templates")

__all__ = ["AUDIT_OFFERS", "MAX_ROWS", "SORT_KEYS", "blueprint"]

SORT_KEYS = {
    "label": lambda a: (a["label"] or a["iri"]).lower(),
    "completeness": lambda a: a["completeness"],
    "missing": lambda a: len(a["missing"]),
}
#: Agreements on a page of the table (``size=``, at most :data:`MAX_ROWS`); the exports hold all.
PAGE_ROWS = 100
MAX_ROWS = 1000
#: Rows of the tables by institution and consortium shown on the page (the exports hold all).
TABLE_ROWS = 100
#: Past this many consortia the form asks for an IRI instead of listing them (the tables
#: below link each to its filter).
MAX_CHOICES = 200
#: Where the page links to the audit's history, when a route of that name is served.
HISTORY_ENDPOINTS = ("audit_history.audit_runs", "audit_history.audit_compare")


def in_language(said: dict[str, str], lang: str, fallback: str) -> str:
    """Of texts by language tag, the one in ``lang``, else English, else ``fallback``; tags
    compared as language tags (the store lowercases them: ``zh-hans``)."""
    for wanted in (lang, DEFAULT_LANGUAGE):
        for tag, text in said.items():
            if same_language(tag, wanted):
                return str(text)
    return fallback


def _messages(data: dict[str, Any], lang: str) -> Any:
    """What a gap's component says is missing, in the reader's language (the shapes' own
    ``sh:message`` in en, fa and zh-Hans), else in English, else the gap's own message."""
    by_id = {c["id"]: c.get("message") or {} for c in data["components"]}

    def message(gap: dict[str, Any]) -> str:
        return in_language(by_id.get(gap["component"], {}), lang, gap.get("message") or "")

    return message


@blueprint.get("/audit")
def audit_page() -> Response:
    """Every audited agreement (those the filters keep), sortable by
    ``?sort=label|completeness|missing&order=``."""
    fmt = audit_format()
    lang = reader_language()
    whole = stored_audit(lang)
    chosen = selection()
    audit = narrowed(whole, chosen)
    data = audit_dict(audit, lang)
    if fmt != "html":
        return export(fmt, audit, data, "audit", lang)
    sort = request.args.get("sort", "completeness")
    if sort not in SORT_KEYS:
        refuse(400, N_("sort must be one of %(keys)s"), keys=", ".join(SORT_KEYS))
    order = request.args.get("order", "asc")
    if order not in ("asc", "desc"):
        refuse(400, N_("order must be asc or desc"))
    descending = order == "desc"
    size = whole_number("size", most=MAX_ROWS, default=PAGE_ROWS)
    pages = max(1, -(-len(data["agreements"]) // size))
    number = whole_number("page", most=pages, default=1)
    ranked = sorted(data["agreements"], key=SORT_KEYS[sort], reverse=descending)
    rows = ranked[(number - 1) * size : number * size]
    base = service().settings.base_iri
    kept = chosen.given()

    def url(**changes: str | None) -> str:
        params = {**kept, "sort": sort, "order": order, "lang": request.args.get("lang")}
        if size != PAGE_ROWS:
            params["size"] = str(size)
        params.update(changes)
        return "/audit?" + urlencode({k: v for k, v in params.items() if v})

    page = partial(
        render_template,
        "ld/audit.html",
        lang=lang,
        dir=text_dir(lang),
        audit=data,
        rows=rows,
        page=number,
        pages=pages,
        first_row=(number - 1) * size + 1,
        sort=sort,
        descending=descending,
        sort_url=lambda key: url(
            sort=key, order="desc" if key == sort and not descending else "asc"
        ),
        url=url,
        filters=kept,
        choices=_choices(whole, lang),
        max_choices=MAX_CHOICES,
        labels=whole.related_labels,
        country_name=lambda code: _country_name(code, lang),
        table_rows=TABLE_ROWS,
        slug=lambda iri: agreement_slug(iri, base),
        local=lambda iri: local_path(iri, base),
        component_label=_component_labels(data, lang),
        max_exposed=max((c["agreements"] for c in data["most_exposed"]), default=1) or 1,
        message=_messages(data, lang),
        history_url=_history_url(),
    )
    key = ("audit-page", lang, tuple(sorted(kept.items())), sort, order, number, size)
    svc = service()
    html = svc.rendered.get(svc.executor.version, (*key, request.args.get("lang")), page)
    return vary(Response(html, content_type="text/html; charset=utf-8"))


@blueprint.get("/audit/<slug>")
def audit_agreement(slug: str) -> Response:
    """The audit of one agreement (its slug, as in ``{base}id/audit/{slug}``)."""
    fmt = audit_format()
    lang = reader_language()
    whole = stored_audit(lang)
    base = service().settings.base_iri
    found = [a for a in whole.agreements if agreement_slug(a.iri, base) == slug]
    if not found:
        message = N_("no audited agreement has the slug %(slug)s; the list is at /audit")
        refuse(404, message, slug=quoted(slug[:200]))
    kept = [a for a in narrowed(whole, selection()).agreements if a in found]
    institutions, consortia = aggregates(kept, whole.related_labels)
    one = replace(
        whole,
        agreements=kept,
        institutions=institutions,
        consortia=consortia,
        selection={**selection().given(), "agreement": kept[0].iri if kept else ""},
    )
    if not kept:
        message = N_("the agreement %(slug)s is not among those the filters keep")
        refuse(404, message, slug=quoted(slug[:200]))
    data = as_dict(one, lang=lang)
    agreement = data["agreements"][0]
    with reader.reading() as view:
        agreement["stated"] = stated(view, agreement["iri"], whole.components, lang=lang)
        challenges = [ch["iri"] for g in agreement["gaps"] for ch in g["challenges"]]
        notes = challenge_notes(view, challenges, lang=lang)
    for gap in agreement["gaps"]:
        for challenge in gap["challenges"]:
            challenge.update(notes.get(challenge["iri"], {}))
    if fmt != "html":
        return export(fmt, one, {**data, "most_exposed": [], "most_missing": []}, slug, lang)
    html = render_template(
        "ld/audit_one.html",
        lang=lang,
        dir=text_dir(lang),
        a=agreement,
        audit=data,
        labels=whole.related_labels,
        component_label=_component_labels(data, lang),
        country_name=lambda code: _country_name(code, lang),
        local=lambda iri: local_path(iri, base),
        message=_messages(data, lang),
        shown=lambda said: stated_value(said, lang, base),
    )
    return vary(Response(html, content_type="text/html; charset=utf-8"))


def stated_value(said: dict[str, str], lang: str, base: str) -> Value:
    """What an agreement states (one value of :func:`~graph_loader.audit.stated.stated`) as
    an entity page shows a value: a thing linked by its label, a literal in its language
    or in the reader's figures, a boolean as yes or no."""
    text = Text(said["text"], html_lang(said["lang"]) if said["lang"] else "")
    if said["kind"] == "iri":
        return Value(graph="", link=Link(local_path(said["value"], base), text, said["value"]))
    if said["kind"] == "literal":
        datatype = ox.NamedNode(said["datatype"]) if said["datatype"] else None
        literal = ox.Literal(said["value"], language=said["lang"] or None, datatype=datatype)
        return shown_as(Value(graph=""), literal, lang)
    return Value(graph="", literal=text if said["text"] else None)


def _choices(audit: Audit, lang: str) -> dict[str, list[str]]:
    """The values each filter can take (consortia and countries, for the form's lists)."""
    return {name: choices(audit, name) for name in FILTERS if name != "institution"}


def _component_labels(data: dict[str, Any], lang: str) -> dict[str, str]:
    """Component id -> its label in ``lang`` (else English, else the id)."""
    return {c["id"]: in_language(c["label"], lang, c["id"]) for c in data["components"]}


def _country_name(code: str, lang: str) -> str:
    """A country's name in ``lang`` from Babel's locale data (the code when unknown)."""
    locale = Locale.parse(lang.replace("-", "_"))
    return locale.territories.get(code.upper(), code)


def _history_url() -> str | None:
    """The audit history's page, when this app serves one (another surface's)."""
    for endpoint in HISTORY_ENDPOINTS:
        if endpoint in current_app.view_functions:
            rule = next(current_app.url_map.iter_rules(endpoint))
            return rule.rule
    return None
