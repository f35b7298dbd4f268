"""Which entity a request's path names, and how a link writes an entity's path.

An entity's IRI is ``{base}id/{path}``. HTTP sends a path percent-encoded and werkzeug
decodes it, so the IRI ``…/id/institution/ملی`` arrives as ``…/%D9%85%D9%84%DB%8C`` and is
found again by decoding. But an IRI may hold percent-encodings of its own, as tools that
write URIs rather than IRIs write them (``…/%D9%85%D9%84%DB%8C``, ``…/a%20b``, ``…/a%2Fb``):
its own URL is that very path, and decoded it named another IRI (a 404) or none (a 400 for
the space). A path names, in order, the IRI *as sent* (its percent-encodings kept, RFC 3987's
URI of the IRI) and the IRI *as decoded*; the first one known is the entity. When both are
known (``…/ملی`` and ``…/%D9%85%D9%84%DB%8C``, two IRIs with one URL), the path names the
one as sent.

>>> spellings("institution/ملی", "institution/%D9%85%D9%84%DB%8C")
['institution/%D9%85%D9%84%DB%8C', 'institution/ملی']
>>> spellings("institution/calis", "institution/calis"), spellings("x", None)
(['institution/calis'], ['x'])
>>> url_path("institution/ملی"), url_path("institution/a%20b"), url_path("a b?c")
('institution/%D9%85%D9%84%DB%8C', 'institution/a%20b', 'a%20b%3Fc')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote


def spellings(decoded: str, sent: str | None) -> list[str]:
    """The paths a request may name (see the module): ``sent`` first when it differs."""
    return [sent, decoded] if sent is not None and sent != decoded else [decoded]


def as_sent(environ: Mapping[str, Any], script_root: str, surface: str) -> str | None:
    """The part of the request target after ``{script_root}/{surface}/`` as the client sent
    it, percent-encodings kept; ``None`` when the server gives no raw target.

    >>> as_sent({"REQUEST_URI": "/id/a%20b?page=2"}, "", "id")
    'a%20b'
    >>> as_sent({"RAW_URI": "http://h:80/doc/x%2Fy.ttl"}, "", "doc")
    'x%2Fy.ttl'
    >>> as_sent({}, "", "id") is None, as_sent({"REQUEST_URI": "/other/x"}, "", "id") is None
    (True, True)
    """
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not isinstance(raw, str):
        return None
    path = raw.partition("?")[0].partition("#")[0]
    if "://" in path:  # an absolute-form target (RFC 9112, 3.2.2)
        path = "/" + path.partition("://")[2].partition("/")[2]
    prefix = f"{quote(script_root)}/{surface}/"
    return path[len(prefix) :] if path.startswith(prefix) else None


def url_path(path: str) -> str:
    """How a link or a redirect writes the entity path ``path`` (an IRI's part): every
    character not unreserved percent-encoded, the IRI's own percent-encodings kept, so the
    link names the IRI as sent (see the module)."""
    return quote(path, safe="/%")
