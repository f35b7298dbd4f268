"""Format names: the one table of the names, file extensions and media types lamcoop knows
each RDF syntax and SPARQL results format by. The command line (``--format``, file
extensions) and the web service (``format=``, ``Accept``, ``Content-Type``) both read it, so
a name means the same format on either side.

``n3`` names Turtle. Every Turtle document is Notation3, and what lamcoop stores and serves
is RDF, which Turtle writes; N3's own constructs (formulas, rules) are not RDF, so an N3 file
is read with the Turtle parser and a request for N3 gets Turtle.

>>> rdf_format("turtle").media_type
'text/turtle'
>>> rdf_format("n3") is rdf_format("text/n3") is ox.RdfFormat.TURTLE
True
>>> results_format("srj") is results_format("application/json") is ox.QueryResultsFormat.JSON
True
>>> format_for_path("data/places.nt.gz").name
'N-Triples'
>>> format_for_path("notes.txt")
Traceback (most recent call last):
...
ValueError: cannot tell the format of notes.txt; use --format
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import pyoxigraph as ox

F = TypeVar("F")


@dataclass(frozen=True, eq=False)
class Syntax(Generic[F]):
    """A format and every name it goes by, each list canonical first.

    ``names`` are the short names users type (``--format``, ``format=``), which are also
    the file extensions read; ``media_types`` are what ``Accept`` and ``Content-Type`` say.
    """

    format: F
    names: tuple[str, ...]
    media_types: tuple[str, ...]


def _rdf(fmt: ox.RdfFormat, names: tuple[str, ...], aliases: tuple[str, ...]) -> Syntax:
    return Syntax(fmt, names, (fmt.media_type, *aliases))


#: RDF syntaxes, in the order offered (Turtle is the default).
RDF_SYNTAXES: tuple[Syntax[ox.RdfFormat], ...] = (
    _rdf(
        ox.RdfFormat.TURTLE,
        ("turtle", "ttl", "n3"),
        ("application/x-turtle", "application/turtle", "text/n3"),
    ),
    _rdf(ox.RdfFormat.N_TRIPLES, ("ntriples", "nt"), ("text/plain",)),
    _rdf(ox.RdfFormat.JSON_LD, ("jsonld", "json", "json-ld"), ("application/json",)),
    _rdf(
        ox.RdfFormat.RDF_XML, ("rdfxml", "rdf", "xml", "rdf+xml"), ("application/xml", "text/xml")
    ),
    _rdf(ox.RdfFormat.N_QUADS, ("nquads", "nq"), ("text/x-nquads",)),
    _rdf(ox.RdfFormat.TRIG, ("trig",), ("application/x-trig",)),
)

#: SPARQL results formats (SELECT, ASK), in the order offered (JSON is the default).
RESULTS_SYNTAXES: tuple[Syntax[ox.QueryResultsFormat], ...] = (
    Syntax(
        ox.QueryResultsFormat.JSON,
        ("json", "srj"),
        ("application/sparql-results+json", "application/json"),
    ),
    Syntax(
        ox.QueryResultsFormat.XML,
        ("xml", "srx"),
        ("application/sparql-results+xml", "application/xml", "text/xml"),
    ),
    Syntax(ox.QueryResultsFormat.CSV, ("csv",), ("text/csv",)),
    Syntax(ox.QueryResultsFormat.TSV, ("tsv",), ("text/tab-separated-values",)),
)

#: The canonical short name of each RDF syntax, as help texts list them.
RDF_FORMAT_NAMES = tuple(s.names[0] for s in RDF_SYNTAXES)
#: The canonical short name of each results format.
RESULTS_FORMAT_NAMES = tuple(s.names[0] for s in RESULTS_SYNTAXES)


#: Where pyoxigraph's IRI for a format is not the one of the W3C's format registry
#: (https://www.w3.org/ns/formats/).
_REGISTRY_IRIS = {ox.RdfFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD"}


def format_iri(fmt: ox.RdfFormat | ox.QueryResultsFormat) -> str:
    """The IRI of ``fmt`` in the W3C's format registry (as a service description names it).

    >>> format_iri(ox.RdfFormat.JSON_LD), format_iri(ox.RdfFormat.TURTLE)
    ('http://www.w3.org/ns/formats/JSON-LD', 'http://www.w3.org/ns/formats/Turtle')
    """
    return _REGISTRY_IRIS.get(fmt, fmt.iri) if isinstance(fmt, ox.RdfFormat) else fmt.iri


def bare_media_type(media_type: str) -> str:
    """A media type without its parameters, lower-case.

    >>> bare_media_type("Text/CSV; charset=utf-8")
    'text/csv'
    """
    return media_type.split(";", 1)[0].strip().lower()


def find(syntaxes: tuple[Syntax[F], ...], name: str) -> F | None:
    """The format ``name`` names among ``syntaxes``: a short name (extension) or a media
    type, in any case; ``None`` when it names none of them."""
    key = name.strip().lower().lstrip(".")
    for syntax in syntaxes:
        if key in syntax.names or bare_media_type(key) in syntax.media_types:
            return syntax.format
    return None


def rdf_format(name: str) -> ox.RdfFormat:
    """The RDF syntax called ``name`` (short name, extension or media type)."""
    found = find(RDF_SYNTAXES, name)
    if found is None:
        raise ValueError(f"unknown RDF syntax {name!r}; use one of {', '.join(RDF_FORMAT_NAMES)}")
    return found


def results_format(name: str) -> ox.QueryResultsFormat:
    """The SPARQL results format called ``name`` (short name, extension or media type)."""
    found = find(RESULTS_SYNTAXES, name)
    if found is None:
        known = ", ".join(RESULTS_FORMAT_NAMES)
        raise ValueError(f"unknown results format {name!r}; use one of {known}")
    return found


def format_for_path(path: str | Path) -> ox.RdfFormat:
    """The RDF syntax of a file from its extension, looking past a ``.gz``.

    Only the extensions of :data:`RDF_SYNTAXES` count: a ``.txt`` file may hold anything.
    """
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    names = {name: s.format for s in RDF_SYNTAXES for name in s.names}
    found = names.get(suffixes[-1][1:]) if suffixes else None
    if found is None:
        raise ValueError(f"cannot tell the format of {Path(path).name}; use --format")
    return found


def source_name(path: str | Path) -> str:
    """A graph name for a file: its name without extensions, lower-case, safe in an IRI.

    >>> source_name("/tmp/My Agreements.2024.ttl.gz")
    'my-agreements'
    """
    stem = Path(path).name.split(".")[0].lower()
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return cleaned or "data"
