"""The dataset of record: curated tables in ``data/`` turned into one graph per document.

Each source module exposes ``build(writer, tables_dir)`` filling a :class:`RecordWriter`;
:func:`record_sources` lists them with their graph name and document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph_loader.record.writer import RecordWriter


@dataclass(frozen=True)
class RecordSource:
    """One source document of the dataset of record and how its graph is made."""

    graph: str
    document: str
    title: str
    language: str
    build: Callable[[RecordWriter, Path], None]

    def write(self, base_iri: str, tables: Path) -> RecordWriter:
        """The document's graph, written from the curated tables under ``tables``."""
        writer = RecordWriter(base_iri, self.document, title=self.title, language=self.language)
        self.build(writer, tables)
        return writer


def record_sources() -> tuple[RecordSource, ...]:
    """Every source of record, in order (imported here so each module stays independent)."""
    from graph_loader.record import seed000, seed001, seed002

    return (
        RecordSource("seed-000", seed000.DOCUMENT, seed000.TITLE, "fa", seed000.build),
        RecordSource("seed-001", seed001.DOCUMENT, seed001.TITLE, seed001.LANGUAGE, seed001.build),
        RecordSource("seed-002", seed002.DOCUMENT, seed002.TITLE, seed002.LANGUAGE, seed002.build),
    )


def record_source(graph: str) -> RecordSource:
    """The source of record whose graph is named ``graph`` (e.g. ``seed-000``)."""
    return next(s for s in record_sources() if s.graph == graph)
