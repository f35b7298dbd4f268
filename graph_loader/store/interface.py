"""The store interface every caller types against, and what it says about graphs.

A backend (the embedded pyoxigraph store in :mod:`graph_loader.store.embedded`; a remote
SPARQL 1.1 store later) implements :class:`Store`. Nothing outside this package touches a
backend's own objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Protocol

import pyoxigraph as ox


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message says why."""


@dataclass(frozen=True)
class GraphInfo:
    """A named graph and the number of triples in it."""

    iri: str
    triples: int


class Store(Protocol):
    """What callers may ask of a store, local or remote."""

    read_only: bool

    def query(self, sparql: str, **options: Any) -> Any: ...

    def update(self, sparql: str, **options: Any) -> None: ...

    def load_graph(
        self,
        source: IO[bytes] | bytes,
        *,
        graph: str,
        format: ox.RdfFormat,
        base_iri: str | None = None,
    ) -> list[str]: ...

    def replace_graph(
        self,
        source: IO[bytes] | bytes,
        *,
        graph: str,
        format: ox.RdfFormat,
        base_iri: str | None = None,
    ) -> list[str]: ...

    def stage(
        self,
        source: Any,
        *,
        graph: str,
        format: ox.RdfFormat | None,
        base_iri: str | None = None,
        replace: bool = True,
    ) -> Any: ...

    def drop_graph(self, graph: str) -> None: ...

    def graphs(self) -> list[GraphInfo]: ...

    def triple_count(self, graph: str) -> int: ...

    def has_graph(self, graph: str) -> bool: ...

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]: ...

    def close(self) -> None: ...
