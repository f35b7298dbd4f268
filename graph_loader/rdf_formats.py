"""RDF syntaxes by name, extension or media type, using pyoxigraph's own format table.

>>> rdf_format("turtle").media_type
'text/turtle'
>>> format_for_path("data/places.nt.gz").name
'N-Triples'
>>> format_for_path("notes.txt")
Traceback (most recent call last):
...
ValueError: cannot tell the RDF syntax of notes.txt from its extension; name it with --format
"""

from __future__ import annotations

import gzip
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

#: Short names users type (``--format``), besides extensions and media types.
RDF_FORMAT_NAMES: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}

#: Short names of SPARQL results formats (``lamcoop query --format``).
RESULTS_FORMAT_NAMES: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def rdf_format(name: str) -> ox.RdfFormat:
    """The RDF syntax called ``name``: a short name, an extension or a media type."""
    key = name.strip().lower()
    found = (
        RDF_FORMAT_NAMES.get(key)
        or ox.RdfFormat.from_extension(key.lstrip("."))
        or ox.RdfFormat.from_media_type(key)
    )
    if found is None:
        known = ", ".join(sorted(RDF_FORMAT_NAMES))
        raise ValueError(f"unknown RDF syntax {name!r}; use one of {known}")
    return found


def format_for_path(path: str | Path) -> ox.RdfFormat:
    """The RDF syntax of a file from its extension, looking past a ``.gz``."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    found = ox.RdfFormat.from_extension(suffixes[-1][1:]) if suffixes else None
    if found is None:
        raise ValueError(
            f"cannot tell the RDF syntax of {Path(path).name} from its extension; "
            "name it with --format"
        )
    return found


def source_name(path: str | Path) -> str:
    """A graph name for a file: its name without extensions, lower-case, safe in an IRI.

    >>> source_name("/tmp/My Agreements.2024.ttl.gz")
    'my-agreements'
    """
    stem = Path(path).name.split(".")[0].lower()
    cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem).strip("-")
    return cleaned or "data"


def xml_error_place(path: str | Path) -> tuple[int, int, str] | None:
    """(line, column from 1, reason) of the first XML error in a file (gzip read through),
    or None. pyoxigraph's RDF/XML errors carry no place; an XML parser finds most of them
    (malformed markup, unbound prefixes).
    """
    path = Path(path)
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    parser = expat.ParserCreate(namespace_separator=" ")
    try:
        with gzip.open(path) if gzipped else path.open("rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1, expat.ErrorString(exc.code)
    except (OSError, EOFError):
        return None
    return None
