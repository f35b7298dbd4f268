"""Loading RDF files into their own named graphs: atomic, checksummed, with progress.

A file is read once: the reader that feeds pyoxigraph's parser also computes the file's
SHA-256 and moves the progress bar. The data is staged, counted, then published together
with its provenance in one transaction (see :mod:`graph_loader.store`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from tqdm import tqdm

from graph_loader import __version__, provenance
from graph_loader.rdf_formats import format_for_path, source_name
from graph_loader.store import OxigraphStore

_CHUNK = 1 << 20


class LoadError(Exception):
    """A source could not be loaded; the message names the file and, for syntax, the place."""


@dataclass(frozen=True)
class LoadResult:
    """What one load did: the graphs written with their triple counts."""

    source: str
    graphs: dict[str, int]
    sha256: str
    seconds: float
    skipped: bool = field(default=False)


class _TrackingReader(io.RawIOBase):
    """A binary reader that hashes what it reads and reports progress."""

    def __init__(self, raw: IO[bytes], bar: tqdm | None):
        self.raw = raw
        self.bar = bar
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            if self.bar is not None:
                self.bar.update(n)
        return n or 0

    def drain(self) -> str:
        """Read what the parser left (trailing blank lines) and return the hex digest."""
        buf = bytearray(_CHUNK)
        while self.readinto(buf):
            pass
        return self.digest.hexdigest()


def load_file(
    store: OxigraphStore,
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
    except ValueError as exc:
        raise LoadError(str(exc)) from None
    target = graph or f"{base_iri}graph/{source_name(path)}"
    if skip_unchanged:
        recorded = provenance.read_sources(store, base_iri).get(target, {})
        if recorded.get("sha256") == file_sha256(path) and _same_loader(recorded):
            return LoadResult(
                path.name,
                {target: store.triple_count(target)},
                recorded["sha256"],
                0.0,
                skipped=True,
            )
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with handle, _progress_bar(path, progress) as bar:
        reader = _TrackingReader(handle, bar)
        return _load_stream(store, reader, path, target, rdf_format, base_iri, replace=replace)


def load_bytes(
    store: OxigraphStore,
    data: bytes,
    *,
    name: str,
    graph: str,
    format: ox.RdfFormat,
    base_iri: str,
    replace: bool = True,
) -> LoadResult:
    """Load RDF held in memory (generated graphs) exactly as :func:`load_file` loads a file."""
    reader = _TrackingReader(io.BytesIO(data), None)
    return _load_stream(store, reader, Path(name), graph, format, base_iri, replace=replace)


def _load_stream(store, reader, path, target, rdf_format, base_iri, *, replace) -> LoadResult:
    started = time.perf_counter()
    raw = io.BufferedReader(reader, _CHUNK)
    stream = gzip.GzipFile(fileobj=raw) if _is_gzip(raw) else raw
    file_iri = path.resolve().as_uri() if path.exists() else None
    try:
        staged = store.stage(
            stream, graph=target, format=rdf_format, base_iri=file_iri, replace=replace
        )
    except SyntaxError as exc:
        raise LoadError(_syntax_message(path, exc)) from None
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise LoadError(f"{path}: cannot load: {exc}") from None
    try:
        sha = reader.drain()
        counts = {t: staged.triple_count(t) for t in staged.targets}
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        prov_graph = provenance.provenance_graph(base_iri)
        descriptions = [
            (
                t,
                provenance.describe(
                    t, provenance.GraphSource(path.name, sha, n, now), into=prov_graph
                ),
            )
            for t, n in counts.items()
        ]
        staged.publish(also=provenance.replace_update(descriptions, into=prov_graph))
    except BaseException:
        staged.abort()
        raise
    return LoadResult(path.name, counts, sha, time.perf_counter() - started)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _same_loader(recorded: dict[str, str]) -> bool:
    return recorded.get("loaderVersion") == __version__


def _is_gzip(stream: io.BufferedReader) -> bool:
    return stream.peek(2)[:2] == b"\x1f\x8b"


def _syntax_message(path: Path, exc: SyntaxError) -> str:
    where = f"{path}:{exc.lineno}:{exc.offset}" if exc.lineno else str(path)
    return f"{where}: syntax error: {exc.msg}"


def _progress_bar(path: Path, enabled: bool) -> tqdm:
    size = path.stat().st_size if path.exists() else None
    return tqdm(
        total=size,
        desc=path.name,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=not enabled,
        delay=0.5,
        leave=False,
    )
