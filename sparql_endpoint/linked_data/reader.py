"""Reading the store from the pages: SELECT and CONSTRUCT run where queries run (the
application's executor, so the time limit applies), IRIs always as bound values."""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from flask import abort

from graph_loader.describe import Select, Term
from sparql_endpoint.context import service
from sparql_endpoint.execution import QueryJob
from sparql_endpoint.executors import Unavailable
from sparql_endpoint.responses import timeout_handler

_JSON = "application/sparql-results+json"
_NQUADS = "application/n-quads"
_NTRIPLES = "application/n-triples"


def _run(job: QueryJob) -> bytes:
    """The whole serialised result of ``job``; 503 past the time limit."""
    svc = service()
    try:
        reply = svc.executor.run(job, timeout_handler(svc))
    except Unavailable as exc:
        abort(503, str(exc))
    if reply.head is None:
        abort(503 if reply.status >= 500 else 500, reply.message)
    return b"".join(reply.chunks())


def select(text: str, bindings: Mapping[str, Term] | None = None) -> list[dict[str, Term]]:
    """Rows of a SELECT (unbound variables left out of each row)."""
    job = QueryJob(
        text,
        media_type=_JSON,
        graph_result=False,
        substitutions=tuple((bindings or {}).items()),
    )
    data = _run(job)
    results = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    if not isinstance(results, ox.QuerySolutions):
        raise TypeError("a SELECT answered with a boolean")
    names = [v.value for v in results.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in results]


def construct(text: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
    """Triples of a CONSTRUCT."""
    job = QueryJob(
        text,
        media_type=_NTRIPLES,
        graph_result=True,
        substitutions=tuple((bindings or {}).items()),
    )
    return list(ox.parse(_run(job), format=ox.RdfFormat.N_TRIPLES))


def selector() -> Select:
    """:func:`select` as a :data:`graph_loader.describe.Select`."""
    return select


class ExecutorStore:
    """The read side of graph_loader's store interface over the executor, so graph_loader
    functions that read a store (``query(text, substitutions=...)``) run from a page."""

    def query(self, text: str, *, substitutions: Mapping[ox.Variable, Term] | None = None):
        bindings = tuple((v.value, t) for v, t in (substitutions or {}).items())
        job = QueryJob(text, media_type=_JSON, graph_result=False, substitutions=bindings)
        return ox.parse_query_results(_run(job), format=ox.QueryResultsFormat.JSON)
