"""What a page request asks for besides its path: the reader's language, a bounded whole
number (``page=``, ``size=``), and the ``format=`` a next page's link keeps. One reading for
every page, so each refuses the same mistakes the same way.

>>> from flask import Flask
>>> with Flask(__name__).test_request_context("/?page=2&format=json&lang=fa"):
...     whole_number("page", most=10, default=1), kept_format(), reader_language()
(2, {'format': 'json'}, 'fa')
>>> with Flask(__name__).test_request_context("/?page=" + "9" * 5000):
...     whole_number("page", most=10, default=1)
Traceback (most recent call last):
...
sparql_endpoint.refusals.Refused: 400 Bad Request: page must be a whole number from 1 to 10
"""

from __future__ import annotations

from flask import g, request
from werkzeug.wrappers import Response

from sparql_endpoint.linked_data.present import choose_language
from sparql_endpoint.refusals import N_, refuse

#: The request's global holding the reader's language once its answer depends on it.
READS_LANGUAGE = "lamcoop_reads_language"


def reader_language() -> str:
    """The reader's language: ``?lang=``, else Accept-Language, else English. The answer
    then varies by Accept-Language (:func:`vary_by_language`)."""
    chosen = choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))
    setattr(g, READS_LANGUAGE, chosen)
    return chosen


def vary_by_language(response: Response) -> None:
    """Add ``Accept-Language`` to ``Vary`` when the request read the reader's language: a
    shared cache then keeps a page per language (a Persian page is never an English
    reader's); a page says its language in ``Content-Language`` too, unless it said one.
    The one place this is decided, for every surface.

    >>> from flask import Flask
    >>> app = Flask(__name__)
    >>> with app.test_request_context("/", headers={"Accept-Language": "fa"}):
    ...     answer = Response("x", content_type="text/html")
    ...     vary_by_language(answer)
    ...     before = answer.headers.get("Vary")
    ...     _ = reader_language()
    ...     vary_by_language(answer)
    ...     before, answer.headers["Vary"], answer.headers["Content-Language"]
    (None, 'Accept-Language', 'fa')
    """
    chosen = g.get(READS_LANGUAGE)
    if not chosen:
        return
    response.vary.add("Accept-Language")
    if response.mimetype == "text/html" and "Content-Language" not in response.headers:
        response.headers["Content-Language"] = chosen


def whole_number(name: str, *, most: int, default: int) -> int:
    """The query parameter ``name``: ``default`` when absent, else a whole number from 1 to
    ``most`` in ASCII digits (no other script's digits, no number too long to read), or 400
    naming the range."""
    raw = request.args.get(name)
    if raw is None:
        return default
    digits = raw.isascii() and raw.isdigit() and len(raw) <= len(str(most))
    if not digits or not 1 <= int(raw) <= most:
        refuse(400, N_("%(name)s must be a whole number from 1 to %(most)s"), name=name, most=most)
    return int(raw)


def kept_format() -> dict[str, str]:
    """The ``format=`` asked for, for the next page's link."""
    chosen = request.args.get("format")
    return {"format": chosen} if chosen else {}
