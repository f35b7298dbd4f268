"""Running one query against a store and sending the serialised result as messages.

This runs in the serving process under the watchdog (see :mod:`sparql_endpoint.direct`) or,
for a store handed to the app in memory, plainly in the request thread. The result is
serialised by pyoxigraph's own writers into chunks; the first message says whether the
result is whole or was cut.

Messages, in order: ``("head", Head)``, then ``("chunk", bytes)``..., then ``("done",)``;
or, for a result that fits in one chunk, the single message ``("whole", Head, bytes)``;
or ``("error", status, text)`` before anything was sent; or ``("abort", text)`` after.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph_loader.store import Store
from sparql_endpoint.negotiation import GRAPH_OFFERS, RESULTS_OFFERS

#: The size of a chunk: a result smaller than this comes as one ``whole`` message; larger
#: ones come in chunks (which the executor keeps in a temporary file until the end).
CHUNK_BYTES = 256 * 1024

Send = Callable[[tuple[Any, ...]], None]


@dataclass(frozen=True)
class QueryJob:
    """A query to run: its text, how to serialise it, and its dataset.

    ``media_type`` is a key of :data:`RESULTS_OFFERS` or :data:`GRAPH_OFFERS`.
    ``default_graphs`` ``None`` means the union of the graphs (or, with ``union_default``
    false, the dataset the query's FROM clauses name); ``""`` in it means the store's own
    default graph.
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


@dataclass(frozen=True)
class Head:
    """What the first message tells the web tier about the result."""

    truncated: bool = False
    rows: int | None = None


class _ChunkWriter:
    """A binary writer pyoxigraph serialises into; it sends full chunks as messages."""

    def __init__(self, send: Send, head: Head):
        self.send = send
        self.head = head
        self.buffer = bytearray()
        self.started = False

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self._send_chunk()
        return len(data)

    def flush(self) -> None:
        """Called by pyoxigraph's serialisers; what is buffered is sent by :meth:`finish`."""

    def _send_chunk(self) -> None:
        if not self.started:
            self.send(("head", self.head))
            self.started = True
        if self.buffer:
            self.send(("chunk", bytes(self.buffer)))
            self.buffer.clear()

    def finish(self) -> None:
        """Send the rest: one ``whole`` message when nothing was sent yet (one hand-off)."""
        if not self.started:
            self.started = True
            self.send(("whole", self.head, bytes(self.buffer)))
            return
        self._send_chunk()
        self.send(("done",))


def dataset_options(job: QueryJob) -> dict[str, Any]:
    """pyoxigraph's dataset options for the job's default and named graphs."""
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


def execute(store: Store, job: QueryJob, send: Send) -> None:
    """Run ``job`` on ``store`` and send the result (or the error) as messages."""
    try:
        results = store.query(job.text, **dataset_options(job))
    except SyntaxError as exc:
        send(("error", 400, f"query syntax error: {exc}"))
        return
    except (OSError, ValueError, TypeError, RuntimeError) as exc:  # Runtime: unknown function
        send(("error", 400, f"query failed: {exc}"))
        return
    writer: _ChunkWriter | None = None
    try:
        results, head = _capped(results, job)
        writer = _ChunkWriter(send, head)
        _serialize(results, job, writer)
    except Exception as exc:  # evaluation errors surface while results are read
        if writer is not None and writer.started:
            send(("abort", f"query failed while streaming: {exc}"))
        else:
            send(("error", 400, f"query failed: {exc}"))
        return
    writer.finish()


class _RowsFull(Exception):
    """Raised by :class:`_TsvRows` once it holds more rows than the cap."""


class _TsvRows:
    """A writer for pyoxigraph's TSV serialiser that stops it past ``limit`` rows."""

    def __init__(self, limit: int):
        self.limit = limit
        self.data = bytearray()
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.data += data
        self.lines += data.count(b"\n")  # TSV escapes newlines in terms: one line, one row
        if self.lines > self.limit + 1:
            raise _RowsFull
        return len(data)

    def flush(self) -> None:
        """Nothing to do: the rows are read from :attr:`data`."""


def _capped(results: Any, job: QueryJob) -> tuple[Any, Head]:
    """SELECT results cut to ``max_rows`` (written and re-read as TSV natively), and the head."""
    if not isinstance(results, ox.QuerySolutions) or job.max_rows <= 0:
        return results, Head()
    rows = _TsvRows(job.max_rows)
    with contextlib.suppress(_RowsFull):
        # pyoxigraph writes to any object with write(); its stub asks for typing.IO.
        results.serialize(output=rows, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    data = bytes(rows.data)
    truncated = rows.lines > job.max_rows + 1
    if truncated:  # keep the header line and the first max_rows rows
        data = b"\n".join(data.split(b"\n", job.max_rows + 1)[:-1]) + b"\n"
    capped = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    return capped, Head(truncated=truncated, rows=min(rows.lines - 1, job.max_rows))


def _serialize(results: Any, job: QueryJob, writer: _ChunkWriter) -> None:
    if isinstance(results, ox.QueryTriples):
        if not job.graph_result:
            raise ValueError("this query returns a graph")
        fmt = GRAPH_OFFERS.by_media_type[job.media_type]
        # pyoxigraph writes to any object with write(); its stub asks for typing.IO.
        results.serialize(output=writer, format=fmt)  # type: ignore[arg-type]
        return
    if job.graph_result:
        raise ValueError("this query returns results, not a graph")
    results.serialize(output=writer, format=RESULTS_OFFERS.by_media_type[job.media_type])
