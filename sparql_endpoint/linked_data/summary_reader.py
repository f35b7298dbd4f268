"""The pages' way to the summary and the text index (:mod:`graph_loader.index`): opened
read-only from the store's read view, inside the executor's read block, so it is the index
of the same version of the data the block sees, under the same lock and time limit.

Also the one form of a list page's key (``after=``), which readers cannot make invalid
without getting a 400.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import sqlite3
from collections.abc import Iterator

from graph_loader.index.db import open_reading
from sparql_endpoint.linked_data import reader
from sparql_endpoint.refusals import N_, refuse


@contextlib.contextmanager
def summary() -> Iterator[sqlite3.Connection | None]:
    """The index for this read block (``None`` when the store was never built)."""
    with reader.reading() as view:
        conn = open_reading(view)
        try:
            yield conn
        finally:
            if conn is not None:
                conn.close()


def encode_key(key: tuple[str, str]) -> str:
    """A list page's key as a URL-safe token.

    >>> decode_key(encode_key(("bibliotheque", "https://ex.org/a")))
    ('bibliotheque', 'https://ex.org/a')
    """
    raw = json.dumps(list(key), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_key(token: str | None) -> tuple[str, str] | None:
    """The key a token carries; 400 naming the parameter for one this server did not make."""
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key = json.loads(raw.decode())
        if isinstance(key, list) and len(key) == 2 and all(isinstance(k, str) for k in key):
            return key[0], key[1]
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    refuse(400, N_("after= is not a key this server gave (follow the page's next link)"))
