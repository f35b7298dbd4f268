"""XML answers that every XML parser reads: the characters XML 1.0 cannot carry are written
as U+FFFD.

RDF allows any character in a literal, U+0001 and U+FFFF included, and Turtle, N-Triples,
JSON and CSV carry them. XML 1.0 has no way to write U+0000 to U+0008, U+000B, U+000C,
U+000E to U+001F, U+FFFE or U+FFFF, not even as a character reference. pyoxigraph and the
engines write them as they are, so one such literal made a whole SPARQL XML result or RDF/XML
document unreadable: SPARQLWrapper (whose default for SELECT is XML) and rdflib stopped at
it (4store, Jena and Virtuoso have had the same trouble). Every XML answer of the service
(``application/sparql-results+xml``, ``application/rdf+xml``, any ``+xml`` type) and of
``lamcoop query`` goes through :func:`cleaned` (on the service, a whole body from
:func:`sparql_endpoint.responses.clean_whole`, a streamed one as it is sent); the other
formats carry the characters as they are.

In UTF-8 each of these characters is one byte below 0x20, which is never part of another
character, or the three bytes ``EF BF BE``/``EF BF BF``: the stream is read as bytes, a
chunk's last one or two bytes held back while they may begin one.

>>> b"".join(cleaned([b"<l>a\\x01b\\xef", b"\\xbf\\xbfc\\td</l>"])).decode()
'<l>a\\ufffdb\\ufffdc\\td</l>'
>>> is_xml("application/sparql-results+xml"), is_xml("text/turtle")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
REPLACEMENT = "\ufffd".encode()
#: The single bytes of :data:`FORBIDDEN`: a chunk without them, ``EF BF BE`` and ``EF BF BF``
#: is passed on as it is, found by C loops (a regular expression alone reads 170 MB/s).
_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def is_xml(mimetype: str) -> bool:
    """Whether an answer of ``mimetype`` is XML."""
    return mimetype.endswith("+xml") or mimetype in ("application/xml", "text/xml")


def cleaned(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` (UTF-8) with each character XML 1.0 cannot carry written as U+FFFD."""
    held = b""
    for chunk in chunks:
        data = held + chunk
        end = _whole_end(data)
        held = data[end:]
        if end:
            yield _clean(data[:end])
    if held:
        yield _clean(held)


def _clean(data: bytes) -> bytes:
    """``data`` (whole characters) with :data:`FORBIDDEN` written as U+FFFD."""
    return FORBIDDEN.sub(REPLACEMENT, data) if holds_forbidden(data) else data


def holds_forbidden(data: bytes) -> bool:
    """Whether ``data`` holds a character XML 1.0 cannot carry (C loops, no expression).

    >>> holds_forbidden(b"<a>ok</a>"), holds_forbidden(b"<a>\x01</a>")
    (False, True)
    """
    controls = len(data.translate(None, _CONTROLS)) != len(data)
    return controls or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data


def _whole_end(data: bytes) -> int:
    """Where ``data`` stops being sure not to end inside ``EF BF BE`` or ``EF BF BF``."""
    if data.endswith(b"\xef"):
        return len(data) - 1
    if data.endswith(b"\xef\xbf"):
        return len(data) - 2
    return len(data)
