"""The application factory: one Flask app, one blueprint per surface.

>>> from graph_loader.store import open_store
>>> app = create_app(store=open_store(None))
>>> app.test_client().get("/sparql?query=ASK{}").get_json()["boolean"]
True
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from graph_loader.safe_output import header_value
from graph_loader.settings import Settings, resolve_settings
from graph_loader.store import Store
from sparql_endpoint import (
    cors,
    dataset,
    graph_store,
    interface_text,
    linked_data,
    protocol,
    reconcile,
    reconcile_draft,
    system,
    yasgui,
)
from sparql_endpoint.body_coding import decode_body
from sparql_endpoint.browser_policy import EXTENSION as POLICY
from sparql_endpoint.browser_policy import BrowserPolicy, browser_policy
from sparql_endpoint.context import EXTENSION, Service
from sparql_endpoint.executor import Executor, in_thread, served, store_opener
from sparql_endpoint.linked_data import value_markup
from sparql_endpoint.linked_data.request_args import vary_by_language
from sparql_endpoint.metrics import Metrics, SharedMetrics
from sparql_endpoint.network_sandbox import NOT_SERVED, SandboxState
from sparql_endpoint.request_encoding import refuse_undecodable
from sparql_endpoint.responses import (
    clean_whole,
    error_response,
    timeout_handler,
    unexpected_error,
)

#: The surfaces, registered in this order. Later surfaces (entity pages, audit, dumps)
#: join this tuple.
BLUEPRINTS: tuple[Blueprint, ...] = (
    protocol.blueprint,
    graph_store.blueprint,
    dataset.blueprint,
    system.blueprint,
    yasgui.blueprint,
    reconcile.blueprint,
    reconcile_draft.blueprint,
    *linked_data.BLUEPRINTS,
)

log = logging.getLogger(__name__)


def query_workers(settings: Settings) -> int:
    """How many server processes to run: the setting, or one per CPU when it is 0."""
    return settings.workers or max(1, len(os.sched_getaffinity(0)))


def make_executor(settings: Settings, store: Store | None, *, watched: bool = True) -> Executor:
    """Reads in this process over the store on disk (stopped at the limit, the request
    answered by :func:`~sparql_endpoint.responses.timeout_handler`, unless not
    ``watched``), or in-thread over ``store`` (no limit)."""
    if store is not None:
        return in_thread(store)
    return served(
        settings.store_path,
        timeout=settings.query_timeout,
        answer_timeout=timeout_handler,
        memory_limit=settings.query_memory_mb * 1024 * 1024,
        opener=store_opener(settings),
        watched=watched,
    )


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    blueprints: tuple[Blueprint, ...] = BLUEPRINTS,
    metrics_dir: Path | None = None,
    sandbox: SandboxState = NOT_SERVED,
    front_cache: bool = False,
    watched: bool = True,
) -> Flask:
    """Make the application for ``settings`` (resolved from the environment when omitted).

    With ``store``, queries run in the calling thread on that store (no time limit);
    without it, each query runs in this process over the store at ``settings.store``, and
    a query past the limit ends the process. With ``metrics_dir``, the counters are shared
    with every process of the server that uses the same directory. ``sandbox`` is the
    network sandbox this process runs in (see :mod:`sparql_endpoint.network_sandbox`).
    With ``front_cache``, documents and redirects say the front may keep them (see
    :mod:`sparql_endpoint.front_cache`; only behind the front, which takes the mark out).
    Not ``watched``, no read ends the process (the front's app, :mod:`.front_render`).
    """
    settings = settings or resolve_settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    if isinstance(app.json, DefaultJSONProvider):  # Flask's own, unless replaced
        app.json.sort_keys = False
    app.extensions[POLICY] = browser_policy(inline_scripts=yasgui.inline_scripts())
    app.extensions[EXTENSION] = Service(
        settings=settings,
        executor=make_executor(settings, store, watched=watched),
        metrics=Metrics() if metrics_dir is None else SharedMetrics(metrics_dir),
        sandbox=sandbox,
        front_cache=front_cache,
    )
    interface_text.install(app)
    app.jinja_env.globals[value_markup.BASE_IRI] = settings.base_iri  # graphs' dump links
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.before_request(decode_body)  # first: every later reading of the body is decoded
    app.before_request(refuse_undecodable)
    app.register_error_handler(HTTPException, error_response)
    app.register_error_handler(Exception, unexpected_error)
    app.after_request(_finish)
    return app


def close_app(app: Flask) -> None:
    """Release the app's handle on the store and its counters' file."""
    app.extensions[EXTENSION].executor.close()
    app.extensions[EXTENSION].metrics.close()


def _finish(response: Response) -> Response:
    """Count the request, add Vary, CORS and the browser policy's headers, and write in a
    whole XML body what XML cannot carry as U+FFFD."""
    svc: Service = current_app.extensions[EXTENSION]
    route = request.url_rule.rule if request.url_rule else "(unmatched)"
    svc.metrics.count_request(route, response.status_code)
    if "Vary" in response.headers:
        response.vary.add("Accept")
    else:
        response.headers["Vary"] = "Accept"
    vary_by_language(response)
    cors.allow(request, response, origins=svc.settings.cors_origins)
    policy: BrowserPolicy = current_app.extensions[POLICY]
    policy.apply(response)
    clean_whole(response)
    _latin1_headers(response)
    return response


def _latin1_headers(response: Response) -> None:
    """Every header value as Latin-1 can carry it (:func:`.safe_output.header_value`): each
    source of a value beyond Latin-1 is a defect, logged to be fixed where it arises."""
    headers = response.headers
    if all(value.isascii() for _, value in headers.items()):
        return
    given = list(headers.items())
    fixed = [(name, header_value(value)) for name, value in given]
    beyond = [name for (name, value), (_, was) in zip(fixed, given, strict=True) if value != was]
    if beyond:
        log.warning("headers beyond Latin-1, written as URIs: %s", ", ".join(beyond))
        headers.clear()
        headers.extend(fixed)
