"""Integrity validation against ``shapes/integrity.ttl``, for the build and ``lamcoop validate``.

The data validated is what the catalogue's integrity purpose covers (every data graph:
the ontology and its alignments, the dataset of record, users' graphs and the inferences;
see :mod:`graph_loader.graphs`), which ``lamcoop validate`` validates by default too. A
violation whose focus node the dataset of record (with the ontology) describes fails the
build; violations in users' own graphs are reported, not fatal.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph_loader.graphs import INTEGRITY_SHAPES, Purpose, graph_iris
from graph_loader.settings import Settings
from graph_loader.shacl import validate as shacl_validate
from graph_loader.store import Store
from graph_loader.vocab import SH


class IntegrityError(Exception):
    """The dataset of record does not conform to the integrity shapes."""


def term_text(term: Any) -> str:
    """An IRI (or blank node label, or literal value) as plain text, from either library."""
    if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        return term.value
    return str(term)


def severity_name(term: Any) -> str:
    """``Violation``, ``Warning`` or ``Info`` for a severity IRI."""
    return term_text(term).removeprefix(str(SH))


@dataclass(frozen=True)
class IntegrityOutcome:
    """A validation report and the part of it that concerns the dataset of record."""

    report: Any
    graphs: list[str]
    record_violations: list[Any]

    @property
    def counts(self) -> Counter:
        return Counter(severity_name(r.severity) for r in self.report.results)

    def summary(self) -> str:
        counts = self.counts
        if not counts:
            return f"integrity: {len(self.graphs)} graphs conform"
        shown = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        return (
            f"integrity: {len(self.graphs)} graphs, {shown}; "
            f"{len(self.record_violations)} violations in the dataset of record"
        )


def validate_integrity(
    store: Store,
    settings: Settings,
    *,
    graphs: list[str] | None = None,
    engine: str = "auto",
) -> IntegrityOutcome:
    """Validate ``graphs`` (default: what integrity validation covers) against the
    integrity shapes."""
    if graphs is None:
        graphs = graph_iris(Purpose.INTEGRITY, store, base_iri=settings.base_iri)
    shapes = settings.graph_iri(INTEGRITY_SHAPES)
    report = shacl_validate(store, shapes, data_graphs=graphs, engine=engine)
    violations = [r for r in report.results if severity_name(r.severity) == "Violation"]
    described = _record_subjects(store, settings) if violations else set()
    in_record = [r for r in violations if term_text(r.focus_node) in described]
    return IntegrityOutcome(report, graphs, in_record)


def _record_subjects(store: Store, settings: Settings) -> set[str]:
    """IRIs the dataset of record (with the ontology) states something about."""
    record = graph_iris(Purpose.RECORD, store, base_iri=settings.base_iri)
    names = [ox.NamedNode(g) for g in record]
    if not names:
        return set()
    rows = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", default_graph=names)
    return {row["s"].value for row in rows}


def describe_result(result: Any) -> str:
    """One line about a validation result, for build output."""
    where = f" {term_text(result.result_path)}" if result.result_path is not None else ""
    value = f" = {term_text(result.value)}" if result.value is not None else ""
    shape = result.source_shape
    named = f", shape {term_text(shape)}" if not _blank(shape) else ""
    return (
        f"  {severity_name(result.severity)}: <{term_text(result.focus_node)}>{where}{value} "
        f"({term_text(result.source_constraint_component).removeprefix(str(SH))}{named})"
    )


def _blank(term: Any) -> bool:
    return isinstance(term, ox.BlankNode) or type(term).__name__ == "BNode"


_SHOWN = 20


def check_record(outcome: IntegrityOutcome) -> None:
    """Raise :class:`IntegrityError` listing the violations in the dataset of record."""
    if not outcome.record_violations:
        return
    shown = outcome.record_violations[:_SHOWN]
    more = len(outcome.record_violations) - len(shown)
    lines = [
        "the dataset of record does not conform to the integrity shapes",
        outcome.summary(),
        *(describe_result(r) for r in shown),
    ]
    if more:
        lines.append(f"  … and {more} more ('lamcoop validate' lists them all)")
    raise IntegrityError("\n".join(lines))
