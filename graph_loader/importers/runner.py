"""Running an importer over a file: stream rows to quads, stage, then publish or abort.

The file is read once, through the reader that hashes it and moves the progress bar. Good
rows' triples stream into a staged load (nothing is visible yet); when a bad row is found
and bad rows are not to be skipped, writing stops but every row is still checked, so the
error lists them all; the staged data is then abandoned. Otherwise the graph and its
provenance are published in one transaction.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_loader import index, provenance
from graph_loader.bounded import Refused
from graph_loader.file_reading import TrackingReader, progress_bar
from graph_loader.importers.common import (
    UNDETERMINED,
    ImportContext,
    ImportFailed,
    Row,
    RowRejected,
    table_encoding,
)
from graph_loader.importers.report import Tally, rejection_message, write_report
from graph_loader.loading import (
    Steps,
    interruptible,
    publish,
    refuse_internal_target,
    source_graph,
)
from graph_loader.safe_output import quoted
from graph_loader.store import Store

_CHUNK = 1 << 20
#: What a table that is not UTF-8 most often is: a spreadsheet saved as plain "CSV", in the
#: code page of the machine's language.
OTHER_ENCODINGS = (
    '; save the table as "CSV UTF-8", or name its encoding with --encoding (Excel\'s plain '
    '"CSV" is the system\'s code page: cp1252 for Western European languages, cp1256 for '
    "Persian and Arabic, gbk for simplified Chinese, big5 for traditional)"
)


class ImportRejected(ImportFailed):
    """Bad rows stopped the load; nothing was loaded. ``tally`` holds every bad row."""

    def __init__(self, message: str, tally: Tally, report: Path | None):
        super().__init__(message)
        self.tally = tally
        self.report = report


@dataclass(frozen=True)
class ImportResult:
    """What one import did."""

    source: str
    importer: str
    graph: str
    triples: int
    tally: Tally
    sha256: str
    seconds: float
    report: Path | None

    def summary(self) -> str:
        text = (
            f"{self.source} ({self.importer}): {self.tally.summary()}; "
            f"{self.triples} triples in <{self.graph}> ({self.seconds:.2f} s)"
        )
        return text + (f"; report: {self.report}" if self.report else "")


def run_import(
    store: Store,
    path: Path,
    importer_class: type,
    *,
    base_iri: str,
    graph: str | None = None,
    replace: bool = True,
    skip_invalid: bool = False,
    report: Path | None = None,
    progress: bool = False,
    date_order: str | None = None,
    calendar: str = "gregorian",
    encoding: str | None = None,
    language: str | None = None,
) -> ImportResult:
    """Import ``path`` with ``importer_class`` into ``graph`` (default ``{base}graph/{name}``),
    its text read in ``encoding`` (default: the importer's own)."""
    started = time.perf_counter()
    target = graph or source_graph(path, base_iri=base_iri)
    refuse_internal_target(path, target)
    ctx = ImportContext(
        store, base_iri, target, path.name, replace, date_order, calendar, language or UNDETERMINED
    )
    importer = importer_class(ctx)
    tally = Tally(path.name)
    try:
        handle = path.open("rb")
        reading = table_encoding(handle.peek(4)[:4], encoding, importer.encoding)
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror or exc}") from None
    with Steps() as steps:  # a signal between two steps ends the import as one within
        with handle, progress_bar(path, progress) as bar:
            reader = TrackingReader(handle, bar)
            text = io.TextIOWrapper(io.BufferedReader(reader, _CHUNK), reading, newline="")
            rows = _guarded_rows(importer, text, path, tally, told=encoding is not None)
            quads = _quads(importer, rows, tally, skip_invalid)
            staged = interruptible(
                lambda: store.stage(quads, graph=target, format=None, replace=replace)
            )
            steps.staged = staged
            sha = interruptible(reader.drain)
        written = report if (tally.rejected or tally.dropped) and report else None
        if written is not None:
            try:
                write_report(tally, written)
            except OSError as exc:
                staged.abort()
                raise ImportFailed(
                    f"{written}: cannot write the report of rejected rows "
                    f"({exc.strerror or exc}); nothing was loaded; name another file with --report"
                ) from None
        if tally.rejected and not skip_invalid:
            interruptible(staged.abort)
            raise ImportRejected(rejection_message(tally, written), tally, written)
        counts = publish(
            staged,
            lambda: provenance.commit(
                store, staged, source=path.name, sha256=sha, base_iri=base_iri, graph=target
            ),
        )
        index.refresh(store, counts, base_iri=base_iri)
        return ImportResult(
            path.name, importer.name, target, counts[target], tally, sha,
            time.perf_counter() - started, written,
        )  # fmt: skip


def _guarded_rows(
    importer, text: io.TextIOWrapper, path: Path, tally: Tally, *, told: bool
) -> Iterator[Row]:
    """The importer's rows, with decoding and CSV errors turned into clear messages (``told``:
    the encoding was named by the user, so no other is suggested)."""
    try:
        yield from importer.rows(text, path)
    except UnicodeDecodeError as exc:
        problem = _decoding_problem(path, text.encoding, exc)
        raise ImportFailed(problem if told else problem + OTHER_ENCODINGS) from None
    except Refused as exc:
        raise ImportFailed(exc.in_file(path)) from None
    except csv.Error as exc:
        raise ImportFailed(f"{path}: unreadable row after row {tally.rows}: {exc}") from None


def _decoding_problem(path: Path, encoding: str, exc: UnicodeDecodeError) -> str:
    """Where the file stops being ``encoding`` text: found by reading it again, line by line.

    >>> _shown("utf-8-sig"), _shown("cp1256")
    ('UTF-8', 'cp1256')
    """
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode(encoding)
            except UnicodeDecodeError as bad:
                where = f"{path}:{number}:{bad.start + 1}"
                text = f"not {_shown(encoding)} text: {bad.reason}"
                return f"{where}: {text} ({quoted(line[bad.start : bad.end])})"
    return f"{path}: not {_shown(encoding)} text: {exc.reason}"


def _shown(encoding: str) -> str:
    """An encoding as a person names it (Python's ``utf-8-sig`` is UTF-8 read past a BOM)."""
    return "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-8") else encoding


def _quads(importer, rows: Iterator[Row], tally: Tally, skip_invalid: bool) -> Iterator[ox.Quad]:
    for row in rows:
        tally.rows += 1
        try:
            outcome = importer.convert(row)
        except RowRejected as exc:
            tally.reject(row, exc.problems)
            continue
        tally.accept(row, outcome)
        if tally.rejected and not skip_invalid:
            continue
        yield from outcome.quads
