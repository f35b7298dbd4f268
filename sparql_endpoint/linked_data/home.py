"""The home page (what the dataset is, counts by kind, entry points, the paradigm model)
and the list of each kind (``/list/{kind}``), paged by key, as HTML or JSON.

Counts and lists come from the summary (:mod:`graph_loader.index`) that the build and every
write keep: a page costs a few index lookups however large the store is.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from graph_loader.index import KINDS
from graph_loader.index.read import Entry, counts, page
from graph_loader.safe_output import quoted
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.present import (
    Text,
    html_lang,
    local_path,
    text_dir,
)
from sparql_endpoint.linked_data.request_args import kept_format, reader_language, whole_number
from sparql_endpoint.linked_data.study import layout, paradigm
from sparql_endpoint.linked_data.summary_reader import decode_key, encode_key, summary
from sparql_endpoint.negotiation import PAGE_OFFERS, negotiate
from sparql_endpoint.refusals import N_, refuse

blueprint = Blueprint("home", __name__, template_folder="templates")

#: The kinds the home page lists, and how many of each it shows before "all".
HOME_KINDS = ("consortia", "agreements", "studies", "institutions")
HOME_SIZE = 30
#: Entries per list page, and the most a reader may ask for.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


@blueprint.get("/")
def home() -> str:
    """What the dataset is, with counts, entry points and the paradigm model (read in one
    block: one lock, one time limit, one version of the data), made once per data version
    and language."""
    svc = service()
    lang = reader_language()
    return svc.rendered.get(svc.executor.version, ("home", lang), lambda: _home(lang))


def _home(lang: str) -> str:
    base = service().settings.base_iri
    with reader.reading(), summary() as conn:
        found = counts(conn) if conn else []
        entries = {}
        for name in HOME_KINDS:
            listed = page(conn, name, lang=lang, size=HOME_SIZE) if conn else None
            if listed and listed.entries:
                entries[name] = (_links(listed.entries, base), listed.after is not None)
        roles = paradigm(reader.select, base, lang)
    return render_template(
        "ld/home.html",
        lang=lang,
        dir=text_dir(lang),
        counts=found,
        entries=entries,
        diagram=layout(roles, text_dir(lang)) if roles else None,
    )


@blueprint.get("/list/<kind>")
def kind_list(kind: str) -> Response | str:
    """One page of every entity of ``kind``, ordered by label in the reader's language;
    ``after=`` (from the page's next link) starts after the last entry of a page."""
    if kind not in {k.name for k in KINDS}:
        lists = ", ".join(k.name for k in KINDS)
        refuse(
            404, N_("no list %(kind)s; the lists are: %(lists)s"), kind=quoted(kind), lists=lists
        )
    as_json = negotiate(request, PAGE_OFFERS, what=N_("the list")) == "json"
    after = decode_key(request.args.get("after"))
    size = whole_number("size", most=MAX_PAGE_SIZE, default=PAGE_SIZE)
    lang = reader_language()
    base = service().settings.base_iri
    with summary() as conn:
        listed = page(conn, kind, lang=lang, after=after, size=size) if conn else None
        total = dict(counts(conn)).get(kind, 0) if conn else 0
    entries = listed.entries if listed else []
    nxt = None
    if listed and listed.after:
        args: dict[str, Any] = {"after": encode_key(listed.after), "lang": lang}
        args.update(kept_format())
        if size != PAGE_SIZE:
            args["size"] = str(size)
        nxt = url_for("home.kind_list", kind=kind, **args)
    if as_json:
        return jsonify(
            {
                "kind": kind,
                "total": total,
                "lang": lang,
                "items": [
                    {
                        "iri": e.iri,
                        "href": local_path(e.iri, base),
                        "label": e.label,
                        "lang": e.lang,
                    }
                    for e in entries
                ],
                "next": nxt,
            }
        )
    return render_template(
        "ld/list.html",
        lang=lang,
        dir=text_dir(lang),
        kind=kind,
        total=total,
        items=_links(entries, base),
        next=nxt,
    )


def _links(entries: list[Entry], base: str) -> list[tuple[str, Text]]:
    return [(local_path(e.iri, base), Text(e.label, html_lang(e.lang))) for e in entries]
