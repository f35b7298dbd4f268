"""Loading RDF files into their own named graphs: atomic, checksummed, with progress.

A plain file is handed to pyoxigraph by path (its native reader is the fastest), while a
thread computes the file's SHA-256 and the bar follows the parser's read position; a
gzip file or bytes in memory go through a reader that hashes what passes (see
:mod:`graph_loader.file_reading`). The data is staged, counted, then published together
with its provenance in one transaction (see :mod:`graph_loader.store`).

Every long step (parsing and staging, publishing, freeing what was staged) runs in a worker
thread while this thread waits, so that Ctrl-C (or SIGTERM, see :mod:`graph_loader.cli`) is
felt at once: it raises :class:`LoadInterrupted`. Short of the commit point the load, still
marked pending, is undone when the store is next opened read-write; past it the load stands.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import signal
import stat
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from tqdm import tqdm

from graph_loader import graphs, index, provenance
from graph_loader.bounded import BOM, Refused, Source, locate, rdfxml
from graph_loader.file_reading import (
    CHUNK,
    BackgroundDigest,
    ReadPositionWatcher,
    TrackingReader,
    can_watch_reads,
    file_sha256,
    leading_bytes,
    progress_bar,
)
from graph_loader.rdf_formats import format_for_path, source_name
from graph_loader.store import InternalGraphError, StagedLoad, Store, refuse_internal

T = TypeVar("T")


class LoadError(Exception):
    """A source could not be loaded; the message names the file and, for syntax, the place."""


def refuse_internal_target(path: Path, target: str) -> None:
    """Refuse, before anything is read or written, a target that is an internal graph."""
    try:
        refuse_internal(target)
    except InternalGraphError as exc:
        raise LoadError(f"{path}: refused, nothing loaded: {exc}") from None


class LoadInterrupted(LoadError):
    """Ctrl-C (or the signal ``signum``) during a load. The thread at work (``worker``)
    cannot be stopped and goes on writing; the load stays marked pending, so exit, and the
    next read-write open of the store undoes it, or frees what it staged when it was
    committed (or ``worker.join()`` then ``store.recover()``)."""

    def __init__(self, message: str, worker: threading.Thread, signum: int = signal.SIGINT):
        super().__init__(message)
        self.worker = worker
        self.signum = signum


@dataclass(frozen=True)
class LoadResult:
    """What one load did: the graphs written with their triple counts."""

    source: str
    graphs: dict[str, int]
    sha256: str
    seconds: float
    skipped: bool = field(default=False)


def load_file(
    store: Store,
    path: str | Path,
    *,
    base_iri: str,
    graph: str | None = None,
    format: ox.RdfFormat | None = None,
    replace: bool = True,
    progress: bool = False,
    skip_unchanged: bool = False,
) -> LoadResult:
    """Load one RDF file (gzip accepted) into ``graph`` (default ``{base}graph/{name}``).

    ``replace`` swaps the graph's old content for the file's; otherwise the file is added.
    With ``skip_unchanged`` a file whose checksum matches the recorded one is not reloaded.
    """
    path = Path(path)
    try:
        rdf_format = format or format_for_path(path)
        streamed = _is_stream(path)
        leading = b"" if streamed else leading_bytes(path)
    except ValueError as exc:
        raise LoadError(str(exc)) from None
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    target = graph or source_graph(path, base_iri=base_iri)
    refuse_internal_target(path, target)
    if streamed:
        return _load_streamed(store, path, target, rdf_format, base_iri, replace, progress)
    if skip_unchanged:
        skipped = _skip_unchanged(store, path.name, target, file_sha256(path), base_iri)
        if skipped is not None:
            return skipped
    _check_before_parsing(path, path, rdf_format)
    job = _Job(store, path, target, rdf_format, base_iri, replace, path, Steps())
    with job.steps, progress_bar(path, progress) as bar:
        plain = not leading.startswith((b"\x1f\x8b", BOM))
        if plain and (bar.disable or can_watch_reads()):
            return job.load_direct(bar)
        with path.open("rb") as handle:
            return job.load_stream(TrackingReader(handle, bar))


def _is_stream(path: Path) -> bool:
    """Whether ``path`` is a pipe, a device or a socket (``/dev/stdin``, ``<(zcat f.gz)``):
    something that can be read once only, unlike a file."""
    return path.exists() and not path.is_dir() and not stat.S_ISREG(path.stat().st_mode)


def _load_streamed(
    store: Store,
    path: Path,
    target: str,
    rdf_format: ox.RdfFormat,
    base_iri: str,
    replace: bool,
    progress: bool,
) -> LoadResult:
    """Load what a pipe or device gives, read once: through the hashing reader (gzip
    accepted), with no second look at it (RDF/XML, whose entities are checked before any
    parser reads it, is read whole first, as bytes are loaded)."""
    if rdf_format == ox.RdfFormat.RDF_XML:
        with path.open("rb") as handle:
            data = handle.read()
        return load_bytes(
            store, data, name=str(path), graph=target, format=rdf_format, base_iri=base_iri,
            replace=replace,
        )  # fmt: skip
    job = _Job(store, path, target, rdf_format, base_iri, replace, b"", Steps())
    with job.steps, progress_bar(path, progress) as bar, path.open("rb") as handle:
        return job.load_stream(TrackingReader(handle, bar))


def load_bytes(
    store: Store,
    data: bytes,
    *,
    name: str,
    graph: str,
    format: ox.RdfFormat,
    base_iri: str,
    replace: bool = True,
    skip_unchanged: bool = False,
) -> LoadResult:
    """Load RDF held in memory (generated graphs) exactly as :func:`load_file` loads a file."""
    if skip_unchanged:
        sha = hashlib.sha256(data).hexdigest()
        skipped = _skip_unchanged(store, name, graph, sha, base_iri)
        if skipped is not None:
            return skipped
    _check_before_parsing(Path(name), data, format)
    job = _Job(store, Path(name), graph, format, base_iri, replace, data)
    return job.load_stream(TrackingReader(io.BytesIO(data), None))


def _check_before_parsing(path: Path, source: Source, rdf_format: ox.RdfFormat) -> None:
    """Refuse, before pyoxigraph reads it, what it would expand without bound."""
    if rdf_format != ox.RdfFormat.RDF_XML:
        return
    try:
        rdfxml.check_entities(source)
    except Refused as exc:
        raise LoadError(f"{exc.in_file(path)}; nothing loaded") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise LoadError(f"{path}: cannot read: {exc}") from None


def file_graph(path: str | Path, *, base_iri: str) -> str:
    """The graph a file's name makes: ``{base}graph/{name of the file}``."""
    return graphs.graph_iri(base_iri, source_name(path))


def source_graph(path: Path, *, base_iri: str) -> str:
    """The graph a file goes to unless another is named, :func:`file_graph`, which must be
    a user's graph (:class:`~graph_loader.graphs.Role`): a file named ``ontology.ttl``,
    ``audit.csv`` or ``seed-….nt`` would replace a graph lamcoop keeps, or pass as the record.

    >>> source_graph(Path("register.csv"), base_iri="http://e.org/")
    'http://e.org/graph/register'
    >>> source_graph(Path("audit.csv"), base_iri="http://e.org/")
    Traceback (most recent call last):
    ...
    graph_loader.loading.LoadError: audit.csv: refused, nothing loaded: its name makes the \
graph <http://e.org/graph/audit>, lamcoop's own (audit); name a graph for it with --graph
    """
    target = file_graph(path, base_iri=base_iri)
    role = graphs.role_of(target, base_iri=base_iri)
    if role is not graphs.Role.USER:
        raise LoadError(
            f"{path}: refused, nothing loaded: its name makes the graph <{target}>, "
            f"lamcoop's own ({role.value}); name a graph for it with --graph"
        )
    return target


def _skip_unchanged(
    store: Store, name: str, graph: str, sha: str, base_iri: str
) -> LoadResult | None:
    """The result of skipping a source whose data this lamcoop version already loaded."""
    if not provenance.unchanged(store, graph, sha256=sha, base_iri=base_iri):
        return None
    return LoadResult(name, {graph: store.triple_count(graph)}, sha, 0.0, skipped=True)


class Steps:
    """A load's steps, so that a signal landing between two :func:`interruptible` steps
    (in this thread's own short work) ends the load as one within a step does: as
    :class:`LoadInterrupted`, saying whether what was ``staged`` had passed its commit
    point."""

    def __init__(self) -> None:
        self.staged: StagedLoad | None = None

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, trace: object) -> None:
        if isinstance(exc, KeyboardInterrupt):
            committed = self.staged is not None and self.staged.committed
            message = COMMITTED if committed else UNDONE
            raise LoadInterrupted(message, threading.current_thread(), _signal_of(exc))


def _signal_of(exc: KeyboardInterrupt) -> int:
    """The signal a :class:`KeyboardInterrupt` carries (see ``lamcoop``'s handlers), else
    SIGINT (Python's own Ctrl-C)."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT


@dataclass(frozen=True)
class _Job:
    store: Store
    path: Path
    target: str
    rdf_format: ox.RdfFormat
    base_iri: str
    replace: bool
    #: What error places are looked for in when the parser gives none.
    origin: Source
    #: What the load has staged, for a signal between two steps.
    steps: Steps = field(default_factory=Steps)

    def load_direct(self, bar: tqdm) -> LoadResult:
        """Let pyoxigraph read the file itself; hash it meanwhile in a thread."""
        started = time.perf_counter()
        before = _signature(self.path)
        try:
            digest = BackgroundDigest(self.path)
        except OSError as exc:
            raise LoadError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        with ReadPositionWatcher(self.path, bar, ignore=digest.fileno):
            staged = self.stage(self.path)
        try:
            sha = interruptible(digest.hexdigest)
            if _signature(self.path) != before:
                raise LoadError(f"{self.path}: the file changed while it was loaded; load again")
        except LoadInterrupted:
            raise
        except BaseException:
            interruptible(staged.abort)
            raise
        return self.publish(staged, sha, started)

    def load_stream(self, reader: TrackingReader) -> LoadResult:
        """Feed the parser through ``reader``, which hashes (and gunzips) on the way."""
        started = time.perf_counter()
        raw = io.BufferedReader(reader, CHUNK)
        stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == b"\x1f\x8b" else raw
        staged = self.stage(stream)
        try:
            sha = interruptible(reader.drain)
        except LoadInterrupted:
            raise
        except BaseException:
            interruptible(staged.abort)
            raise
        return self.publish(staged, sha, started)

    def stage(self, source) -> StagedLoad:
        file_iri = self.path.resolve().as_uri() if self.path.exists() else None
        try:
            staged = interruptible(
                lambda: self.store.stage(
                    source if isinstance(source, Path) else _without_bom(source),
                    graph=self.target,
                    format=self.rdf_format,
                    base_iri=file_iri,
                    replace=self.replace,
                    keep=index.FACT_PREDICATES,
                )
            )
        except InternalGraphError as exc:
            raise LoadError(f"{self.path}: refused, nothing loaded: {exc}") from None
        except (SyntaxError, MemoryError) as exc:
            refused = locate.explain(exc, self.origin, self.rdf_format)
            if refused is None:
                raise
            raise LoadError(refused.in_file(self.path)) from None
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            raise LoadError(f"{self.path}: cannot load: {exc}") from None
        self.steps.staged = staged
        return staged

    def publish(self, staged: StagedLoad, sha: str, started: float) -> LoadResult:
        """Publish the staged graphs with their provenance at once.

        Every graph the file has data for is published (a quad format may name several);
        a triples format always stages ``target``, even when the file is empty.
        """
        counts = publish(
            staged,
            lambda: provenance.commit(
                self.store, staged, source=self.path.name, sha256=sha, base_iri=self.base_iri
            ),
        )
        # The graphs whose whole content the load read are indexed from it, not read back.
        index.refresh(self.store, counts, base_iri=self.base_iri, read=staged.kept)
        return LoadResult(self.path.name, counts, sha, time.perf_counter() - started)


#: What Ctrl-C leaves behind, before and after a load's commit point.
UNDONE = "interrupted: the partial load is undone when the store is next opened"
COMMITTED = (
    "interrupted after the commit point: the load stands; "
    "what it staged is freed when the store is next opened"
)


def publish(staged: StagedLoad, commit: Callable[[], T]) -> T:
    """Run ``commit`` (which passes ``staged``'s commit point), then free what was staged,
    both interruptible: Ctrl-C says whether the load was undone or stands."""
    result = interruptible(commit, interrupted=lambda: COMMITTED if staged.committed else UNDONE)
    interruptible(staged.finish, interrupted=COMMITTED)
    return result


def interruptible(work: Callable[[], T], *, interrupted: str | Callable[[], str] = UNDONE) -> T:
    """Run ``work`` in a worker thread, so that Ctrl-C reaches this (main) thread at once
    (as :class:`LoadInterrupted` saying ``interrupted``, or what it returns when called).

    The work writes in short steps that let this thread run (see
    :mod:`graph_loader.store.moves`), so the signal is felt within a fraction of a second."""
    values: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            values.append(work())
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run, name="lamcoop-load", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)
    except KeyboardInterrupt as exc:
        message = interrupted if isinstance(interrupted, str) else interrupted()
        raise LoadInterrupted(message, worker, _signal_of(exc)) from None
    if errors:
        raise errors[0]
    return values[0]


def _without_bom(stream: io.BufferedIOBase) -> io.BufferedReader:
    """``stream`` past a leading UTF-8 byte order mark, which no RDF syntax allows."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
    if buffered.peek(len(BOM))[: len(BOM)] == BOM:
        buffered.read(len(BOM))
    return buffered


def _signature(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
