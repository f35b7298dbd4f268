"""The audit's model: the profile's components and what one run found."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pyoxigraph as ox


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
    #: The agreement's properties the shape looks at (``sh:path``, through ``sh:and``,
    #: ``sh:or`` and alternative paths): what a page shows of a component present.
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgreementResult:
    """One agreement: the components it lacks (profile order), its completeness, and who
    it concerns: the institutions party to it, the consortia it counts for (see
    :func:`graph_loader.audit.run`) and the countries of its parties."""

    iri: str
    label: str | None
    missing: tuple[str, ...]
    completeness: float
    institutions: tuple[str, ...] = ()
    consortia: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


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
    #: Labels of the institutions and consortia the agreements concern.
    related_labels: dict[str, str | None] = field(default_factory=dict)
    #: Each agreement's labels as a reader of each language sees them (distinct literals,
    #: tagged as the data tags them): what a kept run records of it.
    label_literals: dict[str, tuple[ox.Literal, ...]] = field(default_factory=dict)
    #: The filters that narrowed this audit to some of its agreements (empty: all of them).
    selection: dict[str, str] = field(default_factory=dict)
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


def aggregates(
    results: list[AgreementResult], labels: dict[str, str | None]
) -> tuple[list[Aggregate], list[Aggregate]]:
    """Mean completeness per institution and per consortium of ``results``, least complete
    first: the one computation of the tables, for a run, the stored audit and any selection.

    >>> a = AgreementResult("a", None, (), 1.0, institutions=("x", "y"), consortia=("k",))
    >>> b = AgreementResult("b", None, ("term",), 0.5, institutions=("x",))
    >>> [(g.iri, g.agreements, g.completeness) for g in aggregates([a, b], {})[0]]
    [('x', 2, 0.75), ('y', 1, 1.0)]
    """
    by_institution: dict[str, list[float]] = {}
    by_consortium: dict[str, list[float]] = {}
    for result in results:
        for iri in result.institutions:
            by_institution.setdefault(iri, []).append(result.completeness)
        for iri in result.consortia:
            by_consortium.setdefault(iri, []).append(result.completeness)
    return _means(by_institution, labels), _means(by_consortium, labels)


def _means(groups: dict[str, list[float]], labels: dict[str, str | None]) -> list[Aggregate]:
    found = [
        Aggregate(iri=x, label=labels.get(x), agreements=len(v), completeness=sum(v) / len(v))
        for x, v in groups.items()
    ]
    return sorted(found, key=lambda agg: (agg.completeness, agg.iri))
