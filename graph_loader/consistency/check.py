"""The consistency check: the ontology, the dataset of record and users' graphs, by HermiT.

The graphs are those the catalogue's consistency purpose covers (:mod:`graph_loader.graphs`):
the ontology, the record and every user graph; alignments, inferences and the shipped
examples are not sent. Each is written as N-Triples into one file in a temporary folder
(the reified citations left out: OWL 2 DL reserves the reification vocabulary, and a
citation about a fact asserts nothing about the domain), and HermiT answers.

Bounds: the whole check has ``consistency_timeout`` seconds; the data sent is at most
``consistency_max_triples`` triples. The ontology and the record are always sent whole;
a user graph that does not fit is sent as a SAMPLE of its subjects (the first ones by
IRI, each with all its triples) and the report says so, since an inconsistency in the
part left out is not seen. HermiT takes minutes on a registry of 40,000 institutions.

When the data is inconsistent, the check finds the graphs that are inconsistent with the
ontology and the record by themselves (one HermiT run each, within the time left), and
Pellet's ``explain`` names the axioms; the individuals of a culprit graph that the
explanation names are listed with their triples.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_loader.consistency.java import (
    INSTALL_HINT,
    JavaMissing,
    ReasonerFailed,
    ReasonerTimeout,
    hermit,
    java_path,
    pellet_explain,
)
from graph_loader.consistency.report import (
    ConsistencyReport,
    Culprit,
    GraphPart,
    Unsatisfiable,
    explanation_of,
)
from graph_loader.graphs import Purpose, Role, covered, role_of
from graph_loader.settings import Settings
from graph_loader.store import ReadableStore
from graph_loader.vocab import RDF

_G = ox.Variable("g")
#: Reified statements (citations) stay out: OWL 2 DL reserves that vocabulary. (Bound
#: through ``VALUES ?statement { UNDEF }``: a substitution must be in the pattern's scope.)
_STATEMENT = {ox.Variable("statement"): RDF.Statement}
_WHOLE = """CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?statement { UNDEF } GRAPH ?g { ?s ?p ?o
  FILTER NOT EXISTS { ?s a ?statement } } }"""
_SUBJECTS = """SELECT ?g (COUNT(DISTINCT ?s) AS ?n)
  WHERE { GRAPH ?g { ?s ?p ?o FILTER isIRI(?s) } } GROUP BY ?g"""
#: The first subjects by IRI with all their triples, and every blank node's.
_SAMPLE = """CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?statement { UNDEF }
  { SELECT DISTINCT ?g ?s WHERE { GRAPH ?g { ?s ?p0 ?o0 FILTER isIRI(?s) } } ORDER BY ?s LIMIT $n }
  UNION { GRAPH ?g { ?s ?p1 ?o1 FILTER isBlank(?s) } }
  GRAPH ?g { ?s ?p ?o
    FILTER NOT EXISTS { ?s a ?statement } } }"""
#: How many unsatisfiable classes are explained, culprit individuals and triples listed.
_EXPLAINED, _LISTED = 5, 20


@dataclass(frozen=True)
class _Part:
    """A graph's part as sent, with its N-Triples."""

    info: GraphPart
    data: bytes


def check_consistency(store: ReadableStore, settings: Settings) -> ConsistencyReport:
    """Check the ontology, the record and users' graphs of ``store`` with HermiT; a report
    whose status is ``skipped`` (with what to install) where Java cannot be run."""
    started = time.monotonic()
    deadline = started + settings.consistency_timeout if settings.consistency_timeout else None
    try:
        java_path(settings.java)
    except JavaMissing as exc:
        return ConsistencyReport("skipped", note=f"{exc}; to check, {INSTALL_HINT}")
    parts = _parts(store, settings)
    infos = [p.info for p in parts]
    with tempfile.TemporaryDirectory(prefix="lamcoop-consistency-") as folder:
        run = _Runner(Path(folder), settings.java, deadline)
        try:
            answer = run.hermit(parts)
        except ReasonerTimeout as exc:
            return _ended("timeout", str(exc), infos, started)
        except (ReasonerFailed, JavaMissing) as exc:
            return _ended("error", str(exc), infos, started)
        if answer.consistent:
            unsat = [_unsatisfiable(run, parts, c, i) for i, c in enumerate(answer.unsatisfiable)]
            return ConsistencyReport(
                "consistent", graphs=infos, unsatisfiable=unsat, seconds=_since(started)
            )
        explanation, culprits, note = _explain(run, parts)
    return ConsistencyReport(
        "inconsistent",
        note=note,
        graphs=infos,
        explanation=explanation,
        culprits=culprits,
        seconds=_since(started),
    )


def _since(started: float) -> float:
    return round(time.monotonic() - started, 2)


def _ended(status: str, note: str, infos: list[GraphPart], started: float) -> ConsistencyReport:
    return ConsistencyReport(status, note=note, graphs=infos, seconds=_since(started))


class _Runner:
    """Runs the reasoners on sets of parts, each within the time left before the deadline."""

    def __init__(self, folder: Path, java: str, deadline: float | None) -> None:
        self.folder, self.java, self.deadline, self.runs = folder, java, deadline, 0

    def left(self) -> float:
        """Seconds left (0.0 means no limit); :class:`ReasonerTimeout` once none are."""
        if self.deadline is None:
            return 0.0
        left = self.deadline - time.monotonic()
        if left <= 0.5:
            raise ReasonerTimeout("no time left for another reasoner run")
        return left

    def write(self, parts: Iterable[_Part]) -> Path:
        self.runs += 1
        path = self.folder / f"data-{self.runs}.nt"
        with path.open("wb") as out:
            for part in parts:
                out.write(part.data)
        return path

    def hermit(self, parts: Iterable[_Part]):
        left = self.left()
        return hermit(self.write(parts), java=self.java, timeout=left)

    def explain(self, parts: Iterable[_Part], unsatisfiable: str = "") -> str:
        left = self.left()
        path = self.write(parts)
        text = pellet_explain(path, java=self.java, timeout=left, unsatisfiable=unsatisfiable)
        return explanation_of(text)


def _parts(store: ReadableStore, settings: Settings) -> list[_Part]:
    """Each covered graph's N-Triples: ontology and record whole, users' graphs within the
    triples left of ``consistency_max_triples`` (a sample of subjects past it)."""
    base = settings.base_iri
    found = covered(Purpose.CONSISTENCY, store.graphs(), base_iri=base)
    order = {Role.ONTOLOGY: 0, Role.RECORD: 1, Role.USER: 2}
    found.sort(key=lambda g: (order.get(role_of(g.iri, base_iri=base), 3), g.iri))
    budget = settings.consistency_max_triples or None
    parts = []
    for info in found:
        role = role_of(info.iri, base_iri=base)
        room = None if budget is None or role is not Role.USER else max(budget, 0)
        part = _part(store, info.iri, role.value, info.triples, room)
        if budget is not None:
            budget -= part.info.sent
        parts.append(part)
    return parts


def _part(store: ReadableStore, iri: str, role: str, total: int, room: int | None) -> _Part:
    bind = {_G: ox.NamedNode(iri), **_STATEMENT}
    if room is None or total <= room:
        data = store.query(_WHOLE, substitutions=bind).serialize(format=ox.RdfFormat.N_TRIPLES)
        return _Part(GraphPart(iri, role, data.count(b"\n"), total), data)
    graph_only = {_G: ox.NamedNode(iri)}
    subjects = int(next(iter(store.query(_SUBJECTS, substitutions=graph_only)))["n"].value)
    keep = room * subjects // max(total, 1)
    query = _SAMPLE.replace("$n", str(keep))  # a number, not a term
    data = store.query(query, substitutions=bind).serialize(format=ox.RdfFormat.N_TRIPLES)
    return _Part(GraphPart(iri, role, data.count(b"\n"), total, (keep, subjects)), data)


def _explain(run: _Runner, parts: list[_Part]) -> tuple[str, list[Culprit], str]:
    """Pellet's explanation, and the graphs inconsistent with the ontology (and the record,
    when that is consistent) by themselves, within the time left."""
    notes = []
    try:
        explanation = run.explain(parts)
    except (ReasonerTimeout, ReasonerFailed) as exc:
        explanation, notes = "", [f"no explanation: {exc}"]
    culprit_parts: list[_Part] = []
    try:
        culprit_parts = _culprit_parts(run, parts)
    except (ReasonerTimeout, ReasonerFailed) as exc:
        notes.append(f"the graphs at fault were not all told: {exc}")
    if not culprit_parts and not notes:
        notes.append("no graph is inconsistent by itself: the explanation joins several")
    words = set(re.findall(r"[^\s()]+", explanation))
    culprits = [_culprit(p, words) for p in culprit_parts]
    return explanation, culprits, "; ".join(notes)


def _culprit_parts(run: _Runner, parts: list[_Part]) -> list[_Part]:
    ontology = [p for p in parts if p.info.role == Role.ONTOLOGY.value]
    record = [p for p in parts if p.info.role == Role.RECORD.value]
    users = [p for p in parts if p.info.role == Role.USER.value]
    core = ontology + record
    if not users or not run.hermit(core).consistent:
        if not run.hermit(ontology).consistent:
            return ontology
        core, users = ontology, record
    if len(users) == 1:  # the core is consistent and the whole is not
        return users
    return [p for p in users if not run.hermit([*core, p]).consistent]


def _culprit(part: _Part, words: set[str]) -> Culprit:
    """The individuals of ``part`` that the explanation names (by IRI or local name), and
    their triples whose terms it names too."""
    named: dict[str, list[str]] = {}
    for line in part.data.decode("utf-8").splitlines():
        terms = re.findall(r"<([^>]*)>", line)
        if len(terms) < 2 or not _names(terms[0], words):
            continue
        if any(_names(t, words) for t in terms[1:]):
            named.setdefault(terms[0], []).append(line)
    individuals = sorted(named)[:_LISTED]
    triples = [t for i in individuals for t in named[i]][:_LISTED]
    return Culprit(part.info.iri, individuals, triples)


def _names(iri: str, words: set[str]) -> bool:
    local = re.split(r"[#/:]", iri)[-1]
    return iri in words or (bool(local) and local in words)


def _unsatisfiable(run: _Runner, parts: list[_Part], iri: str, index: int) -> Unsatisfiable:
    """An unsatisfiable class, the graphs with statements about it, and (for the first
    few, within the time left) Pellet's explanation."""
    subject = f"<{iri}> ".encode()
    graphs = [p.info.iri for p in parts if subject in p.data]
    explanation = ""
    if index < _EXPLAINED:
        try:
            explanation = run.explain(parts, unsatisfiable=iri)
        except (ReasonerTimeout, ReasonerFailed) as exc:
            explanation = f"no explanation: {exc}"
    return Unsatisfiable(iri, graphs, explanation)
