"""``/audit/runs`` (the kept audit runs, newest first) and ``/audit/compare?a=&b=`` (what
changed between two of them), as pages or JSON.

Both read the kept runs' graphs only (:mod:`graph_loader.audit.runs`): the list reads each
run's head, a comparison the two runs' results, once per data version (then from the
service's cache); the pages show a bounded slice (``page=``, ``size=``). The comparison is
:func:`graph_loader.audit.compare.compare_runs`, the one ``lamcoop audit --compare`` prints.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request

from graph_loader.audit import run_ids
from graph_loader.audit.compare import RunParameterError, compare_runs, head_dict, resolve_pair
from graph_loader.audit.graph import agreement_slug
from graph_loader.audit.model import Component
from graph_loader.audit.run import read_profile
from graph_loader.audit.run_ids import LATEST, PREVIOUS, NoSuchRun
from graph_loader.audit.runs import RunHead, list_runs
from graph_loader.graphs import AUDIT_SHAPES
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.audit_pages import in_language
from sparql_endpoint.linked_data.present import local_path, text_dir
from sparql_endpoint.linked_data.request_args import kept_format, reader_language, whole_number
from sparql_endpoint.negotiation import PAGE_OFFERS, negotiate
from sparql_endpoint.refusals import N_, Said, refuse

blueprint = Blueprint("audit_history", __name__, template_folder="templates")

#: Runs, or changed agreements, on a page, and the most a reader may ask for.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
#: The most pages a list may have (so ``page=`` stays a short number).
MAX_PAGES = 100_000

#: Why a typed run names no run, and what is kept (:data:`graph_loader.audit.run_ids.REASONS`,
#: :data:`~graph_loader.audit.run_ids.NONE_KEPT`, :data:`~graph_loader.audit.run_ids.KEPT`),
#: as the pages say them in the reader's language.
RUN_REASONS = {
    run_ids.TOO_LONG: N_("%(shown)s is too long to name an audit run"),
    run_ids.NO_LATEST: N_("there is no latest audit run"),
    run_ids.NO_PREVIOUS: N_("there is no previous audit run"),
    run_ids.NO_SUCH_RUN: N_("no audit run %(shown)s"),
    run_ids.NONE_STARTED: N_("no audit run started at %(shown)s"),
    run_ids.AMBIGUOUS: N_(
        "%(shown)s could be %(count)s audit runs: %(listed)s; give a longer time or a run "
        "identifier"
    ),
    run_ids.NOT_A_RUN: N_(
        "%(shown)s is not an audit run: use %(latest)s, %(previous)s, a run identifier "
        "(%(run)s) or a time (%(day)s, %(minute)s)"
    ),
    run_ids.NOT_A_TIME: N_("%(shown)s is not a time: its date, time or offset is out of range"),
    run_ids.NO_LONGER_KEPT: N_("that audit run is no longer kept"),
    run_ids.NONE_KEPT: N_("no audit run has been kept yet (run %(audit)s)"),
    run_ids.KEPT: N_("%(count)s kept, from %(first)s to %(last)s"),
}


def _heads() -> list[RunHead]:
    """The kept runs, oldest first, read once per data version (not to be changed)."""
    svc = service()

    def read() -> list[RunHead]:
        with reader.reading() as view:
            return list_runs(view, svc.settings)

    return svc.rendered.get(svc.executor.version, "audit-runs", read)


def _component_labels(lang: str) -> dict[str, str]:
    """Each component of the current profile by its label in ``lang`` (else English, else
    its id); read once per data version (a component only a kept run knows keeps its id)."""
    svc = service()

    def read() -> list[Component]:
        with reader.reading() as view:
            return read_profile(view, svc.settings.graph_iri(AUDIT_SHAPES))

    profile = svc.rendered.get(svc.executor.version, "audit-profile", read)
    return {c.id: in_language(c.labels, lang, c.id) for c in profile}


def refuse_run(exc: RunParameterError, code: int) -> NoReturn:
    """Answer ``code`` naming the parameter whose run ``exc`` could not tell, and why."""
    cause = exc.cause
    reason = Said(RUN_REASONS[cause.template], cause.values)
    if cause.kept is not None:
        kept = Said(RUN_REASONS[cause.kept[0]], cause.kept[1])
        reason = Said(N_("%(why)s: %(kept)s"), {"why": reason, "kept": kept})
    refuse(code, N_("%(name)s: %(reason)s"), name=exc.parameter, reason=reason)


def _slice(items: list[Any], *, past: str) -> tuple[list[Any], dict[str, Any]]:
    """The page of ``items`` asked for (``page=``, ``size=``), and what the page says of it;
    ``past``: the refusal of a page past the last (marked with ``N_``)."""
    size = whole_number("size", most=MAX_PAGE_SIZE, default=PAGE_SIZE)
    number = whole_number("page", most=MAX_PAGES, default=1)
    start = (number - 1) * size
    if number > 1 and start >= len(items):
        refuse(404, past, number=number)
    nxt = None
    if start + size < len(items):
        args = {k: v for k, v in request.args.items() if k not in ("page",)}
        args.update(kept_format())
        nxt = f"{request.path}?{urlencode({**args, 'page': str(number + 1)})}"
    return items[start : start + size], {
        "number": number,
        "size": size,
        "total": len(items),
        "next": nxt,
    }


@blueprint.get("/audit/runs")
def audit_runs() -> Response | str:
    """Every kept audit run, newest first, with its start, agreements and completeness."""
    fmt = negotiate(request, PAGE_OFFERS, what=N_("the list of audit runs"))
    newest = list(reversed(_heads()))
    shown, page = _slice(newest, past=N_("page %(number)s is past the last page of the audit runs"))
    if fmt == "json":
        response = jsonify({"runs": [head_dict(h) for h in shown], "page": page})
        response.headers["Vary"] = "Accept"
        return response
    lang = reader_language()
    return render_template(
        "ld/audit_runs.html",
        lang=lang,
        dir=text_dir(lang),
        runs=[head_dict(h) for h in shown],
        page=page,
        latest=newest[0].id if newest else None,
        previous={h.id: newest[i + 1].id for i, h in enumerate(newest[:-1])},
    )


@blueprint.get("/audit/compare")
def audit_compare() -> Response | str:
    """What changed from run ``a`` (default ``previous``) to run ``b`` (default ``latest``):
    run identifiers, ``latest``, ``previous`` or times (``2026-12-06``, ``2026-12-06T19:40``).
    An unknown run is 404, an ambiguous or malformed one 400, each naming its parameter."""
    fmt = negotiate(request, PAGE_OFFERS, what=N_("the comparison of audit runs"))
    a, b = request.args.get("a", PREVIOUS), request.args.get("b", LATEST)
    svc = service()
    heads = _heads()
    try:
        a_id, b_id = resolve_pair(heads, a, b, base_iri=svc.settings.base_iri)
    except RunParameterError as exc:
        refuse_run(exc, 404 if isinstance(exc.cause, NoSuchRun) else 400)

    def read() -> dict[str, Any]:
        with reader.reading() as view:
            try:
                return compare_runs(view, svc.settings, a_id, b_id, heads=heads, lang=lang)
            except RunParameterError as exc:  # dropped by a write since listed
                refuse_run(exc, 404)

    lang = reader_language()
    data = svc.rendered.get(svc.executor.version, ("audit-compare", a_id, b_id, lang), read)
    past = N_("page %(number)s is past the last page of the agreements that changed")
    rows, page = _slice(data["agreements"], past=past)
    if fmt == "json":
        response = jsonify({**data, "agreements": rows, "page": page})
        response.headers["Vary"] = "Accept, Accept-Language"  # the agreements' labels
        return response
    base = svc.settings.base_iri
    return render_template(
        "ld/audit_compare.html",
        component_label=_component_labels(lang),
        lang=lang,
        dir=text_dir(lang),
        data=data,
        rows=rows,
        page=page,
        slug=lambda iri: agreement_slug(iri, base),
        local=lambda iri: local_path(iri, base),
        json_url=f"{request.path}?{urlencode({'a': a_id, 'b': b_id, 'format': 'json'})}",
    )
