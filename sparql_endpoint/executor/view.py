"""The store as one read block sees it: a read-only store, plus rows and triples as terms.

A :class:`ReadView` is what :meth:`~sparql_endpoint.executor.core.Executor.reading` hands
out: it runs on the executor's handle while the block holds the read lock and the time
limit, and gives pyoxigraph's terms as they come from the engine (no serialising, no
parsing). It refuses to be used once its block has ended, and lazy results (``query``,
``quads``) must be read inside the block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph_loader.describe import Term
from graph_loader.store import GraphInfo, ReadableStore
from graph_loader.store.interface import DatasetGraph, EntityQuads
from graph_loader.store.remote import RemoteStore
from graph_loader.store.remote_answers import EngineAnswer
from sparql_endpoint.executor.jobs import QueryError

#: A SELECT's rows: each variable bound in a row, with its term.
Rows = list[dict[str, Term]]
#: What pyoxigraph raises for a query it cannot parse or evaluate.
QUERY_ERRORS = (SyntaxError, OSError, ValueError, TypeError, RuntimeError)


class ReadView:
    """A :class:`~graph_loader.store.ReadableStore` valid for one read block."""

    def __init__(self, store: ReadableStore):
        self._store: ReadableStore | None = store

    def close(self) -> None:
        """End the view with its block."""
        self._store = None

    def _live(self) -> ReadableStore:
        if self._store is None:
            raise RuntimeError("a read view was used after its read block ended")
        return self._store

    # -- rows and triples as terms -------------------------------------------------------
    def select(self, text: str, bindings: Mapping[str, Term] | None = None) -> Rows:
        """Rows of a SELECT (unbound variables left out of each row); raises
        :class:`QueryError`. A :data:`graph_loader.describe.Select`."""
        try:
            results = self._live().query(text, substitutions=_bound(bindings))
            if not isinstance(results, ox.QuerySolutions):
                raise ValueError("this query does not return rows")
            names = [v.value for v in results.variables]
            return [_bound_row(names, row) for row in results]
        except QUERY_ERRORS as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def construct(self, text: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        """Triples of a CONSTRUCT (or DESCRIBE); raises :class:`QueryError`."""
        try:
            results = self._live().query(text, substitutions=_bound(bindings))
            if not isinstance(results, ox.QueryTriples):
                raise ValueError("this query does not return a graph")
            return list(results)
        except QUERY_ERRORS as exc:
            raise QueryError(f"query failed: {exc}") from exc

    # -- the read side of the store interface --------------------------------------------
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
        """The store's own query (see :meth:`graph_loader.store.ReadableStore.query`)."""
        return self._live().query(
            sparql,
            substitutions=substitutions,
            default_graph=default_graph,
            named_graphs=named_graphs,
            use_default_graph_as_union=use_default_graph_as_union,
            base_iri=base_iri,
            custom_functions=custom_functions,
        )

    def engine_answer(
        self, sparql: str, media_type: str, *, seconds: float | None, **dataset: Any
    ) -> EngineAnswer | None:
        """A remote engine's own answer in ``media_type``, to pass on as its bytes
        (:meth:`RemoteStore.engine_answer`); ``None`` for any other store, or where the
        engine's bytes cannot stand as lamcoop's answer."""
        store = self._live()
        if not isinstance(store, RemoteStore):
            return None
        return store.engine_answer(sparql, media_type, seconds=seconds, **dataset)

    @property
    def union_holds_internal(self) -> bool:
        """Whether the union of the store's graphs holds its internal graphs as queries
        see it (a remote store's; the embedded store's hold data only while a write is
        under way, and reads do not run meanwhile)."""
        return isinstance(self._live(), RemoteStore)

    def graphs(self) -> list[GraphInfo]:
        """Every named graph with its triple count."""
        return self._live().graphs()

    def triple_count(self, graph: str) -> int:
        """How many triples ``graph`` holds."""
        return self._live().triple_count(graph)

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph exists."""
        return self._live().has_graph(graph)

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """Every quad, or those of one graph (read them inside the block)."""
        return self._live().quads(graph)

    def dump_graph(self, graph: str, *, format: ox.RdfFormat) -> bytes:
        """The triples of ``graph`` serialised in ``format``."""
        return self._live().dump_graph(graph, format=format)

    def side_file(self, name: str) -> Path:
        """Where the store keeps the side file ``name``."""
        return self._live().side_file(name)

    def describe_entity(self, iri: str, *, offset: int, limit: int) -> EntityQuads:
        """The store's description of ``iri`` (its incoming statements ``offset`` to
        ``offset + limit``); raises :class:`QueryError`."""
        try:
            return self._live().describe_entity(iri, offset=offset, limit=limit)
        except QUERY_ERRORS as exc:
            raise QueryError(f"description failed: {exc}") from exc


def _bound_row(names: list[str], row: ox.QuerySolution) -> dict[str, Term]:
    """The row's bound variables and their terms (a solution iterates its values in order)."""
    return {n: v for n, v in zip(names, row, strict=True) if v is not None}


def _bound(bindings: Mapping[str, Term] | None) -> dict[ox.Variable, Term] | None:
    return {ox.Variable(name): term for name, term in bindings.items()} if bindings else None
