"""A protocol query's answer: the result as pyoxigraph's own writers serialise it.

:func:`serialised` runs a :class:`~sparql_endpoint.executor.jobs.QueryJob` and serialises
its result into a :class:`Reply` (called by :mod:`~sparql_endpoint.executor.passthrough`
where a remote engine's own bytes cannot be passed on): a small result is kept whole in
memory; a larger one goes, in chunks, to a spool (a temporary file), so nothing is sent
before the query has finished and an error that surfaces while the result is written is
still a clean 400. SELECT results are
cut to the job's ``max_rows`` (0: no cap), and a cut is stated in the body where the format
has a place for it (:func:`cut_statement`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import IO, Any

import pyoxigraph as ox

from graph_loader.store import ReadableStore
from sparql_endpoint.executor.jobs import Head, QueryJob, dataset_options
from sparql_endpoint.negotiation import GRAPH_OFFERS, RESULTS_OFFERS
from sparql_endpoint.outbound import OUTBOUND_FAILURE, failed_outbound
from sparql_endpoint.refusals import N_, Said

#: The size of a chunk: a result smaller than this is kept whole in memory; larger ones are
#: written to the spool in pieces of about this size.
CHUNK_BYTES = 256 * 1024

#: Extension functions by IRI, as pyoxigraph takes them.
Functions = Mapping[ox.NamedNode, Callable[..., Any]]
#: Makes a new, empty spool.
Spool = Callable[[], IO[bytes]]


class Reply:
    """A query's answer: its head (or error) and its body.

    ``status``/``said`` are set when the query failed; ``body`` is the whole result when
    it is small; otherwise ``spool`` holds it (``length`` bytes) and :meth:`chunks` reads
    it. An answer passed on from a remote engine (:mod:`~sparql_endpoint.executor.passthrough`)
    has its first bytes in ``body`` and the rest in ``stream``, as the engine sends it
    (``length`` unknown).
    """

    def __init__(
        self,
        head: Head | None,
        status: int = 200,
        said: Said | None = None,
        body: bytes | None = None,
        spool: IO[bytes] | None = None,
        stream: Iterator[bytes] | None = None,
    ):
        self.head = head
        self.status = status
        self.said = said
        self.body = body
        self.spool = spool
        self.stream = stream
        self.length = (
            None if stream is not None else len(body) if body is not None else _size(spool)
        )

    @classmethod
    def failed(cls, status: int, said: Said) -> Reply:
        """The answer to a query that could not be run, and why (:attr:`said`: a page says
        it in the reader's language)."""
        return cls(None, status, said)

    @property
    def message(self) -> str:
        """Why the query failed, in English (empty for an answer)."""
        return self.said.english() if self.said is not None else ""

    def chunks(self) -> Iterator[bytes]:
        """The body, piece by piece (the spool or stream is closed at the end, or when
        abandoned)."""
        try:
            if self.body is not None:
                yield self.body
            if self.stream is not None:
                yield from self.stream
            if self.spool is not None:
                self.spool.seek(0)
                while piece := self.spool.read(CHUNK_BYTES):
                    yield piece
        finally:
            self.close()

    def close(self) -> None:
        """Release the spool or the stream (once the body is sent, or when it will not be)."""
        if self.spool is not None:
            self.spool.close()
        if isinstance(self.stream, Generator):
            self.stream.close()


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


def syntax_refusal(exc: SyntaxError, job: QueryJob) -> Reply:
    """400 for a query that is no SPARQL, naming the place in the text as the client sent
    it: in pyoxigraph's words when its parser finds the error too (a remote engine reads
    the text after the ``BASE`` line lamcoop puts first, so it names the line after), else
    in the engine's. The text is run over an empty in-memory store (as
    :func:`graph_loader.store.dialect.accept_for` does), never over the store."""
    said = str(exc)
    try:
        ox.Store().query(job.text, base_iri=job.base_iri or None)
    except SyntaxError as own:
        said = str(own)
    except (OSError, ValueError, TypeError, RuntimeError):
        pass
    return Reply.failed(400, Said(N_("query syntax error: %(why)s"), {"why": said}))


def serialised(store: ReadableStore, job: QueryJob, spool: Spool, functions: Functions) -> Reply:
    """``job``'s result on ``store`` with ``functions`` (lamcoop's text functions,
    :mod:`graph_loader.index.sparql`), as pyoxigraph serialises it; or a 400 naming the
    problem."""
    try:
        results = store.query(job.text, custom_functions=functions, **dataset_options(job))
    except SyntaxError as exc:
        return syntax_refusal(exc, job)
    except (OSError, ValueError, TypeError, RuntimeError) as exc:  # Runtime: unknown function
        return Reply.failed(400, failure(exc, job))
    body = _Body(spool)
    try:
        results, head = _capped(results, job)
        statement = cut_statement(job) if head.truncated else None
        if statement is None:
            _serialize(results, job, body)
        else:
            stated = _Stated(body, *statement)
            _serialize(results, job, stated)
            stated.end()
    except Exception as exc:  # evaluation errors surface while results are read
        body.discard()
        return Reply.failed(400, failure(exc, job, streaming=body.file is not None))
    except BaseException:
        body.discard()
        raise
    return body.reply(head)


def failure(exc: BaseException, job: QueryJob, *, streaming: bool = False) -> Said:
    """Why a query failed: the store's words, or the one answer to a failed outbound call
    (see :mod:`sparql_endpoint.outbound`); ``streaming``: after its answer had begun."""
    if failed_outbound(exc, calls_out=job.calls_out):
        return Said(N_("query failed: %(why)s"), {"why": Said(OUTBOUND_FAILURE, {})})
    if streaming:
        return Said(N_("query failed while streaming: %(why)s"), {"why": str(exc)})
    return Said(N_("query failed: %(why)s"), {"why": str(exc)})


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


#: The SPARQL JSON and XML results formats, in which a cut is stated in the body.
_JSON = "application/sparql-results+json"
_XML = "application/sparql-results+xml"


def cut_statement(job: QueryJob) -> tuple[bytes, bytes] | None:
    """Where and what to write into a SELECT result cut to ``job.max_rows``: a marker of
    pyoxigraph's serialisation and what replaces its first occurrence; ``None`` for formats
    with no place for it (CSV, TSV: the header alone says so).

    In SPARQL JSON the head gains a member ``lamcoop`` (standard parsers read only ``vars``
    and ``link``); in SPARQL XML a comment goes at the end of ``<head>`` (no schema change).
    Variable names hold neither ``"`` nor ``<``, so each marker's first occurrence ends the
    head.

    >>> cut_statement(QueryJob("", _JSON, False, max_rows=5))[1][:45]
    b',"lamcoop":{"truncated":true,"rowLimit":5,"me'
    >>> cut_statement(QueryJob("", "text/csv", False, max_rows=5)) is None
    True
    """
    message = f"cut to {job.max_rows} rows by the row cap (max_rows)"
    if job.media_type == _JSON:
        member = json.dumps(
            {"truncated": True, "rowLimit": job.max_rows, "message": message},
            separators=(",", ":"),
        )
        return b'},"results":', f',"lamcoop":{member}}},"results":'.encode()
    if job.media_type == _XML:
        return b"</head>", f"<!-- lamcoop: truncated: {message} --></head>".encode()
    return None


class _Stated:
    """A writer that replaces the first ``marker`` passing through it with ``replacement``
    and hands everything on to ``out``."""

    def __init__(self, out: _Body, marker: bytes, replacement: bytes):
        self._out = out
        self._marker = marker
        self._replacement = replacement
        self._held = bytearray()
        self._done = False

    def write(self, data: bytes) -> int:
        if self._done:
            return self._out.write(data)
        self._held += data
        at = self._held.find(self._marker)
        if at >= 0:
            self._held[at : at + len(self._marker)] = self._replacement
            self._done = True
            self._out.write(bytes(self._held))
            self._held.clear()
        return len(data)

    def flush(self) -> None:
        """Called by pyoxigraph's serialisers; what is held waits for the marker or :meth:`end`."""

    def end(self) -> None:
        """Pass on what is still held (only if the marker never came: the data unchanged)."""
        if self._held:
            self._out.write(bytes(self._held))
            self._held.clear()


def _serialize(results: Any, job: QueryJob, body: _Body | _Stated) -> None:
    if isinstance(results, ox.QueryTriples):
        if not job.graph_result:
            raise ValueError("this query returns a graph")
        fmt = GRAPH_OFFERS.by_media_type[job.media_type]
        results.serialize(output=body, format=fmt)  # type: ignore[arg-type]  # any write()
        return
    if job.graph_result:
        raise ValueError("this query returns results, not a graph")
    results.serialize(output=body, format=RESULTS_OFFERS.by_media_type[job.media_type])
