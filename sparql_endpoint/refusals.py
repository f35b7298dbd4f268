"""Refusals a person may read in their own language: the server's one line stays English for
every client (``text/plain``, logs), and a browser's error page shows the same line in the
reader's language from the catalogues (:mod:`sparql_endpoint.interface_text`).

Code that refuses a request with a common reason raises :func:`refuse` with the message
marked by :func:`N_` (so ``make translations`` extracts it) and its values apart:

>>> try:
...     refuse(400, N_("%(name)s must be a whole number from 1 to %(most)s"), name="size", most=500)
... except Refused as exc:
...     exc.code, exc.description, exc.said.values["name"]
(400, 'size must be a whole number from 1 to 500', 'size')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

from werkzeug.exceptions import HTTPException


def N_(text: str) -> str:
    """Mark ``text`` as interface text for the catalogues; it is translated when shown."""
    return text


@dataclass(frozen=True)
class Said:
    """A message with ``%(name)s`` placeholders and the values that fill them; a value that
    is itself a :class:`Said` is a part of the message, shown in the reader's language too.

    >>> why = Said("no run %(x)s", {"x": "'1'"})
    >>> Said("%(name)s: %(why)s", {"name": "a", "why": why}).english()
    "a: no run '1'"
    """

    message: str
    values: Mapping[str, str | Said]

    def english(self) -> str:
        return self.message % {k: _english(v) for k, v in self.values.items()}


def _english(value: str | Said) -> str:
    return value.english() if isinstance(value, Said) else value


class Refused(HTTPException):
    """An HTTP error whose description is a :class:`Said` (its status from ``code``)."""

    def __init__(self, code: int, said: Said):
        super().__init__(said.english())
        self.code = code
        self.said = said


def refuse(code: int, message: str, **values: object) -> NoReturn:
    """Answer ``code`` with ``message`` (marked with :func:`N_`) filled with ``values``."""
    kept = {k: v if isinstance(v, Said) else str(v) for k, v in values.items()}
    raise Refused(code, Said(message, kept))


def joined(parts: list[Said]) -> Said:
    """Several reasons as one line, each in the reader's language (the separator is not
    translated).

    >>> joined([Said("a %(x)s", {"x": "1"}), Said("b", {})]).english()
    'a 1; b'
    """
    message = "; ".join(f"%(part{i})s" for i in range(len(parts)))
    return Said(message, {f"part{i}": part for i, part in enumerate(parts)})


def store_failed(exc: Exception) -> NoReturn:
    """502 naming a remote store that failed or could not be reached, in the store's own
    words after lamcoop's (the same line a protocol query answers with)."""
    refuse(502, N_("the store failed: %(why)s"), why=exc)
