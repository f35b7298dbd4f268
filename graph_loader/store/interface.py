"""The store interface every caller types against, and what it says about graphs.

A backend (the embedded pyoxigraph store in :mod:`graph_loader.store.embedded`; a remote
SPARQL 1.1 store, spoken to over the SPARQL and Graph Store protocols, later) implements
:class:`Store`. Nothing outside this package touches a backend's own objects: values cross
the interface as text, bytes and pyoxigraph terms, quads and formats.

:class:`ReadableStore` is the reading half, what functions that only read take (a service
can hand them a read view that runs under its own locks and time limit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import pyoxigraph as ox

# The store's errors are defined with its layout (staging raises them) and named here.
from graph_loader.store.layout import InternalGraphError as InternalGraphError
from graph_loader.store.layout import StoreError as StoreError
from graph_loader.store.staging import PendingLoad, StagedLoad

#: A graph of a query's dataset: a named graph, or the store's own default graph.
DatasetGraph = ox.NamedNode | ox.DefaultGraph
#: What a load reads: bytes, a binary reader, a file, or (with ``format=None``) quads.
Source = IO[bytes] | bytes | Path | Iterable[ox.Quad]


@dataclass(frozen=True)
class GraphInfo:
    """A named graph and the number of triples in it."""

    iri: str
    triples: int


@dataclass
class EntityQuads:
    """An entity's description as quads (see :mod:`graph_loader.store.describing`): its own
    statements, the blank nodes near it, the labels of what it points to, and one page of
    the statements pointing at it with their subjects' labels, out of ``incoming_total``."""

    outgoing: list[ox.Quad] = field(default_factory=list)
    closure: list[ox.Quad] = field(default_factory=list)
    labels: list[ox.Quad] = field(default_factory=list)
    incoming: list[ox.Quad] = field(default_factory=list)
    incoming_labels: list[ox.Quad] = field(default_factory=list)
    incoming_total: int = 0


@runtime_checkable
class ExpandingFunctions(Protocol):
    """Custom functions that can also be written into a query as bound values, for an
    engine that cannot call them (a remote store: :mod:`graph_loader.index.sparql_remote`)."""

    def expand(self, sparql: str) -> str:
        """``sparql`` with each call of these functions replaced by what it stands for."""
        ...


@runtime_checkable
class ReadableStore(Protocol):
    """What a caller that only reads may ask of a store."""

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        default_graph: DatasetGraph | Sequence[DatasetGraph] | None = None,
        named_graphs: Sequence[ox.NamedNode] | None = None,
        use_default_graph_as_union: bool | None = None,
        base_iri: str | None = None,
        custom_functions: Mapping[ox.NamedNode, Callable[..., Any]] | None = None,
    ) -> Any:
        """Run a SPARQL query: pyoxigraph's solutions, boolean or triples.

        The default graph is the union of the named graphs unless ``default_graph`` is
        given or ``use_default_graph_as_union`` is false (then the query's FROM clauses, or
        the store's own default graph, make the dataset). ``substitutions`` binds variables
        to terms: IRIs reach queries this way, never as query text. ``custom_functions``
        are extension functions by IRI (the text functions of :mod:`graph_loader.index.sparql`).
        """
        ...

    def graphs(self) -> list[GraphInfo]:
        """Every named graph with its triple count, sorted by IRI (internal graphs left out)."""
        ...

    def triple_count(self, graph: str) -> int:
        """How many triples ``graph`` holds (0 when it does not exist)."""
        ...

    def has_graph(self, graph: str) -> bool:
        """Whether the store has a named graph ``graph`` (empty or not)."""
        ...

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """Every quad of the store, or those of one named graph."""
        ...

    def dump_graph(self, graph: str, *, format: ox.RdfFormat) -> bytes:
        """The triples of ``graph`` serialised in ``format`` (a triple format)."""
        ...

    def describe_entity(self, iri: str, *, offset: int, limit: int) -> EntityQuads:
        """The description of ``iri`` with the statements pointing at it from ``offset``,
        ``limit`` of them (:mod:`graph_loader.store.describing`): the embedded store reads
        it by pattern look-ups, a remote one in one query."""
        ...

    def side_file(self, name: str) -> Path:
        """Where a file of data derived from the store (the summary and text index) is kept:
        in the store's directory, or for an in-memory store in a temporary directory that
        lives as long as the store object."""
        ...


@runtime_checkable
class Store(ReadableStore, Protocol):
    """What callers may ask of a store, local or remote: reads, writes and atomic loads."""

    #: Whether writes are refused (they raise :class:`StoreError`).
    read_only: bool

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction."""
        ...

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction (for small, generated graphs)."""
        ...

    def create_graph(self, graph: str) -> None:
        """Make ``graph`` exist, empty if it is new (SPARQL's CREATE SILENT GRAPH)."""
        ...

    def load_graph(
        self,
        source: IO[bytes] | bytes,
        *,
        graph: str,
        format: ox.RdfFormat,
        base_iri: str | None = None,
    ) -> list[str]:
        """Add the data to ``graph`` (quad formats: to the graphs they name) atomically.

        Returns the graphs written.
        """
        ...

    def replace_graph(
        self,
        source: IO[bytes] | bytes,
        *,
        graph: str,
        format: ox.RdfFormat,
        base_iri: str | None = None,
    ) -> list[str]:
        """Replace ``graph`` (and any graph a quad format names) with the data, in one step."""
        ...

    def stage(
        self,
        source: Source,
        *,
        graph: str,
        format: ox.RdfFormat | None,
        base_iri: str | None = None,
        replace: bool = True,
        keep: frozenset[str] = frozenset(),
    ) -> StagedLoad:
        """Write the data where queries cannot see it; :meth:`StagedLoad.publish` shows it.
        A store that reads the triples itself keeps those whose predicate is in ``keep``
        in :attr:`StagedLoad.kept` for the graphs whose whole new content they are."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove ``graph`` and its triples (nothing happens when it does not exist)."""
        ...

    def clear_default_graph(self) -> None:
        """Remove every triple of the store's own default graph."""
        ...

    def pending_loads(self) -> list[PendingLoad]:
        """Every load not yet finished: interrupted, or being published."""
        ...

    def internal_graphs(self) -> dict[str, int]:
        """The store's own bookkeeping graphs (empty ones too) with their triple counts."""
        ...

    def recover(self) -> None:
        """Finish loads that passed their commit point; undo the others."""
        ...

    def clean_internal(self, graph: str) -> None:
        """Undo what a user's update wrote to the internal graph ``graph`` (see
        :meth:`internal_graphs`): drop it, or, where other writers' loads keep markers in
        it, only what is not theirs."""
        ...

    def flush(self) -> None:
        """Make what was written durable before going on."""
        ...

    def close(self) -> None:
        """Release the store (writes are made durable first); closing twice is harmless."""
        ...
