"""Responses every surface builds the same way: errors as short text, and streamed results.

Errors are ``text/plain`` (one line naming the problem) so that no client ever sees an HTML
stack trace; a 401 says which scheme to use.
"""

from __future__ import annotations

import logging
import time

from flask import Response, abort, request
from werkzeug.exceptions import HTTPException

from sparql_endpoint.context import service
from sparql_endpoint.execution import QueryJob
from sparql_endpoint.negotiation import content_type
from sparql_endpoint.pool import QueryTimeout, Unavailable

log = logging.getLogger(__name__)

TRUNCATED_HEADER = "X-Lamcoop-Truncated"
ROW_LIMIT_HEADER = "X-Lamcoop-Row-Limit"


def error_response(exc: HTTPException) -> Response:
    """A short ``text/plain`` body naming the problem, with the status of ``exc``."""
    code = exc.code or 500
    text = f"{code} {exc.name}: {exc.description}\n"
    response = Response(text, status=code, content_type="text/plain; charset=utf-8")
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lamcoop"'
    if code == 405 and exc.response is None and hasattr(exc, "valid_methods"):
        response.headers["Allow"] = ", ".join(exc.valid_methods or ())
    return response


def unexpected_error(exc: Exception) -> Response:
    """A server fault: logged with its trace, answered with one line."""
    log.exception("unexpected error", exc_info=exc)
    return Response(
        "500 Internal Server Error: the server failed; the error is in its log\n",
        status=500,
        content_type="text/plain; charset=utf-8",
    )


def stream_job(job: QueryJob, fmt) -> Response:
    """Run ``job`` where queries can be stopped and stream its result as ``fmt``.

    A query past the time limit, or no free worker, is a 503 naming the cause; a query the
    store rejects is a 400 with the parser's message.
    """
    svc = service()
    started = time.monotonic()
    try:
        reply = svc.executor.run(job)
    except QueryTimeout as exc:
        svc.metrics.count_timeout()
        abort(503, f"{exc}; simplify it or add a LIMIT")
    except Unavailable as exc:
        abort(503, str(exc))
    svc.metrics.observe_query(time.monotonic() - started)
    if reply.head is None:
        abort(reply.status, reply.message)
    # A result that came whole is sent with its length; a larger one streams chunked.
    body = reply.chunks() if reply.body is None else reply.body
    if request.method == "HEAD" and reply.body is None:  # no body is sent: run the query out,
        for _ in body:  # or its worker would never be released
            pass
        body = b""
    response = Response(body, content_type=content_type(fmt))
    if reply.head.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers[ROW_LIMIT_HEADER] = str(job.max_rows)
    return response
