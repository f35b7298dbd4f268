"""Where the store keeps its own bookkeeping: the internal graphs and their IRIs."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pyoxigraph as ox

from graph_loader.graphs import INTERNAL_PREFIX

PENDING_GRAPH = "urn:lamcoop:pending-loads"
STAGING_PREFIX = "urn:lamcoop:staging:"
_PENDING = "urn:lamcoop:pending#"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why."""


class InternalGraphError(StoreError):
    """A request named one of the store's bookkeeping graphs (under ``urn:lamcoop:``)."""

    def __init__(self, graph: str):
        super().__init__(f"<{graph}> is an internal graph of the store: it cannot be written")
        self.graph = graph


def refuse_internal(iri: str) -> None:
    """Raise :class:`InternalGraphError` if ``iri`` is an internal graph."""
    if internal(iri):
        raise InternalGraphError(iri)


def term(iri: str) -> str:
    """An IRI written for update text by pyoxigraph itself (validated and escaped)."""
    return str(ox.NamedNode(iri))


def internal(iri: str) -> bool:
    """Whether ``iri`` is one of the store's bookkeeping graphs (the catalogue's internal
    prefix): no load, import, update or Graph Store request may read or write one."""
    return iri.startswith(INTERNAL_PREFIX)


def count(rows) -> int:
    first = next(iter(rows), None)
    return 0 if first is None else int(first["n"].value)


#: The file, in the store's directory, holding the key that seals pending-load markers.
MARKER_KEY_FILE = "lamcoop-marker.key"


def marker_key(path: Path | None) -> bytes:
    """The key sealing this store's pending-load markers: kept in the store's directory
    (made on first use, readable by its owner only), random per process for a store in
    memory. Nothing that writes RDF can read or write it, so no file, update or request
    can seal a marker: recovery acts on sealed markers only."""
    if path is None:
        return os.urandom(32)
    key_file = path / MARKER_KEY_FILE
    try:
        with open(key_file, "xb", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
            key = os.urandom(32)
            handle.write(key)
            return key
    except FileExistsError:
        return key_file.read_bytes()


def seal(key: bytes, marker: str, target: str, physical: str, mode: str) -> str:
    """The seal of a marker: an HMAC of what recovery would act on."""
    message = "\n".join((marker, target, physical, mode)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


#: The store's count of read-write sessions, a side file every read-write close bumps: how
#: a server serving the store learns of a write by another process (``lamcoop load`` run
#: beside ``lamcoop serve``), and so drops what it made from the data before.
WRITES_FILE = "lamcoop-writes"


def written(path: Path) -> tuple[int, float]:
    """How many read-write sessions of the store at ``path`` have ended, and when the last
    did (seconds since the epoch; 0 when none has).

    >>> import tempfile
    >>> where = Path(tempfile.mkdtemp())
    >>> written(where)
    (0, 0.0)
    >>> count_write(where); count_write(where); written(where)[0]
    2
    """
    try:
        info = os.stat(path / WRITES_FILE)
        return int((path / WRITES_FILE).read_text("ascii").strip() or 0), info.st_mtime
    except (OSError, ValueError):
        return 0, 0.0


def count_write(path: Path) -> None:
    """Bump the count of read-write sessions, after the session's data is on disk (the
    file is replaced whole; two sessions ending at once may count once, which still
    changes the count a reader saw before either)."""
    temporary = path / f".{WRITES_FILE}.{os.getpid()}"
    temporary.write_text(str(written(path)[0] + 1), "ascii")
    os.replace(temporary, path / WRITES_FILE)
