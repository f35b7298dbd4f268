"""Responses every surface builds the same way: errors as short text, and streamed results.

Errors are ``text/plain`` (one line naming the problem) so that no client ever sees an HTML
stack trace; a 401 says which scheme to use. A browser (a client preferring HTML,
:func:`~sparql_endpoint.negotiation.wants_html`) gets the same error as a page in the
reader's language instead (:mod:`sparql_endpoint.linked_data.error_pages`).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from graph_loader.xml_text import cleaned, holds_forbidden, is_xml
from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryJob, TimeoutAnswer, Unavailable, log_timeout
from sparql_endpoint.linked_data.error_pages import error_page
from sparql_endpoint.negotiation import content_type, wants_html
from sparql_endpoint.refusals import Refused

log = logging.getLogger(__name__)

TRUNCATED_HEADER = "X-Lamcoop-Truncated"
#: The WSGI environ key under which the server puts the descriptor of the connection the
#: request came on (from uWSGI's router, which passes the answer on to the client).
CLIENT_FD = "lamcoop.client_fd"
ROW_LIMIT_HEADER = "X-Lamcoop-Row-Limit"


def error_response(exc: HTTPException) -> Response:
    """A short ``text/plain`` body naming the problem, with the status of ``exc`` (a page
    for a browser)."""
    code = exc.code or 500
    said = exc.said if isinstance(exc, Refused) else None
    page = error_page(code, exc.name, exc.description or "", said=said) if _for_person() else None
    return _error_headers(exc, page or plain_error(exc))


def plain_error(exc: HTTPException) -> Response:
    """The one line of ``text/plain`` naming the problem (what every client but a browser
    gets, and what the watchdog writes on a timeout)."""
    code = exc.code or 500
    text = f"{code} {exc.name}: {exc.description}\n"
    return _error_headers(
        exc, Response(text, status=code, content_type="text/plain; charset=utf-8")
    )


def _for_person() -> bool:
    return has_request_context() and wants_html(request)


def _error_headers(exc: HTTPException, response: Response) -> Response:
    code = exc.code or 500
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lamcoop"'
    if code == 405 and exc.response is None and hasattr(exc, "valid_methods"):
        response.headers["Allow"] = ", ".join(exc.valid_methods or ())
    return response


def unexpected_error(exc: Exception) -> Response:
    """A server fault: logged with its trace, answered with one line (a page for a
    browser, which shows no trace either)."""
    log.exception("unexpected error", exc_info=exc)
    if _for_person():
        try:
            page = error_page(500, "Internal Server Error", "the error is in the server's log")
        except Exception:  # a failing page must not hide the first fault
            log.exception("the error page failed too")
            page = None
        if page is not None:
            return page
    return Response(
        "500 Internal Server Error: the server failed; the error is in its log\n",
        status=500,
        content_type="text/plain; charset=utf-8",
    )


def stream_job(job: QueryJob, fmt) -> Response:
    """Run ``job`` where queries can be stopped and send its result as ``fmt``.

    A query past the time limit is answered 503 naming the limit (by the watchdog, see
    :func:`timeout_handler`), as is a store busy with a write; a query the store rejects is
    a 400 with the parser's message.
    """
    svc = service()
    started = time.monotonic()
    try:
        reply = svc.executor.run(job)
    except Unavailable as exc:
        raise Refused(503, exc.said) from None
    svc.metrics.observe_query(time.monotonic() - started)
    if reply.head is None:  # failed: Reply.failed says why
        assert reply.said is not None
        raise Refused(reply.status, reply.said)
    xml = is_xml(fmt.media_type)  # cleaned as it goes (graph_loader.xml_text)
    if reply.body is not None and reply.stream is None:  # small: sent with its length
        response = Response(reply.body, content_type=content_type(fmt))
    else:  # large: read back from its spool, or passed on as the engine sends it
        body: bytes | Iterator[bytes] = b"" if request.method == "HEAD" else reply.chunks()
        length = None if xml else reply.length  # cleaning may change an XML answer's
        if xml and not isinstance(body, bytes):
            body = cleaned(body)
        framed = length is None and _frames_itself(request.environ)
        if framed and not isinstance(body, bytes):
            body = chunked(body)
        response = Response(body, content_type=content_type(fmt))
        response.call_on_close(reply.close)
        if length is not None:
            response.headers["Content-Length"] = str(length)
        elif framed:
            response.headers["Transfer-Encoding"] = "chunked"
    if reply.head.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
        response.headers[ROW_LIMIT_HEADER] = str(job.max_rows)
    return response


def _frames_itself(environ: dict[str, Any]) -> bool:
    """Whether an answer of unknown length is sent in chunks written here: behind
    ``lamcoop serve``'s router (which passes them on as they are; it would end an answer
    cut short with a last chunk of its own) to an HTTP/1.1 client."""
    return CLIENT_FD in environ and environ.get("SERVER_PROTOCOL") == "HTTP/1.1"


def chunked(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """``pieces`` as HTTP/1.1 chunks, ended by the last chunk only when they end whole: an
    answer cut short (an error raised by ``pieces``) ends without it, so the client sees it
    broken, not complete.

    >>> b"".join(chunked(iter([b"ab", b"", b"c"])))
    b'2\\r\\nab\\r\\n1\\r\\nc\\r\\n0\\r\\n\\r\\n'
    """
    for piece in pieces:
        if piece:
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def timeout_handler() -> TimeoutAnswer:
    """What answers the current request if its read runs past the limit (the served
    executor asks for it as each read starts, in the request's thread).

    It runs in the watchdog's thread while the query still runs: it counts the timeout,
    builds the 503 as the app would (metrics, CORS, ``Vary``) and writes it on the request's
    connection (whose descriptor the server put in the environ as :data:`CLIENT_FD`); the
    process then ends.
    """
    if not has_request_context():
        return log_timeout()
    svc = service()
    # Flask types the current_app proxy as Flask itself, hiding the proxy's own method.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    environ = request.environ

    def answer(message: str) -> None:
        svc.metrics.count_timeout()
        data = _timeout_bytes(app, environ, f"{message}; simplify it or add a LIMIT")
        fd = environ.get(CLIENT_FD)
        if fd is None:
            log.error("%s (no client connection to answer on)", message)
            return
        try:
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    return answer


def _timeout_bytes(app: Flask, environ: dict[str, Any], description: str) -> bytes:
    """A complete HTTP/1.1 503 response naming the limit, ready for the socket."""
    with app.request_context(environ):
        response = app.process_response(plain_error(ServiceUnavailable(description)))
    head = [f"HTTP/1.1 {response.status}"]
    head += [f"{name}: {value}" for name, value in response.headers.items()]
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.get_data()


def clean_whole(response: Response) -> None:
    """``response``'s body cleaned when it is XML and whole (its length set again): pages'
    documents, the ontology, the Service Description. A streamed answer is cleaned where it
    is framed (:func:`stream_job`), before its chunks are sized."""
    if response.is_sequence and is_xml(response.mimetype or ""):
        body = response.get_data()
        if holds_forbidden(body):
            response.set_data(b"".join(cleaned([body])))
