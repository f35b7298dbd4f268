"""What a protocol query asks for (its text, dataset and serialisation) and what the answer
says of itself; and the errors reads raise."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from graph_loader.graphs import INTERNAL_PREFIX
from sparql_endpoint.refusals import Said


class Unavailable(Exception):
    """The query or write could not be run now (the store is busy): ``message`` (marked with
    ``N_``) filled with ``values`` says why, in the reader's language on a page (:attr:`said`)."""

    def __init__(self, message: str, **values: object):
        self.said = Said(message, {k: str(v) for k, v in values.items()})
        super().__init__(self.said.english())


class QueryError(Exception):
    """The store rejected a page's query (syntax or evaluation); the message says why."""


@dataclass(frozen=True)
class QueryJob:
    """A query to run: its text, how to serialise it, and its dataset.

    ``media_type`` is a key of :data:`~sparql_endpoint.negotiation.RESULTS_OFFERS` or
    :data:`~sparql_endpoint.negotiation.GRAPH_OFFERS`. ``default_graphs`` ``None`` means the
    union of the graphs (or, with ``union_default`` false, the dataset the query's FROM
    clauses name); ``""`` in it means the store's own default graph.
    """

    text: str
    media_type: str
    graph_result: bool
    max_rows: int = 0
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default: bool = True
    #: Bound values: (variable name, pyoxigraph term) pairs; each variable must be projected.
    substitutions: tuple[tuple[str, Any], ...] = ()
    #: The query names a SERVICE: any failure is answered as a failed outbound call.
    calls_out: bool = False
    #: Seconds the answer may take, sent whole (0: the store's own timeout). The served
    #: executor stops the query at its limit; this bounds an answer streamed after it.
    time_limit: float = 0.0


@dataclass(frozen=True)
class Head:
    """What the answer says of the result: whether it was cut, and to how many rows."""

    truncated: bool = False
    rows: int | None = None


def dataset_options(job: QueryJob) -> dict[str, Any]:
    """The store's query options for the job's dataset, base IRI and bound values."""
    options: dict[str, Any] = {}
    if not job.union_default:
        options["use_default_graph_as_union"] = False
    if job.default_graphs is not None:
        options["default_graph"] = [
            ox.NamedNode(g) if g else ox.DefaultGraph() for g in job.default_graphs
        ]
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.base_iri:
        options["base_iri"] = job.base_iri
    if job.substitutions:
        options["substitutions"] = {ox.Variable(name): term for name, term in job.substitutions}
    return options


#: The graph a query over a store with no published graph is given as its dataset: an
#: internal name that never holds data (an empty list would mean the engine's own dataset).
NO_GRAPH = INTERNAL_PREFIX + "no-graph"


def over_published(job: QueryJob, published: Iterable[str]) -> QueryJob:
    """``job`` with the union of the store's graphs named graph by graph as its dataset
    (``published``: the store's graphs, internal ones left out), for a store whose union
    holds its internal graphs too: a remote store keeps its data version there, and a load's
    markers and staging graphs while queries run. A job with a dataset of its own (the
    protocol's, or the query's ``FROM``) is returned as it is.

    >>> job = QueryJob("SELECT * {}", "text/csv", graph_result=False)
    >>> over_published(job, ["http://b", "http://a"]).named_graphs
    ('http://a', 'http://b')
    >>> over_published(job, []).default_graphs == (NO_GRAPH,)
    True
    """
    if not job.union_default or job.default_graphs is not None or job.named_graphs is not None:
        return job
    graphs = tuple(sorted(published))
    return replace(
        job, default_graphs=graphs or (NO_GRAPH,), named_graphs=graphs, union_default=False
    )
