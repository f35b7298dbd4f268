"""Content negotiation and conditional GET for every surface of the service.

:func:`negotiate` is the one entry: the format of a response comes from ``format=`` (or
Fuseki's ``output=``) when it names a format the response can take, or else from ``Accept``
with its q-values, using the names, extensions and media types of
:mod:`graph_loader.rdf_formats`, the same table the command line reads; when nothing fits it
answers 406 listing what can be served. A ``format=`` that names no format lamcoop knows is a
mistake, answered 400 with the names this response takes, on every route.
:func:`conditional` is the one place that answers ``If-None-Match`` and ``If-Modified-Since``
with 304.

>>> choose("text/csv;q=0.5, application/sparql-results+xml", RESULTS_OFFERS).file_extension
'srx'
>>> choose("image/png", RESULTS_OFFERS) is None
True
>>> choose("", GRAPH_OFFERS).name
'Turtle'
>>> choose("text/html", GRAPH_OFFERS, format_param="ntriples").name
'N-Triples'
>>> choose("text/turtle", GRAPH_OFFERS, format_param="csv").name
'Turtle'
>>> choose("text/n3", GRAPH_OFFERS) is choose(None, GRAPH_OFFERS, format_param="n3")
True
>>> choose(None, GRAPH_OFFERS, format_param="bogus")
Traceback (most recent call last):
...
sparql_endpoint.negotiation.UnknownFormat: 400 Bad Request: unknown format 'bogus': use one \
of turtle, ntriples, jsonld, rdfxml, nquads, trig (or an Accept header)
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Hashable, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar, cast

import flask
import pyoxigraph as ox
from werkzeug.datastructures import Headers, MIMEAccept
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Request, Response

from graph_loader.rdf_formats import (
    RDF_SYNTAXES,
    RESULTS_SYNTAXES,
    Syntax,
    bare_media_type,
    find,
)
from graph_loader.safe_output import quoted
from sparql_endpoint.refusals import N_, Refused, Said

F = TypeVar("F", bound=Hashable)
R = TypeVar("R", bound=Response)

HTML = "text/html"
FORM_TYPE = "application/x-www-form-urlencoded"
#: Pages as HTML, and as plain JSON or CSV data where a page offers them.
HTML_SYNTAX: Syntax[str] = Syntax("html", ("html", "htm"), (HTML, "application/xhtml+xml"))
JSON_SYNTAX: Syntax[str] = Syntax("json", ("json",), ("application/json",))
CSV_SYNTAX: Syntax[str] = Syntax("csv", ("csv",), ("text/csv",))
#: Spreadsheets (the audit's workbook).
XLSX_SYNTAX: Syntax[str] = Syntax(
    "xlsx", ("xlsx",), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
)
#: Every syntax a request may name, of any kind: a ``format=`` naming none of them is a
#: mistake; one naming a syntax of another kind (SPARQLWrapper sends ``format=json`` with a
#: CONSTRUCT) leaves the choice to Accept.
KNOWN_SYNTAXES: tuple[Syntax, ...] = (
    *RDF_SYNTAXES,
    *RESULTS_SYNTAXES,
    HTML_SYNTAX,
    JSON_SYNTAX,
    CSV_SYNTAX,
    XLSX_SYNTAX,
)
#: The query parameters that name a format: lamcoop's and SPARQLWrapper's ``format``, and
#: Fuseki's ``output``, in that order of precedence.
FORMAT_PARAMETERS = ("format", "output")


class UnknownFormat(Refused):
    """A ``format=`` naming no format lamcoop knows (400, listing this response's names)."""

    def __init__(self, given: str, names: list[str] | tuple[str, ...]):
        message = N_("unknown format %(given)s: use one of %(names)s (or an Accept header)")
        super().__init__(400, Said(message, {"given": quoted(given), "names": ", ".join(names)}))


class Offers(Generic[F]):
    """What one kind of response can be served as: some syntaxes, the first the default.

    ``by_media_type`` maps every media type accepted (each syntax's canonical type first,
    then the aliases) to its format; ``media_type(fmt)`` is a format's canonical type. Where
    two syntaxes share a name or a media type, a canonical type wins over an alias and an
    earlier syntax over a later one (the audit offers its own JSON before JSON-LD, whose
    alias ``application/json`` is then the JSON's).

    >>> offers = Offers(JSON_SYNTAX, *RDF_SYNTAXES)
    >>> offers.by_media_type["application/json"], offers.lookup("json")
    ('json', 'json')
    """

    def __init__(self, *syntaxes: Syntax[F]):
        self.syntaxes = syntaxes
        canonical = {s.media_types[0]: s.format for s in reversed(syntaxes)}
        canonical = dict(reversed(canonical.items()))
        merged = dict(canonical)
        for syntax in syntaxes:
            for media in syntax.media_types[1:]:
                merged.setdefault(media, syntax.format)
        self.by_media_type: Mapping[str, F] = MappingProxyType(merged)
        self._canonical = MappingProxyType({fmt: media for media, fmt in canonical.items()})

    def lookup(self, name: str) -> F | None:
        """The format a ``format=`` value names: short name, extension or media type."""
        return find(self.syntaxes, name)

    def media_type(self, fmt: F) -> str:
        """The canonical media type of one of these formats."""
        return self._canonical[fmt]

    @property
    def names(self) -> list[str]:
        """The canonical short name of each format, in order (for 400 messages)."""
        return [s.names[0] for s in self.syntaxes]

    @property
    def media_types(self) -> list[str]:
        """Every media type served, canonical ones first (for 406 messages)."""
        return list(self.by_media_type)

    @property
    def default(self) -> F:
        return self.syntaxes[0].format


#: SELECT and ASK results: SPARQL JSON (default), XML, CSV, TSV.
RESULTS_OFFERS: Offers[ox.QueryResultsFormat] = Offers(*RESULTS_SYNTAXES)
#: CONSTRUCT, DESCRIBE and RDF documents: Turtle (default), N-Triples, JSON-LD, RDF/XML,
#: N-Quads, TriG.
GRAPH_OFFERS: Offers[ox.RdfFormat] = Offers(*RDF_SYNTAXES)
#: Pages that have a JSON form (search, the dumps listing): HTML by default.
PAGE_OFFERS: Offers[str] = Offers(HTML_SYNTAX, JSON_SYNTAX)


#: What an error can be written as, the first the default: one line of text, or the human
#: page; the data media types are here so that a client asking for data first gets text.
_ERROR_CHOICES = (
    "text/plain",
    *GRAPH_OFFERS.media_types,
    *RESULTS_OFFERS.media_types,
    "application/json",
    HTML,
    "application/xhtml+xml",
)


def wants_html(request: Request) -> bool:
    """Whether an error should be answered with a page for a person: the client prefers
    HTML to text and to every data format (a browser does; ``*/*``, no Accept, RDF and
    SPARQL clients do not).

    >>> from werkzeug.test import EnvironBuilder
    >>> def asking(accept):
    ...     return EnvironBuilder(headers={"Accept": accept} if accept else {}).get_request()
    >>> browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    >>> [wants_html(asking(a)) for a in (browser, None, "*/*", "text/turtle, text/html;q=0.2")]
    [True, False, False, False]
    """
    best = parse_accept(request.headers.get("Accept")).best_match(_ERROR_CHOICES)
    return best in (HTML, "application/xhtml+xml")


def parse_accept(header: str | None) -> MIMEAccept:
    """An Accept header as werkzeug's :class:`MIMEAccept` (empty header: accept anything).

    Media-type parameters (``text/turtle; charset=utf-8``) are dropped: every text type is
    served in UTF-8, and werkzeug would otherwise match no offer to them.
    """
    parsed = parse_accept_header(header or "*/*", MIMEAccept)
    return MIMEAccept([(bare_media_type(value), quality) for value, quality in parsed])


def choose(accept: str | None, offers: Offers[F], *, format_param: str | None = None) -> F | None:
    """The best format for an Accept header and ``format=``, or ``None`` when none fits.

    A ``format=`` naming a format of ``offers`` wins over Accept (browsers cannot set
    Accept); one naming a format of another kind (``n3`` from SPARQLWrapper for a SELECT,
    say) leaves the choice to Accept; one naming no format at all raises
    :class:`UnknownFormat`.
    """
    if format_param:
        named = offers.lookup(format_param)
        if named is not None:
            return named
        if find(KNOWN_SYNTAXES, format_param) is None:
            raise UnknownFormat(format_param[:100], offers.names)
    best = parse_accept(accept).best_match(list(offers.by_media_type))
    return None if best is None else offers.by_media_type[best]


class QueryFormats:
    """:func:`choose`, remembered per (Accept, ``format=``, offers) for one service.

    Clients repeat a handful of Accept headers, so each is parsed once, not per query.

    >>> formats = QueryFormats()
    >>> formats.choose("text/csv;q=0.5, application/sparql-results+xml", RESULTS_OFFERS)
    <QueryResultsFormat SPARQL Results in XML>
    >>> formats.choose("image/png", GRAPH_OFFERS) is None
    True
    """

    def __init__(self, *, size: int = 256):
        self.choose = functools.lru_cache(maxsize=size)(choose)


def format_param(request: Request) -> str | None:
    """The format the request names: ``format=``, else ``output=`` (Fuseki's), from the URL
    or (for a form POST) the form."""
    form = request.method == "POST" and request.mimetype == FORM_TYPE
    for name in FORMAT_PARAMETERS:
        given = request.args.get(name)
        if given is None and form:
            given = request.form.get(name)
        if given is not None:
            return given
    return None


def negotiate(
    request: Request, offers: Offers[F], *, what: str, cache: QueryFormats | None = None
) -> F:
    """The format to answer ``request`` in, among ``offers``; 406 naming them when none fits.

    ``what`` names the response in the 406 message (marked with ``N_``: a page says it in
    the reader's language); ``cache`` (the service's) remembers choices for hot routes.

    >>> from werkzeug.test import EnvironBuilder
    >>> def asking(**kw):
    ...     return EnvironBuilder(**kw).get_request()
    >>> negotiate(asking(query_string="format=json"), GRAPH_OFFERS, what="x").name
    'JSON-LD'
    >>> negotiate(asking(headers={"Accept": "application/json"}), PAGE_OFFERS, what="x")
    'json'
    >>> negotiate(asking(headers={"Accept": "image/png"}), PAGE_OFFERS, what="the list")
    Traceback (most recent call last):
    ...
    sparql_endpoint.refusals.Refused: 406 Not Acceptable: the list can be served as \
text/html, application/json, application/xhtml+xml
    """
    pick = cache.choose if cache is not None else choose
    fmt = pick(request.headers.get("Accept"), offers, format_param=format_param(request))
    if fmt is None:
        types = ", ".join(offers.media_types)
        said: dict[str, str | Said] = {"what": Said(what, {}), "types": types}
        raise Refused(406, Said(N_("%(what)s can be served as %(types)s"), said))
    return fmt


#: The request fields (WSGI names) a conditional answer compares validators with; a request
#: without any of them (and without ``Range`` where ranges are served) gets the full answer.
_VALIDATORS_ASKED = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH")


def conditional(
    request: Request,
    response: R,
    *,
    etag: str | None = None,
    ranges: bool = False,
    modified: float | None = None,
    max_age: int | None = None,
) -> R:
    """``response`` made conditional on ``request``: 304 when its validators match.

    The ETag is ``etag``, else the one the response has, else a strong one computed over
    the body (it changes exactly when the bytes do); a ``Last-Modified`` the response has,
    or ``modified`` (seconds since the epoch), is honoured too. With ``ranges``, ``Range``
    requests get 206 (files). With ``max_age``, shared caches may keep the response that
    long (``Cache-Control: public, max-age``) and then revalidate it.

    >>> from werkzeug.test import EnvironBuilder
    >>> page = Response("hello", content_type="text/plain")
    >>> tag = conditional(EnvironBuilder().get_request(), page).get_etag()[0]
    >>> again = EnvironBuilder(headers={"If-None-Match": f'"{tag}"'}).get_request()
    >>> conditional(again, Response("hello")).status_code
    304
    >>> conditional(again, Response("changed")).status_code
    200
    """
    if modified is not None:
        response.headers["Last-Modified"] = http_time(modified)
    if max_age is not None and "Cache-Control" not in response.headers:
        # What werkzeug's cache-control object writes for these two, without making one
        # (which costs about ten times as much as the header itself).
        response.headers["Cache-Control"] = f"public, max-age={int(max_age)}"
    elif max_age is not None:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    if etag is not None:
        response.set_etag(etag)
    elif "ETag" not in response.headers:
        response.set_etag(body_etag(response.get_data()))
    environ = request.environ
    if (
        not ranges
        and environ["REQUEST_METHOD"] in ("GET", "HEAD")
        and not any(field in environ for field in _VALIDATORS_ASKED)
    ):
        # Nothing to compare: what werkzeug's make_conditional then does (a Date, the
        # length), without reading back the validators just written.
        if "Date" not in response.headers:
            response.headers["Date"] = http_time(time.time())
        if response.automatically_set_content_length and "Content-Length" not in response.headers:
            known = response.calculate_content_length()
            if known is not None:
                response.headers["Content-Length"] = str(known)
        return response
    length = response.content_length if ranges else None
    full_length = response.calculate_content_length()
    try:
        response.make_conditional(request, accept_ranges=ranges, complete_length=length)
    except RequestedRangeNotSatisfiable:
        response.close()
        raise
    if response.status_code == 304 and full_length is not None:
        response.close()
        return cast(R, NotModified(full_length, headers=response.headers))
    return response


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def http_time(seconds: float) -> str:
    """An instant (seconds since the epoch) as HTTP writes dates (RFC 9110's IMF-fixdate), the
    text werkzeug's ``http_date`` gives, in a fraction of its time (every document's answer
    has two).

    >>> from werkzeug.http import http_date
    >>> [http_time(t) == http_date(int(t)) for t in (0, 951782400.5, 1796583004, 4102444799)]
    [True, True, True, True]
    >>> http_time(1796583004)
    'Sun, 06 Dec 2026 18:50:04 GMT'
    """
    t = time.gmtime(int(seconds))
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


def body_etag(body: bytes) -> str:
    """The strong ETag of a body (it changes exactly when the bytes do): what
    :func:`conditional` gives a response without one; a cache keeps it with the body.

    >>> body_etag(b"hello")
    '2cf24dba5fb0a30e26e83b2ac5b9e29e'
    """
    return hashlib.sha256(body).hexdigest()[:32]


class NotModified(flask.Response):
    """A 304 that says the length of the full response (RFC 9110 section 8.6 allows exactly
    that value): uWSGI's router keeps a connection open only after a response with a
    ``Content-Length``, and werkzeug leaves it out of a 304. (A Flask response, so that Flask
    keeps it as it is.)

    >>> from werkzeug.test import EnvironBuilder
    >>> answer = NotModified(5, headers={"ETag": '"x"'})
    >>> headers = answer.get_wsgi_headers(EnvironBuilder().get_environ())
    >>> answer.status_code, headers["Content-Length"]
    (304, '5')
    """

    def __init__(self, full_length: int, *, headers: Any):
        super().__init__(status=304, headers=headers)
        self._full_length = full_length

    def get_wsgi_headers(self, environ: Any) -> Headers:
        headers = super().get_wsgi_headers(environ)
        headers["Content-Length"] = str(self._full_length)
        return headers


def content_type(fmt: ox.QueryResultsFormat | ox.RdfFormat) -> str:
    """The Content-Type header for a pyoxigraph format (text types say UTF-8)."""
    media = bare_media_type(fmt.media_type)
    if media.startswith("text/") or media.endswith(("+json", "+xml", "/json")):
        return f"{media}; charset=utf-8"
    return media
