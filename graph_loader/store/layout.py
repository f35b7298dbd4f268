"""Where the store keeps its own bookkeeping: the internal graphs and their IRIs."""

from __future__ import annotations

import pyoxigraph as ox

PENDING_GRAPH = "urn:lamcoop:pending-loads"
STAGING_PREFIX = "urn:lamcoop:staging:"
CHUNK_QUADS = 200_000
_PENDING = "urn:lamcoop:pending#"


def term(iri: str) -> str:
    """An IRI written for update text by pyoxigraph itself (validated and escaped)."""
    return str(ox.NamedNode(iri))


def internal(iri: str) -> bool:
    return iri == PENDING_GRAPH or iri.startswith(STAGING_PREFIX)


def count(rows) -> int:
    first = next(iter(rows), None)
    return 0 if first is None else int(first["n"].value)
