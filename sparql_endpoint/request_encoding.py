"""Every request's text is UTF-8, or it is refused: its path, its query string and a form
body.

werkzeug reads bytes that are not UTF-8 without a word: the path gets U+FFFD in their place,
a query parameter or form field keeps them percent-encoded as text (``%FF``). A query sent
in Latin-1 (``"caf%E9"``) would then run on other text than the client's and answer 200,
wrongly. Here such a request is a 400 naming the place (the path, or the parameter or field)
and the byte.

>>> form_problem(b"query=ASK%7B%7D&lang=fa", QUERY_STRING) is None
True
>>> form_problem(b"lang=fa&query=SELECT+%22caf%E9%22", QUERY_STRING).english()
'the query string is not UTF-8: byte 0xE9 at byte 12 of query='
>>> form_problem(b"caf%E9=1", FORM_BODY).english()
'the form body is not UTF-8: byte 0xE9 at byte 4 of caf\\\\xe9'
>>> path_problem("/doc/caf\\xe9.ttl".encode("latin-1")).english()
'the path is not UTF-8: byte 0xE9 at byte 9'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes

from flask import abort, request

from sparql_endpoint.negotiation import FORM_TYPE
from sparql_endpoint.refusals import N_, Refused, Said

PATH = N_("the path is not UTF-8: byte %(byte)s at byte %(at)s")
QUERY_STRING = N_("the query string is not UTF-8: byte %(byte)s at byte %(at)s of %(field)s")
#: A percent escape of a byte over 0x7F: only then may a decoded name or value not be UTF-8.
_HIGH_ESCAPE = re.compile(rb"%[89a-fA-F][0-9a-fA-F]")
FORM_BODY = N_("the form body is not UTF-8: byte %(byte)s at byte %(at)s of %(field)s")


def path_problem(path: bytes) -> Said | None:
    """Why ``path`` (percent-decoded, as the server hands it on) is not UTF-8, or ``None``."""
    try:
        path.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Said(PATH, {"byte": f"0x{path[exc.start]:02X}", "at": str(exc.start + 1)})
    return None


def form_problem(encoded: bytes, message: str) -> Said | None:
    """Why ``encoded`` (``application/x-www-form-urlencoded``, as a query string or a form
    body is) holds a name or value that is not UTF-8 once decoded, with ``message`` naming
    the field (``name=`` for its value, the name alone for the name); or ``None``. (The
    whole is decoded first: it is valid exactly when every name and value is, ``&`` and
    ``=`` being ASCII, and most requests are.)"""
    if encoded.isascii() and not _HIGH_ESCAPE.search(encoded):
        return None  # every byte ASCII once decoded: most requests, found by C loops
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    for pair in encoded.split(b"&"):
        name, _, value = pair.partition(b"=")
        field = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "backslashreplace")
        for part, place in ((name, field), (value, f"{field}=")):
            raw = unquote_to_bytes(part.replace(b"+", b" "))
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                at = {"byte": f"0x{raw[exc.start]:02X}", "at": str(exc.start + 1)}
                return Said(message, {**at, "field": place})
    return None


def require_utf8(params: Mapping[str, str], *, part: str = "") -> None:
    """415 when a body's media type declares a charset other than UTF-8 (``params``: the
    media type's parameters): SPARQL texts, and every RDF syntax the store parses, are
    UTF-8 only (RDF/XML included: its parser reads no other encoding)."""
    charset = params.get("charset", "utf-8")
    if charset.lower() not in ("utf-8", "utf8"):
        abort(415, f"send {part or 'the body'} as UTF-8, not {charset}")


def refuse_undecodable() -> None:
    """400 for a request whose path, query string or form body is not UTF-8, 415 for a
    form declared in another charset (a ``before_request`` of the app: no route reads text
    werkzeug would have altered)."""
    environ = request.environ
    said = path_problem(environ.get("PATH_INFO", "").encode("latin-1"))
    said = said or form_problem(environ.get("QUERY_STRING", "").encode("latin-1"), QUERY_STRING)
    if said is None and request.mimetype == FORM_TYPE:
        require_utf8(request.mimetype_params)
        said = form_problem(request.get_data(cache=True), FORM_BODY)
    if said is not None:
        raise Refused(400, said)
