"""The audit as the pages read it, and its exports.

The stored audit graph is read once per data version for every language (the audit graph
only, never the store's other data: :func:`graph_loader.audit.stored.read_rows`), then
narrowed per request by the filters (``institution=``, ``consortium=``, ``country=``;
:mod:`graph_loader.audit.selection`). Every format goes through the one negotiation
(:func:`~sparql_endpoint.negotiation.negotiate`): HTML, the audit's JSON, CSV, XLSX, and each
RDF syntax of the format table, by ``format=`` or ``Accept``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import Response, request

from graph_loader.audit import selection as filters
from graph_loader.audit.model import Audit
from graph_loader.audit.report import as_dict, render_csv, render_json, render_rdf
from graph_loader.audit.selection import FILTERS, Selection, UnknownFilter, narrow
from graph_loader.audit.spreadsheet import render_xlsx
from graph_loader.audit.stored import StoredRows, audit_for, read_rows
from graph_loader.rdf_formats import RDF_SYNTAXES
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.negotiation import (
    CSV_SYNTAX,
    HTML_SYNTAX,
    JSON_SYNTAX,
    XLSX_SYNTAX,
    Offers,
    content_type,
    negotiate,
)
from sparql_endpoint.refusals import N_, refuse

#: The audit as a page (the default), its own JSON, CSV, XLSX, and RDF in every syntax
#: (``format=json`` and ``application/json`` are the audit's JSON; JSON-LD is ``jsonld``).
AUDIT_OFFERS: Offers[Any] = Offers(HTML_SYNTAX, JSON_SYNTAX, CSV_SYNTAX, XLSX_SYNTAX, *RDF_SYNTAXES)

#: Each reason a filter is refused (:data:`graph_loader.audit.selection.REASONS`), as the
#: pages say it in the reader's language.
FILTER_REASONS = {
    filters.EMPTY: N_("%(name)s: is empty"),
    filters.UNREADABLE: N_(
        "%(name)s: is not an IRI or code the audit holds (%(length)s characters)"
    ),
    filters.NO_COUNTRY: N_("%(name)s: no audited agreement has a party in %(value)s"),
    filters.NO_INSTITUTION: N_("%(name)s: no audited agreement is party to <%(value)s>"),
    filters.NO_CONSORTIUM: N_("%(name)s: no audited agreement counts for <%(value)s>"),
}


def audit_format() -> Any:
    """html, json, csv, xlsx or a pyoxigraph RDF format; 406 when none fits."""
    return negotiate(request, AUDIT_OFFERS, what=N_("the audit"))


def stored_audit(lang: str) -> Audit:
    """The stored audit with labels in ``lang``, read once per data version (shared: not to
    be changed); 404 when no audit has been run."""
    svc = service()
    audit = svc.rendered.get(svc.executor.version, ("audit", lang), lambda: _read(lang))
    if audit is None:
        message = N_("no audit has been run yet: run %(audit)s or %(build)s")
        refuse(404, message, audit="'lamcoop audit'", build="'lamcoop build'")
    return audit


def audit_dict(audit: Audit, lang: str) -> dict[str, Any]:
    """:func:`~graph_loader.audit.report.as_dict` of ``audit`` (a stored audit, narrowed or
    not), made once per data version, language and selection (shared: not to be changed)."""
    svc = service()
    key = ("audit-dict", lang, tuple(sorted(audit.selection.items())))
    return svc.rendered.get(svc.executor.version, key, lambda: as_dict(audit, lang=lang))


def _read(lang: str) -> Audit | None:
    """The stored audit for a reader of ``lang``, from the audit graph's rows read once per
    data version for every language (a page in a second language reads no store)."""
    svc = service()
    rows = svc.rendered.get(svc.executor.version, "audit-rows", _rows)
    return None if rows is None else audit_for(rows, lang=lang)


def _rows() -> StoredRows | None:
    with reader.reading() as view:
        return read_rows(view, service().settings)


def selection() -> Selection:
    """The filters of the request; 400 naming a parameter given more than once."""
    found: dict[str, str] = {}
    for name in FILTERS:
        values = request.args.getlist(name)
        if len(values) > 1:
            refuse(400, N_("%(name)s: give it at most once"), name=name)
        if values:
            found[name] = values[0]
    return Selection(**found)


def narrowed(audit: Audit, chosen: Selection) -> Audit:
    """``audit`` narrowed to ``chosen``; 400 naming the filter that names nothing audited."""
    try:
        return narrow(audit, chosen)
    except UnknownFilter as exc:
        refuse(400, FILTER_REASONS[exc.template], name=exc.parameter, **exc.values)


def attachment(name: str, extension: str) -> str:
    """The ``Content-Disposition`` of a download named ``name`` (an agreement's slug may be
    in any script): quoted, and a name that is not ASCII given as RFC 6266 asks, beside an
    ASCII one for old clients (a header is Latin-1: the name as it was failed the response).

    >>> attachment("audit.csv", "csv")
    'attachment; filename="audit.csv"'
    >>> print(attachment('ب".csv', "csv"))
    attachment; filename="agreement.csv"; filename*=UTF-8''%D8%A8%22.csv
    """
    if name.isascii() and name.isprintable() and '"' not in name and "\\" not in name:
        return f'attachment; filename="{name}"'
    return (
        f"attachment; filename=\"agreement.{extension}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def export(fmt: Any, audit: Audit, data: dict[str, Any], name: str, lang: str) -> Response:
    """``audit`` (``data``: its :func:`~graph_loader.audit.report.as_dict` in ``lang``) as a
    file in ``fmt``, not HTML; ``name`` is the file's name without extension, for downloads."""
    base = service().settings.base_iri
    if isinstance(fmt, ox.RdfFormat):
        response = Response(render_rdf(audit, base, fmt), content_type=content_type(fmt))
        extension = fmt.file_extension
    elif fmt == "json":
        response = Response(render_json(data), content_type="application/json")
        extension = "json"
    elif fmt == "csv":
        response = Response(render_csv(data), content_type="text/csv; charset=utf-8")
        extension = "csv"
    else:  # the slowest to make (seconds at thousands of agreements): kept per version
        svc = service()
        key = ("audit-xlsx", lang, tuple(sorted(audit.selection.items())))
        book = svc.rendered.get(svc.executor.version, key, lambda: render_xlsx(data))
        response = Response(book, content_type=AUDIT_OFFERS.media_type("xlsx"))
        extension = "xlsx"
    if fmt in ("csv", "xlsx"):
        response.headers["Content-Disposition"] = attachment(f"{name}.{extension}", extension)
    return vary(response)


def vary(response: Response) -> Response:
    response.headers["Vary"] = "Accept, Accept-Language"
    return response
