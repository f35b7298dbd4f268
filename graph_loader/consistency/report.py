"""What the consistency check found, as a person reads it (text) and as a program does (JSON).

>>> part = GraphPart("http://ex.org/g", "user", sent=3, total=3)
>>> report = ConsistencyReport("consistent", graphs=[part], seconds=1.5)
>>> report.summary()
'consistency: consistent (HermiT, 1 graphs, 3 triples, 1.5 s)'
>>> report.exit_code, ConsistencyReport("skipped", note="no Java").exit_code
(0, 0)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

_AT_FAULT = "Graph at fault (inconsistent with the ontology and the record by itself)"
#: The outcomes: the first two are answers, the last three say the check gave none.
STATUSES = ("consistent", "inconsistent", "skipped", "timeout", "error")


@dataclass(frozen=True)
class GraphPart:
    """One graph sent to the reasoner: its role, and how much of it was sent."""

    iri: str
    role: str
    sent: int
    total: int
    #: Subjects sent and in the graph, when only a sample of its subjects was sent.
    sample: tuple[int, int] | None = None

    def describe(self) -> str:
        if self.sample is None:
            return f"{self.role} <{self.iri}>: {self.sent} triples"
        return (
            f"{self.role} <{self.iri}>: SAMPLE of {self.sample[0]} of {self.sample[1]} "
            f"subjects ({self.sent} of {self.total} triples)"
        )


@dataclass(frozen=True)
class Culprit:
    """A graph that is inconsistent with the ontology (and the record) by itself, with the
    individuals of it the explanation names and their triples involved."""

    graph: str
    individuals: list[str] = field(default_factory=list)
    triples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Unsatisfiable:
    """A class that can have no member, the graphs that say something of it, and why."""

    iri: str
    graphs: list[str] = field(default_factory=list)
    explanation: str = ""


@dataclass(frozen=True)
class ConsistencyReport:
    """The check's outcome (one of :data:`STATUSES`) and what it rests on."""

    status: str
    note: str = ""
    graphs: list[GraphPart] = field(default_factory=list)
    unsatisfiable: list[Unsatisfiable] = field(default_factory=list)
    explanation: str = ""
    culprits: list[Culprit] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def problems(self) -> bool:
        """Whether the check found a defect: an inconsistency or an unsatisfiable class."""
        return self.status == "inconsistent" or bool(self.unsatisfiable)

    @property
    def sampled(self) -> bool:
        return any(g.sample is not None for g in self.graphs)

    @property
    def exit_code(self) -> int:
        """0: consistent (or skipped, with its note); 1: a defect found; 2: no answer."""
        if self.problems:
            return 1
        return 2 if self.status in ("timeout", "error") else 0

    def summary(self, *, timed: bool = True) -> str:
        """One line, for the build's output (and, not ``timed``, for its provenance: the
        same data gives the same line, so a build run twice gives the same store)."""
        sent = sum(g.sent for g in self.graphs)
        what = f"{self.status} (HermiT, {len(self.graphs)} graphs, {sent} triples"
        what += ", a SAMPLE of the users' data" if self.sampled else ""
        what += f", {self.seconds:.1f} s)" if timed else ")"
        if self.unsatisfiable:
            what += f"; {len(self.unsatisfiable)} unsatisfiable classes"
        if self.culprits:
            what += "; in " + ", ".join(f"<{c.graph}>" for c in self.culprits)
        if self.note:
            what += f"; {self.note}"
        return f"consistency: {what}"

    def text(self) -> str:
        """The whole report, for a person."""
        lines = [self.summary(), "", "Graphs sent to the reasoner:"]
        lines += [f"  {g.describe()}" for g in self.graphs]
        for culprit in self.culprits:
            lines += ["", f"{_AT_FAULT}: <{culprit.graph}>"]
            lines += [f"  individual <{i}>" for i in culprit.individuals]
            lines += [f"    {t}" for t in culprit.triples]
        if self.explanation:
            lines += ["", "Explanation (Pellet):", *_indented(self.explanation)]
        for unsat in self.unsatisfiable:
            lines += ["", f"Unsatisfiable class <{unsat.iri}>"]
            lines += [f"  mentioned in <{g}>" for g in unsat.graphs]
            lines += _indented(unsat.explanation)
        return "\n".join(lines) + "\n"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(problems=self.problems, sampled=self.sampled, summary=self.summary())
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)


def _indented(text: str) -> list[str]:
    return [f"  {line}" for line in text.strip("\n").splitlines() if line.strip()]


def explanation_of(pellet_output: str) -> str:
    """The explanation part of Pellet's ``explain`` output (from "Axiom:" on).

    >>> explanation_of("log line\\nAxiom: Thing subClassOf Nothing\\n\\n1) a type B\\n")
    'Axiom: Thing subClassOf Nothing\\n\\n1) a type B'
    """
    start = pellet_output.find("Axiom:")
    return (pellet_output[start:] if start >= 0 else pellet_output).strip()
