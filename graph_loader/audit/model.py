"""The audit's model: the profile's components and what one run found."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Component:
    """One component of the profile, as its shape states it."""

    id: str
    shape: str
    order: int
    severity: str
    labels: dict[str, str]
    messages: dict[str, str]
    challenges: tuple[str, ...]


@dataclass(frozen=True)
class AgreementResult:
    """One agreement: the components it lacks (profile order) and its completeness."""

    iri: str
    label: str | None
    missing: tuple[str, ...]
    completeness: float


@dataclass(frozen=True)
class Aggregate:
    """Mean completeness of the agreements of an institution or a consortium."""

    iri: str
    label: str | None
    agreements: int
    completeness: float


@dataclass
class Audit:
    """Everything one audit run found."""

    run: str
    started: dt.datetime
    seconds: float
    graphs: list[str]
    components: list[Component]
    challenge_labels: dict[str, str | None]
    agreements: list[AgreementResult]
    institutions: list[Aggregate] = field(default_factory=list)
    consortia: list[Aggregate] = field(default_factory=list)
    #: The kept run these results are (:mod:`graph_loader.audit.runs`), and whether this
    #: run was kept anew (``False``: it found what that earlier run found).
    kept_as: str | None = None
    kept_new: bool = False

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)

    @property
    def mean_completeness(self) -> float:
        if not self.agreements:
            return 0.0
        return sum(a.completeness for a in self.agreements) / len(self.agreements)

    def missing_counts(self) -> list[tuple[Component, int]]:
        """Components by how many agreements lack them, most often missing first."""
        counts = Counter(c for a in self.agreements for c in a.missing)
        ranked = sorted(self.components, key=lambda c: (-counts[c.id], c.order))
        return [(c, counts[c.id]) for c in ranked]

    def challenge_counts(self) -> list[tuple[str, int, int]]:
        """(challenge, agreements exposing it, gaps exposing it), most exposed first."""
        gaps: Counter = Counter()
        agreements: Counter = Counter()
        for result in self.agreements:
            exposed = [ch for cid in result.missing for ch in self.component(cid).challenges]
            gaps.update(exposed)
            agreements.update(set(exposed))
        ranked = sorted(agreements, key=lambda ch: (-agreements[ch], -gaps[ch], ch))
        return [(ch, agreements[ch], gaps[ch]) for ch in ranked]
