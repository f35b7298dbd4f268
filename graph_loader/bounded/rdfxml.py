"""RDF/XML entities, checked before pyoxigraph reads a document.

pyoxigraph's RDF/XML reader expands the internal entities a DOCTYPE declares, at once and
without limit: a 1 KB "billion laughs" file becomes a literal of three billion characters.
So before it runs, a document that declares entities is read twice:

* by expat (a real XML parser), up to its root element: it names each declaration, and
  every external entity (``SYSTEM``/``PUBLIC``: XXE), parameter entity and external DTD is
  refused;
* the way pyoxigraph reads declarations (every ``<!ENTITY`` of the document, a value
  running to the next ``"``, references in it resolved at once), so that what pyoxigraph
  would build is measured even where the two parsers disagree: each entity may expand to
  :data:`~graph_loader.bounded.ENTITY_LIMIT` characters, and all references of the document
  together to :data:`~graph_loader.bounded.EXPANSION_LIMIT` (or the document's size).

A document without ``<!ENTITY`` (nearly all) costs one fast search.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from graph_loader.bounded import (
    ENTITY_LIMIT,
    EXPANSION_LIMIT,
    Refused,
    Source,
    place,
    stream,
    whole,
)

_DECLARATION = re.compile(rb"<!ENTITY")
#: What follows ``<!ENTITY``, read as pyoxigraph reads it.
_PARTS = re.compile(rb"\s*(%?)\s*(\S+)\s+(\"([^\"]*)\"|\S*)")
_REFERENCE = re.compile(rb"&([^\s&;<>\"'#%]{1,256});")
_PROLOG_CHUNK = 1 << 16


class _RootReached(Exception):
    """The prolog is over: every declaration has been seen."""


def check_entities(source: Source) -> None:
    """Refuse (:class:`~graph_loader.bounded.Refused`, with the place) an RDF/XML document
    whose entities are external, parameter entities, or expand beyond the limits."""
    with whole(source) as data:
        if data.find(b"<!ENTITY") < 0:
            return
        _check_with_expat(source)
        _check_as_pyoxigraph_reads(data)


def _check_with_expat(source: Source) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refused(reason: str) -> Refused:
        line, column = parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        return Refused(reason, line=line, column=column)

    def doctype(name, system_id, public_id, has_internal_subset) -> None:
        if system_id or public_id:
            raise refused(
                f"the DOCTYPE names an external DTD ({system_id or public_id!r}): "
                "lamcoop reads no external entity or DTD"
            )

    def entity(name, is_parameter, value, base, system_id, public_id, notation) -> None:
        if is_parameter:
            raise refused(f"parameter entity %{name}; is refused (RDF/XML needs none)")
        if system_id or public_id or notation:
            raise refused(
                f"external entity &{name}; ({system_id or public_id!r}): "
                "lamcoop reads no external entity"
            )

    def root(*_args) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.StartElementHandler = root
    parser.ExternalEntityRefHandler = lambda *_args: 0  # never fetch
    with stream(source) as handle:
        try:
            while chunk := handle.read(_PROLOG_CHUNK):
                parser.Parse(chunk, False)
        except (_RootReached, expat.ExpatError):
            # Malformed XML is pyoxigraph's to report; the second reading still bounds it.
            return


def _check_as_pyoxigraph_reads(data) -> None:
    """Measure what pyoxigraph would build: each declaration's value, expanded when it is
    read (a later declaration of the same name replaces it, but what was built from it
    stays built), then every reference of the document at the sizes in force at its end."""
    sizes: dict[bytes, int] = {}
    budget = max(EXPANSION_LIMIT, len(data))
    total = 0
    for found in _DECLARATION.finditer(data):
        parts = _PARTS.match(data, found.end())
        if parts is None:
            continue  # pyoxigraph refuses it too: not a declaration it can read
        percent, name, value, quoted = parts.groups()
        label = name.decode("utf-8", "replace")
        line, column = place(data, found.start())
        if percent:
            raise Refused(f"parameter entity %{label}; is refused", line=line, column=column)
        if quoted is None:
            raise Refused(
                f"entity &{label}; is not a double-quoted internal value "
                f"({value.decode('utf-8', 'replace')[:40]}...): external entities are never "
                "read, and pyoxigraph reads no other kind",
                line=line,
                column=column,
            )
        size = _expanded(quoted, sizes)
        total += size
        if size > ENTITY_LIMIT or total > budget:
            what = (
                f"entity &{label}; expands to {size:,} characters"
                if size > ENTITY_LIMIT
                else (f"the entities declared so far expand to {total:,} characters")
            )
            limit = ENTITY_LIMIT if size > ENTITY_LIMIT else budget
            raise Refused(
                f"{what}, over the limit of {limit:,} (an entity expansion attack?)",
                line=line,
                column=column,
            )
        sizes[name] = size
    for ref in _REFERENCE.finditer(data):
        total += sizes.get(ref.group(1), 0)
        if total > budget:
            line, column = place(data, ref.start())
            raise Refused(
                f"the document's entities and their references expand to over {budget:,} "
                "characters (an entity expansion attack?)",
                line=line,
                column=column,
            )


def _expanded(value: bytes, sizes: dict[bytes, int]) -> int:
    """The length ``value`` has once its references to entities declared before it are
    resolved (as pyoxigraph resolves them, when it reads the declaration)."""
    size = len(value)
    for ref in _REFERENCE.finditer(value):
        size += sizes.get(ref.group(1), 0) - len(ref.group(0))
    return size
