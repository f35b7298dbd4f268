"""``/audit``: the stored agreement audit as a page (sortable table, chart of the most exposed
challenges), JSON and CSV; ``/audit/{slug}`` for one agreement. Rendering reuses
:mod:`graph_loader.audit.report`; the data is the audit graph, read back."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, render_template, request

from graph_loader.audit.graph import agreement_slug
from graph_loader.audit.report import as_dict, render_csv, render_json
from graph_loader.audit.stored import read_audit
from graph_loader.vocab import DEFAULT_LANGUAGE, same_language
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.present import local_path, text_dir
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.negotiation import CSV_SYNTAX, HTML_SYNTAX, JSON_SYNTAX, Offers, negotiate

blueprint = Blueprint("audit_pages", __name__, template_folder="templates")

SORT_KEYS = {
    "label": lambda a: (a["label"] or a["iri"]).lower(),
    "completeness": lambda a: a["completeness"],
    "missing": lambda a: len(a["missing"]),
}
#: The audit as a page (the default), or as the JSON and CSV of ``lamcoop audit --format``.
AUDIT_OFFERS: Offers[str] = Offers(HTML_SYNTAX, JSON_SYNTAX, CSV_SYNTAX)


def _audit_data() -> dict[str, Any]:
    """The stored audit as a dict, read once per data version (not to be changed)."""
    svc = service()
    return svc.rendered.get(svc.executor.version, "audit", _read_audit)


def _read_audit() -> dict[str, Any]:
    with reader.reading() as view:
        audit = read_audit(view, service().settings)
    if audit is None:
        abort(404, "no audit has been run yet: run 'lamcoop audit' or 'lamcoop build'")
    return as_dict(audit)


def _format() -> str:
    """html, json or csv: from ``?format=``, else Accept; 406 when none fits."""
    return negotiate(request, AUDIT_OFFERS, what="the audit")


def _reply(fmt: str, data: dict[str, Any], html: str) -> Response:
    if fmt == "json":
        response = Response(render_json(data), content_type="application/json")
    elif fmt == "csv":
        response = Response(render_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def _messages(data: dict[str, Any], lang: str) -> Any:
    """What a gap's component says is missing, in the reader's language (the shapes' own
    ``sh:message`` in en, fa and zh-Hans), else in English, else the gap's own message."""
    by_id = {c["id"]: c.get("message") or {} for c in data["components"]}

    def message(gap: dict[str, Any]) -> str:
        said = by_id.get(gap["component"], {})
        for wanted in (lang, DEFAULT_LANGUAGE):
            for tag, text in said.items():
                if same_language(tag, wanted):
                    return str(text)
        return gap.get("message") or ""

    return message


@blueprint.get("/audit")
def audit_page() -> Response:
    """Every audited agreement, sortable by ``?sort=label|completeness|missing&order=``."""
    fmt = _format()
    data = _audit_data()
    if fmt != "html":
        return _reply(fmt, data, "")
    sort = request.args.get("sort", "completeness")
    if sort not in SORT_KEYS:
        abort(400, "sort must be one of " + ", ".join(SORT_KEYS))
    descending = request.args.get("order", "asc") == "desc"
    rows = sorted(data["agreements"], key=SORT_KEYS[sort], reverse=descending)
    base = service().settings.base_iri
    lang = reader_language()
    html = render_template(
        "ld/audit.html",
        lang=lang,
        dir=text_dir(lang),
        audit=data,
        rows=rows,
        sort=sort,
        descending=descending,
        sort_url=lambda key: (
            "/audit?"
            + urlencode({"sort": key, "order": "desc" if key == sort and not descending else "asc"})
        ),
        slug=lambda iri: agreement_slug(iri, base),
        local=lambda iri: local_path(iri, base),
        max_exposed=max((c["agreements"] for c in data["most_exposed"]), default=1) or 1,
        message=_messages(data, lang),
    )
    return _reply("html", data, html)


@blueprint.get("/audit/<slug>")
def audit_agreement(slug: str) -> Response:
    """The audit of one agreement (its slug, as in ``{base}id/audit/{slug}``)."""
    fmt = _format()
    data = _audit_data()
    base = service().settings.base_iri
    found = [a for a in data["agreements"] if agreement_slug(a["iri"], base) == slug]
    if not found:
        abort(404, f"no audited agreement has the slug {slug!r}; the list is at /audit")
    one = {"run": data["run"], "components": data["components"], "agreements": found}
    if fmt != "html":
        return _reply(fmt, {**one, "most_exposed": [], "most_missing": []}, "")
    lang = reader_language()
    html = render_template(
        "ld/audit_one.html",
        lang=lang,
        dir=text_dir(lang),
        a=found[0],
        audit=data,
        local=lambda iri: local_path(iri, base),
        message=_messages(data, lang),
    )
    return _reply("html", one, html)
