"""A protocol query's answer: the result as pyoxigraph's own writers serialise it.

:func:`respond` runs a :class:`~sparql_endpoint.executor.jobs.QueryJob` and serialises its
result into a :class:`Reply`: a small result is kept whole in memory; a larger one goes, in
chunks, to a spool (a temporary file), so nothing is sent before the query has finished and
an error that surfaces while the result is written is still a clean 400. SELECT results are
cut to the job's ``max_rows``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

import pyoxigraph as ox

from graph_loader.index.sparql import TextFunctions
from graph_loader.store import ReadableStore
from sparql_endpoint.executor.jobs import Head, QueryJob, dataset_options
from sparql_endpoint.negotiation import GRAPH_OFFERS, RESULTS_OFFERS

#: The size of a chunk: a result smaller than this is kept whole in memory; larger ones are
#: written to the spool in pieces of about this size.
CHUNK_BYTES = 256 * 1024

#: Extension functions by IRI, as pyoxigraph takes them.
Functions = Mapping[ox.NamedNode, Callable[..., Any]]
#: Makes a new, empty spool.
Spool = Callable[[], IO[bytes]]


class Reply:
    """A query's answer: its head (or error) and its body.

    ``status``/``message`` are set when the query failed; ``body`` is the whole result when
    it is small; otherwise ``spool`` holds it (``length`` bytes) and :meth:`chunks` reads it.
    """

    def __init__(
        self,
        head: Head | None,
        status: int = 200,
        message: str = "",
        body: bytes | None = None,
        spool: IO[bytes] | None = None,
    ):
        self.head = head
        self.status = status
        self.message = message
        self.body = body
        self.spool = spool
        self.length = len(body) if body is not None else _size(spool)

    @classmethod
    def failed(cls, status: int, message: str) -> Reply:
        """The answer to a query that could not be run."""
        return cls(None, status, message)

    def chunks(self) -> Iterator[bytes]:
        """The body, piece by piece (the spool is closed at the end, or when abandoned)."""
        if self.body is not None:
            yield self.body
            return
        if self.spool is None:
            return
        try:
            self.spool.seek(0)
            while piece := self.spool.read(CHUNK_BYTES):
                yield piece
        finally:
            self.close()

    def close(self) -> None:
        """Release the spool (once the body is sent, or when it will not be)."""
        if self.spool is not None:
            self.spool.close()


def _size(spool: IO[bytes] | None) -> int | None:
    if spool is None:
        return None
    spool.seek(0, 2)
    return spool.tell()


class _Body:
    """A binary writer pyoxigraph serialises into: memory up to a chunk, then the spool."""

    def __init__(self, spool: Spool):
        self._spool = spool
        self.buffer = bytearray()
        self.file: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            if self.file is None:
                self.file = self._spool()
            self.file.write(self.buffer)
            self.buffer.clear()
        return len(data)

    def flush(self) -> None:
        """Called by pyoxigraph's serialisers; what is buffered is kept by :meth:`reply`."""

    def reply(self, head: Head) -> Reply:
        """The whole body: in memory when it never filled a chunk, else in the spool."""
        if self.file is None:
            return Reply(head, body=bytes(self.buffer))
        self.file.write(self.buffer)
        return Reply(head, spool=self.file)

    def discard(self) -> None:
        """Drop a partly written spool."""
        if self.file is not None:
            self.file.close()


def respond(store: ReadableStore, job: QueryJob, *, spool: Spool) -> Reply:
    """Run ``job`` on ``store`` with lamcoop's text functions (:mod:`graph_loader.index.sparql`):
    its serialised result, or a 400 naming the problem."""
    with TextFunctions(store) as text:
        return _respond(store, job, spool, text.functions)


def _respond(store: ReadableStore, job: QueryJob, spool: Spool, functions: Functions) -> Reply:
    try:
        results = store.query(job.text, custom_functions=functions, **dataset_options(job))
    except SyntaxError as exc:
        return Reply.failed(400, f"query syntax error: {exc}")
    except (OSError, ValueError, TypeError, RuntimeError) as exc:  # Runtime: unknown function
        return Reply.failed(400, f"query failed: {exc}")
    body = _Body(spool)
    try:
        results, head = _capped(results, job)
        _serialize(results, job, body)
    except Exception as exc:  # evaluation errors surface while results are read
        body.discard()
        where = " while streaming" if body.file is not None else ""
        return Reply.failed(400, f"query failed{where}: {exc}")
    except BaseException:
        body.discard()
        raise
    return body.reply(head)


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
        # pyoxigraph writes to any object with write(); its stubs name only IO[bytes].
        results.serialize(output=rows, format=ox.QueryResultsFormat.TSV)  # type: ignore[arg-type]
    data = bytes(rows.data)
    truncated = rows.lines > job.max_rows + 1
    if truncated:  # keep the header line and the first max_rows rows
        data = b"\n".join(data.split(b"\n", job.max_rows + 1)[:-1]) + b"\n"
    capped = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    return capped, Head(truncated=truncated, rows=min(rows.lines - 1, job.max_rows))


def _serialize(results: Any, job: QueryJob, body: _Body) -> None:
    if isinstance(results, ox.QueryTriples):
        if not job.graph_result:
            raise ValueError("this query returns a graph")
        fmt = GRAPH_OFFERS.by_media_type[job.media_type]
        results.serialize(output=body, format=fmt)  # type: ignore[arg-type]  # any write()
        return
    if job.graph_result:
        raise ValueError("this query returns results, not a graph")
    results.serialize(output=body, format=RESULTS_OFFERS.by_media_type[job.media_type])
