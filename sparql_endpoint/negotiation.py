"""Content negotiation shared by every surface: media types, q-values, ``format=``.

Pure functions over werkzeug's :class:`~werkzeug.datastructures.MIMEAccept` and pyoxigraph's
own format tables; no Flask request is needed, so any blueprint can reuse them.

>>> from werkzeug.datastructures import MIMEAccept
>>> accept = parse_accept("text/csv;q=0.5, application/sparql-results+xml")
>>> choose(accept, RESULTS_OFFERS).file_extension
'srx'
>>> choose(parse_accept("image/png"), RESULTS_OFFERS) is None
True
>>> choose(parse_accept(""), GRAPH_OFFERS).name
'Turtle'
>>> choose(parse_accept("text/html"), GRAPH_OFFERS, format_param="ntriples").name
'N-Triples'
>>> choose(parse_accept("text/turtle"), GRAPH_OFFERS, format_param="csv").name
'Turtle'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

F = TypeVar("F")

HTML = "text/html"


@dataclass(frozen=True)
class Offers(Generic[F]):
    """What one kind of response can be served as.

    ``by_media_type`` maps every accepted media type (canonical first, then aliases) to a
    format; ``by_name`` maps the short names a ``format=`` parameter may use. The first
    entry of ``by_media_type`` is the default for ``*/*`` or a missing Accept header.
    """

    by_media_type: Mapping[str, F]
    by_name: Mapping[str, F]

    def lookup(self, name: str) -> F | None:
        """The format a ``format=`` value names: short name, extension or media type."""
        key = name.strip().lower()
        return self.by_name.get(key) or self.by_media_type.get(key)


def _bare(media_type: str) -> str:
    """A media type without its parameters."""
    return media_type.split(";", 1)[0].strip()


def _results_offers() -> Offers[ox.QueryResultsFormat]:
    formats = (
        ox.QueryResultsFormat.JSON,
        ox.QueryResultsFormat.XML,
        ox.QueryResultsFormat.CSV,
        ox.QueryResultsFormat.TSV,
    )
    by_type = {_bare(f.media_type): f for f in formats}
    by_type.update(
        {
            "application/json": ox.QueryResultsFormat.JSON,
            "application/xml": ox.QueryResultsFormat.XML,
            "text/xml": ox.QueryResultsFormat.XML,
        }
    )
    by_name = {f.file_extension: f for f in formats}
    by_name.update({"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML})
    return Offers(by_type, by_name)


def _graph_offers() -> Offers[ox.RdfFormat]:
    formats = (
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.N_TRIPLES,
        ox.RdfFormat.JSON_LD,
        ox.RdfFormat.RDF_XML,
        ox.RdfFormat.N_QUADS,
        ox.RdfFormat.TRIG,
    )
    by_type = {_bare(f.media_type): f for f in formats}
    by_type.update(
        {
            "application/x-turtle": ox.RdfFormat.TURTLE,
            "text/plain": ox.RdfFormat.N_TRIPLES,
            "application/json": ox.RdfFormat.JSON_LD,
            "application/xml": ox.RdfFormat.RDF_XML,
            "text/xml": ox.RdfFormat.RDF_XML,
        }
    )
    by_name = {f.file_extension: f for f in formats}
    by_name.update(
        {
            "turtle": ox.RdfFormat.TURTLE,
            "ntriples": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "json": ox.RdfFormat.JSON_LD,
            "rdfxml": ox.RdfFormat.RDF_XML,
            "xml": ox.RdfFormat.RDF_XML,
            "nquads": ox.RdfFormat.N_QUADS,
            "n3": ox.RdfFormat.TURTLE,
        }
    )
    return Offers(by_type, by_name)


#: SELECT and ASK results: SPARQL JSON (default), XML, CSV, TSV.
RESULTS_OFFERS: Offers[ox.QueryResultsFormat] = _results_offers()
#: CONSTRUCT, DESCRIBE and RDF documents: Turtle (default), N-Triples, JSON-LD, RDF/XML,
#: N-Quads, TriG.
GRAPH_OFFERS: Offers[ox.RdfFormat] = _graph_offers()


def parse_accept(header: str | None) -> MIMEAccept:
    """An Accept header as werkzeug's :class:`MIMEAccept` (empty header: accept anything).

    Media-type parameters (``text/turtle; charset=utf-8``) are dropped: every text type is
    served in UTF-8, and werkzeug would otherwise match no offer to them.
    """
    parsed = parse_accept_header(header or "*/*", MIMEAccept)
    return MIMEAccept([(_bare(value), quality) for value, quality in parsed])


def choose(accept: MIMEAccept, offers: Offers[F], *, format_param: str | None = None) -> F | None:
    """The best format for the request, or ``None`` when nothing acceptable can be served.

    A ``format=`` parameter naming a format of ``offers`` wins over Accept (browsers cannot
    set Accept); one naming nothing this response can be (``n3`` from SPARQLWrapper for a
    SELECT, say) leaves the choice to Accept.
    """
    named = offers.lookup(format_param) if format_param else None
    if named is not None:
        return named
    if not accept:
        return next(iter(offers.by_media_type.values()))
    best = accept.best_match(list(offers.by_media_type))
    return None if best is None else offers.by_media_type[best]


class QueryFormats:
    """The format of a query's result for each (Accept, ``format=``) a client sends, kept.

    Clients repeat a handful of Accept headers, so the choice (and the media type it is
    served as) is made once per header, not parsed again for every query.

    >>> formats = QueryFormats()
    >>> formats.choose("text/csv;q=0.5, application/sparql-results+xml", graph=False)
    (<QueryResultsFormat SPARQL Results in XML>, 'application/sparql-results+xml')
    >>> formats.choose("image/png", graph=True)
    (None, None)
    """

    def __init__(self, *, size: int = 256):
        self.choose = functools.lru_cache(maxsize=size)(self._choose)

    @staticmethod
    def _choose(
        accept: str | None, *, graph: bool, format_param: str | None = None
    ) -> tuple[ox.QueryResultsFormat | ox.RdfFormat | None, str | None]:
        """The format for a graph result (``graph``) or a SELECT/ASK one, and its media type
        (the key of the offers it came from); ``(None, None)`` when nothing is acceptable."""
        offers: Offers = GRAPH_OFFERS if graph else RESULTS_OFFERS
        fmt = choose(parse_accept(accept), offers, format_param=format_param)
        if fmt is None:
            return None, None
        return fmt, next(media for media, f in offers.by_media_type.items() if f == fmt)


def prefers_html(accept: MIMEAccept, *others: str) -> bool:
    """Whether the client ranks HTML above every one of ``others`` (and explicitly asks)."""
    if HTML not in accept.values():
        return False
    html_q = accept[HTML]
    return html_q > 0 and all(html_q >= accept.quality(other) for other in others)


def media_types(offers: Offers[F]) -> list[str]:
    """Every media type ``offers`` can serve, canonical ones first (for 406 messages)."""
    return list(offers.by_media_type)


def content_type(fmt: ox.QueryResultsFormat | ox.RdfFormat) -> str:
    """The Content-Type header for a pyoxigraph format (text types say UTF-8)."""
    media = _bare(fmt.media_type)
    if media.startswith("text/") or media.endswith(("+json", "+xml", "/json")):
        return f"{media}; charset=utf-8"
    return media
