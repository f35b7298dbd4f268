"""The SPARQL 1.1 Protocol on ``/sparql``: queries by GET and POST, updates by POST.

A bare GET (no ``query``) answers with the Service Description in RDF, or with the query
editor when the client asks for HTML.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Response, abort, request
from werkzeug.datastructures import MultiDict

from graph_loader.query_limits import QueryLimitError, check
from graph_loader.rdf_formats import RDF_SYNTAXES
from sparql_endpoint import service_description, yasgui
from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryJob
from sparql_endpoint.negotiation import (
    FORM_TYPE,
    GRAPH_OFFERS,
    HTML_SYNTAX,
    RESULTS_OFFERS,
    Offers,
    negotiate,
)
from sparql_endpoint.query_text import NO_GRAPH, QueryInfo, add_using, inspect, refusals
from sparql_endpoint.refusals import N_, Refused, Said, joined, refuse
from sparql_endpoint.request_encoding import require_utf8
from sparql_endpoint.responses import stream_job
from sparql_endpoint.writes import run_update

blueprint = Blueprint("sparql", __name__)

QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: The bare endpoint: the Service Description in RDF (Turtle for ``*/*``), or the editor for
#: a client that asks for HTML above every RDF syntax.
DESCRIBE_OFFERS: Offers = Offers(*RDF_SYNTAXES, HTML_SYNTAX)
#: The protocol's two fields, as refusals name them.
FIELDS = {"query": "query=", "update": "update="}


@blueprint.get("/sparql")
def query_get() -> Response:
    """SPARQL query by GET (``query=``); without it, the Service Description or the editor."""
    if "update" in request.args:
        refuse(400, N_("an update must be sent by POST, not GET"))
    texts = request.args.getlist("query")
    if not texts:
        return _describe()
    return _query(_single(texts, "query"), request.args)


@blueprint.post("/sparql")
def query_post() -> Response:
    """SPARQL query or update by POST: form-encoded, or a direct query or update body."""
    mimetype = request.mimetype
    if mimetype == QUERY_TYPE:
        return _query(_body_text(), request.args)
    if mimetype == UPDATE_TYPE:
        return _update(_body_text(), request.args)
    if mimetype == FORM_TYPE:
        form = request.form
        queries, updates = form.getlist("query"), form.getlist("update")
        if queries and updates:
            refuse(400, N_("give either %(query)s or %(update)s, not both"), **FIELDS)
        if queries:
            return _query(_single(queries, "query"), _merged(form))
        if updates:
            return _update(_single(updates, "update"), _merged(form))
        refuse(400, N_("the form has neither %(query)s nor %(update)s"), **FIELDS)
    refuse(
        415,
        N_("send a query as %(query)s, an update as %(update)s, or either as %(form)s"),
        query=QUERY_TYPE,
        update=UPDATE_TYPE,
        form=FORM_TYPE,
    )


def _body_text() -> str:
    """The body as text: the protocol's direct POST bodies are UTF-8, and only UTF-8."""
    require_utf8(request.mimetype_params)
    data = request.get_data(cache=False)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        refuse(400, N_("the body is not valid text in its declared charset (UTF-8 by default)"))


def _single(values: Sequence[str], name: str) -> str:
    if len(values) != 1:
        refuse(
            400,
            N_("give exactly one %(name)s parameter, not %(count)s"),
            name=f"{name}=",
            count=len(values),
        )
    return values[0]


def _merged(form: MultiDict) -> MultiDict:
    """Form fields plus the URL's query string (dataset parameters may be in either)."""
    merged = MultiDict(request.args)
    for key, value in form.items(multi=True):
        merged.add(key, value)
    return merged


# -- queries -------------------------------------------------------------------------------
def _within_limits(text: str) -> None:
    """400 naming the limit when the text nests deeper than the engine may be asked to."""
    try:
        check(text)
    except QueryLimitError as exc:
        service().metrics.count_refusal()
        abort(400, str(exc))


def _query(text: str, params: MultiDict) -> Response:
    svc = service()
    _within_limits(text)
    info = inspect(text, base_iri=svc.base_url())
    if info.is_update:
        refuse(
            400,
            N_("this is an update: POST it as %(type)s or as %(field)s"),
            type=UPDATE_TYPE,
            field="update=",
        )
    default_graphs = tuple(params.getlist("default-graph-uri"))
    named_graphs = tuple(params.getlist("named-graph-uri"))
    _refuse_outside(info, (*default_graphs, *named_graphs))
    graph_result = info.form in ("CONSTRUCT", "DESCRIBE")
    offers: Offers = GRAPH_OFFERS if graph_result else RESULTS_OFFERS
    fmt = negotiate(request, offers, what=N_("this query's result"), cache=svc.formats)
    protocol_dataset = bool(default_graphs or named_graphs)
    job = QueryJob(
        text=text,
        media_type=offers.media_type(fmt),
        graph_result=graph_result,
        max_rows=svc.settings.max_rows,
        base_iri=svc.base_url(),
        default_graphs=default_graphs if protocol_dataset else None,
        named_graphs=named_graphs if protocol_dataset else None,
        union_default=not (protocol_dataset or info.from_graphs or info.from_named),
        calls_out=bool(info.services or info.loads),
        time_limit=svc.settings.query_timeout,
    )
    return stream_job(job, fmt)


def _refuse_outside(info: QueryInfo, protocol_graphs: Sequence[str]) -> None:
    """400 when the request names a service, a document or a graph outside the store, or is
    too intricate to be read for SERVICE and LOAD (unless this process is in the network
    sandbox, which refuses its calls anyway)."""
    svc = service()
    if info.intricate and not svc.sandbox.active:
        svc.metrics.count_refusal()
        refuse(400, N_("the request is too intricate to be checked for SERVICE and LOAD"))
    if not (info.services or info.loads or info.dataset_graphs or protocol_graphs):
        return
    known = svc.executor.known_graphs()
    allowlist = svc.settings.service_allowlist
    reasons = refusals(info, known_graphs=known, allowlist=allowlist)
    reasons += [
        Said(NO_GRAPH, {"iri": f"<{iri}>"})
        for iri in protocol_graphs
        if iri not in known and iri not in allowlist
    ]
    if reasons:
        svc.metrics.count_refusal()
        once = {reason.english(): reason for reason in reasons}  # each reason once
        raise Refused(400, joined(list(once.values())))


# -- updates -------------------------------------------------------------------------------
def _update(text: str, params: MultiDict) -> Response:
    svc = service()
    svc.require_token()
    _within_limits(text)
    using = tuple(params.getlist("using-graph-uri"))
    using_named = tuple(params.getlist("using-named-graph-uri"))
    if using or using_named:
        try:
            text = add_using(text, using, using_named)
        except ValueError as exc:
            abort(400, str(exc))
    info = inspect(text, base_iri=svc.base_url())  # what runs, USING clauses included
    if info.form is not None and not info.is_update:
        refuse(
            400,
            N_("this is a query: send it as %(type)s or as %(field)s"),
            type=QUERY_TYPE,
            field="query=",
        )
    _refuse_outside(info, (*using, *using_named))
    return run_update(text, base_iri=svc.base_url(), calls_out=bool(info.services or info.loads))


# -- the bare endpoint -----------------------------------------------------------------------
def _describe() -> Response:
    fmt = negotiate(request, DESCRIBE_OFFERS, what=N_("the service description"))
    if fmt == HTML_SYNTAX.format:
        return yasgui.page()
    return service_description.response(fmt)
