"""``/search`` (HTML and JSON, with kind facets and pages) and ``/search/complete`` (the
search box's suggestions), answered from the text index (:mod:`graph_loader.index.search`):
each request does a bounded number of index lookups, whatever the store holds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from graph_loader.index import KINDS
from graph_loader.index.search import MAX_QUERY_CHARS, Found, Match, search
from sparql_endpoint.context import service
from sparql_endpoint.linked_data.present import (
    Text,
    html_lang,
    local_path,
    text_dir,
)
from sparql_endpoint.linked_data.request_args import kept_format, reader_language, whole_number
from sparql_endpoint.linked_data.summary_reader import summary
from sparql_endpoint.negotiation import PAGE_OFFERS, negotiate
from sparql_endpoint.refusals import N_, refuse

blueprint = Blueprint("search", __name__, template_folder="templates")

PAGE_SIZE = 20
MAX_PAGE = 50
SUGGESTIONS = 10


@blueprint.get("/search")
def search_page() -> Response | str:
    """Entities whose labels or identifiers match ``q``, ranked; ``type=`` keeps one kind,
    ``page=`` pages."""
    q = _query()
    as_json = negotiate(request, PAGE_OFFERS, what=N_("the search")) == "json"
    kind = request.args.get("type") or None
    if kind is not None and kind not in {k.name for k in KINDS}:
        refuse(400, N_("type must be one of: %(kinds)s"), kinds=", ".join(k.name for k in KINDS))
    number = whole_number("page", most=MAX_PAGE, default=1)
    lang = reader_language()
    found = _found(q, lang, kind, number)
    more = found.total > number * PAGE_SIZE and number < MAX_PAGE
    args: dict[str, Any] = {"q": q, "lang": lang, **({"type": kind} if kind else {})}
    args.update(kept_format())
    nxt = url_for("search.search_page", page=number + 1, **args) if more else None
    base = service().settings.base_iri
    if as_json:
        return jsonify(
            {
                "q": q,
                "lang": lang,
                "type": kind,
                "page": number,
                "total": found.total,
                "capped": found.capped,
                "facets": found.facets,
                "results": [_json(m, base) for m in found.matches],
                "next": nxt,
            }
        )
    return render_template(
        "ld/search.html",
        lang=lang,
        dir=text_dir(lang),
        q=q,
        kind=kind,
        total=found.total,
        capped=found.capped,
        facets=[(k.name, found.facets[k.name]) for k in KINDS if k.name in found.facets],
        results=[_shown(m, base) for m in found.matches],
        next=nxt,
    )


@blueprint.get("/search/complete")
def complete() -> Response:
    """Up to ten suggestions for what is typed in the search box (exact, then prefix)."""
    q = _query()
    lang = reader_language()
    base = service().settings.base_iri
    with summary() as conn:
        found = (
            search(
                conn, q, lang=lang, size=SUGGESTIONS, prefix_only=True, candidates=SUGGESTIONS * 3
            )
            if conn and q
            else Found([])
        )
    return jsonify(
        {
            "q": q,
            "suggestions": [
                {
                    "label": m.label,
                    "lang": m.label_lang,
                    "iri": m.iri,
                    "href": local_path(m.iri, base),
                }
                for m in found.matches[:SUGGESTIONS]
            ],
        }
    )


def _found(q: str, lang: str, kind: str | None, number: int) -> Found:
    if not q:
        return Found([])
    start = (number - 1) * PAGE_SIZE
    with summary() as conn:
        if conn is None:
            return Found([])
        return search(conn, q, lang=lang, kind=kind, start=start, size=PAGE_SIZE)


def _json(m: Match, base: str) -> dict[str, object]:
    return {
        "iri": m.iri,
        "href": local_path(m.iri, base),
        "label": m.label,
        "lang": m.label_lang,
        "matched": m.matched,
        "matched_lang": m.matched_lang,
        "match": m.rank,
        "kinds": m.kinds,
    }


def _shown(m: Match, base: str) -> tuple[str, str, Text, Text, str, list[str]]:
    return (
        m.iri,
        local_path(m.iri, base),
        Text(m.label, html_lang(m.label_lang)),
        Text(m.matched, html_lang(m.matched_lang)),
        m.rank,
        m.kinds,
    )


def _query() -> str:
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        refuse(400, N_("q is longer than %(most)s characters"), most=MAX_QUERY_CHARS)
    return q
