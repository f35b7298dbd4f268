"""Reconciliation: finding the entity a name (or an ISIL, or a Wikidata id) in someone's
table means, with a score a person can trust.

The entities are the institutions, consortia, agreements, standards and concepts of the
store: whatever has a label and a type under one of :data:`TYPES`. What is known of them is
read from the store's text index (:mod:`graph_loader.index`, kept in step with every write),
a few lookups per query on its B-tree indexes: a query's cost depends on the query, never on
how much the store holds, and no process builds anything first. Matching: an identifier
given as a property (``isil``, ``wikidata``) exactly; else a label equal as written (score
100), equal through the one normaliser (:func:`graph_loader.normalise.squeeze`: score 95),
or sharing words (or, in Chinese, character pairs) with it (the share of words in common,
up to 90). A candidate is a ``match`` only when it is the one candidate at 95 or more: two
institutions with the same name are never matched for you.

>>> index = _example()
>>> [(c.id[-2:], c.score, c.match) for c in index.match("Central  library")]
[('c1', 95.0, False), ('c2', 95.0, False)]
>>> [(c.id[-2:], c.score, c.match) for c in index.match("Bibliotheque Nationale")]
[('bn', 95.0, True)]
>>> [(c.id[-2:], c.match) for c in index.match("", properties={"isil": "XX-2"})]
[('c2', True)]
>>> [(c.id[-2:], c.score) for c in index.match("Central Library of Tehran")]
[('c1', 45.0), ('c2', 45.0)]
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader.index.facts import ISIL, SAME_AS
from graph_loader.normalise import fold, key_words, squeeze
from graph_loader.vocab import LAMC, RDFS, SKOS, pick_label, sparql_prefixes
from graph_loader.wikidata import item_id

#: The types a reconciliation query may name: id (the class IRI) -> English name.
TYPES: dict[str, str] = {
    LAMC.Institution.value: "Institution",
    LAMC.Library.value: "Library",
    LAMC.Archive.value: "Archive",
    LAMC.Museum.value: "Museum",
    LAMC.Consortium.value: "Consortium",
    LAMC.Agreement.value: "Agreement",
    LAMC.Standard.value: "Standard",
    SKOS.Concept.value: "Concept of the study",
}
#: A score at or above this is a label equal to the query (as written or normalised).
EQUAL = 95.0
#: Words shared by more entities than this do not bring candidates by themselves.
COMMON = 1000
#: The most rows one lookup reads (labels equal to a query, a word's labels): the bound
#: of a query's work.
ROWS = 4 * COMMON
#: Entities whose facts one read fetches.
CHUNK = 500

Select = Callable[[str, Mapping[str, ox.NamedNode | ox.Literal] | None], Iterable]

# One branch per type, its class written in the path (Virtuoso runs a transitive path
# only from a constant end; see graph_loader.index.refresh).
_CLASSES = sparql_prefixes("rdfs") + (
    "SELECT DISTINCT ?c ?top WHERE { "
    + " UNION ".join(f"{{ ?c rdfs:subClassOf* <{t}> BIND(<{t}> AS ?top) }}" for t in TYPES)
    + " }"
)


def type_classes(select: Select) -> dict[str, frozenset[str]]:
    """Each class under a type of :data:`TYPES` (itself included) -> those types: a read
    of the class hierarchy, not of the instances."""
    found: dict[str, set[str]] = {}
    for row in select(_CLASSES, None):
        found.setdefault(row["c"].value, set()).add(row["top"].value)
    return {c: frozenset(tops) for c, tops in found.items()}


@dataclass
class Entity:
    """What reconciliation knows of one entity."""

    id: str
    types: set[str] = field(default_factory=set)
    labels: list[tuple[str, ox.Literal]] = field(default_factory=list)
    isils: set[str] = field(default_factory=set)
    wikidata: set[str] = field(default_factory=set)

    def name(self, lang: str = "en") -> str:
        """The label a reader of ``lang`` sees (the one label rule), else the IRI."""
        return self.named(lang)[0]

    def named(self, lang: str = "en") -> tuple[str, str | None]:
        """The label a reader of ``lang`` sees and its language tag (``None``: untagged)."""
        label = pick_label(self.labels, lang=lang)
        return (label.value, label.language) if label is not None else (self.id, None)

    def label_in(self, lang: str) -> str | None:
        """The entity's label in exactly ``lang`` (``None`` if it has none)."""
        chosen = pick_label([(p, lit) for p, lit in self.labels if _lang_is(lit, lang)], lang=lang)
        return chosen.value if chosen is not None else None


@dataclass(frozen=True)
class Candidate:
    """One candidate of a query: entity IRI, name, score (0-100), match, types."""

    id: str
    name: str
    score: float
    match: bool
    types: tuple[str, ...]
    #: The language tag of ``name`` (``None`` when untagged).
    lang: str | None = None


class Index:
    """Reconciliation over the text index ``conn`` (read-only) of one version of the data;
    ``classes`` is :func:`type_classes` of that version. One per request: it keeps the
    entities it has read."""

    def __init__(self, conn: sqlite3.Connection, classes: Mapping[str, frozenset[str]]):
        self.conn = conn
        self.classes = classes
        self._known: dict[str, Entity | None] = {}

    def entity(self, iri: str) -> Entity | None:
        """The entity ``iri`` names, or ``None`` when it is none of :data:`TYPES`' with a label."""
        self._read([iri])
        return self._known[iri]

    def match(
        self,
        text: str,
        *,
        type_: str | Sequence[str] | None = None,
        every_type: bool = False,
        limit: int = 5,
        properties: Mapping[str, str | Sequence[str]] | None = None,
        lang: str = "en",
    ) -> list[Candidate]:
        """The best candidates for ``text`` (and identifier ``properties``: a value, or
        several, any of which may match), best first; of ``type_`` when given (one type, or
        several: any of them, or ``every_type``)."""
        scores: dict[str, float] = {}
        for pid, given in (properties or {}).items():
            for value in (given,) if isinstance(given, str) else given:
                for iri in self._by_identifier(pid, value):
                    scores[iri] = 100.0
        if not scores and text.strip():
            scores = self._by_label(text, limit)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        types = (type_,) if isinstance(type_, str) else tuple(type_ or ())
        kept = list(self._kept(ranked, _fits(types, every_type), limit))
        top = [i for i, s in kept if s >= EQUAL]
        return [
            self._candidate(iri, score, len(top) == 1 and iri == top[0], lang)
            for iri, score in kept[:limit]
        ]

    def by_ids(
        self,
        ids: Sequence[str],
        *,
        type_: str | Sequence[str] | None = None,
        limit: int = 5,
        lang: str = "en",
    ) -> list[Candidate]:
        """The entities ``ids`` name (of ``type_`` when given) as candidates, in the order
        given; each a match when it is the only one."""
        types = (type_,) if isinstance(type_, str) else tuple(type_ or ())
        fits = _fits(types, False)
        self._read(ids)
        found = [
            i for i in dict.fromkeys(ids) if (e := self._known[i]) is not None and fits(e.types)
        ][:limit]
        return [self._candidate(i, 100.0, len(found) == 1, lang) for i in found]

    def _kept(
        self, ranked: list[tuple[str, float]], fits: Callable[[set[str]], bool], limit: int
    ) -> Iterator[tuple[str, float]]:
        """The ranked candidates that are entities whose types ``fit``, up to
        ``limit`` of them and every one at :data:`EQUAL` or more: read a few at a time, as
        many as may be wanted (twice as many each time more are)."""
        taken, first = 0, 0
        size = sum(1 for _, score in ranked if score >= EQUAL) + limit
        while first < len(ranked):
            chunk = ranked[first : first + size]
            first, size = first + size, min(2 * size, CHUNK)
            self._read([iri for iri, _ in chunk])
            for iri, score in chunk:
                entity = self._known[iri]
                if entity is None or not fits(entity.types):
                    continue
                if taken >= limit and score < EQUAL:
                    return
                taken += 1
                yield iri, score

    def _candidate(self, iri: str, score: float, match: bool, lang: str) -> Candidate:
        entity = self._known[iri]
        assert entity is not None
        name, tag = entity.named(lang)
        return Candidate(iri, name, round(score, 1), match, tuple(sorted(entity.types)), tag)

    def _by_identifier(self, pid: str, value: str) -> set[str]:
        value = value.strip()
        if pid == "wikidata":
            value = item_id(value) or value
        elif pid != "isil":
            return set()
        rows = self._rows("SELECT iri FROM term WHERE norm = ? AND ident = 1", fold(value))
        self._read([iri for (iri,) in rows])
        return {iri for (iri,) in rows if _holds(self._known[iri], pid, value)}

    def _by_label(self, text: str, limit: int) -> dict[str, float]:
        """Equal labels (as written, normalised); then, while fewer than ``limit`` are
        found, labels sharing words with ``text``."""
        scores: dict[str, float] = {}
        said = text.strip()
        for iri, written in self._rows(
            "SELECT iri, text FROM term WHERE norm = ? AND ident = 0", fold(text)
        ):
            if written.strip() == said:
                scores[iri] = 100.0
        for (iri,) in self._rows(
            "SELECT iri FROM term WHERE squeezed = ? AND ident = 0", squeeze(text)
        ):
            scores.setdefault(iri, EQUAL)
        query = frozenset(key_words(fold(text)))
        if not query or len(scores) >= limit:
            return scores
        for iri, share in self._sharing(query).items():
            if iri not in scores:
                scores[iri] = round(90 * share, 1)
        return scores

    def _sharing(self, query: frozenset[str]) -> dict[str, float]:
        """The entities holding a word of ``query`` that at most :data:`COMMON` entities
        hold, each with the best share of words its labels have in common with ``query``."""
        pool: set[str] = set()
        for word in query:
            pool |= self._holders(word)
        best: dict[str, float] = {}
        marks = ",".join("?" * len(query))
        for chunk in _chunks(sorted(pool)):
            for iri, total, shared in self.conn.execute(
                f"SELECT t.iri, COUNT(*), SUM(w.word IN ({marks})) FROM term t "
                f"JOIN word w ON w.id = t.id WHERE t.iri IN ({','.join('?' * len(chunk))}) "
                "AND t.ident = 0 GROUP BY t.id",
                (*query, *chunk),
            ):
                share = shared / (len(query) + total - shared)
                if share > best.get(iri, 0.0):
                    best[iri] = share
        return best

    def _holders(self, word: str) -> set[str]:
        """The entities whose labels hold ``word``; none when more than :data:`COMMON` do
        (or its labels are more than :data:`ROWS`)."""
        (labels,) = self.conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM word WHERE word = ? LIMIT ?)", (word, ROWS + 1)
        ).fetchone()
        if labels > ROWS:
            return set()
        rows = self.conn.execute(
            "SELECT DISTINCT t.iri FROM word w JOIN term t ON t.id = w.id "
            "WHERE w.word = ? AND t.ident = 0",
            (word,),
        ).fetchall()
        return {iri for (iri,) in rows} if len(rows) <= COMMON else set()

    def suggest(self, prefix: str, *, type_: str | None = None, limit: int = 10) -> list[str]:
        """Entities with a label whose normalised form starts with ``prefix``'s (is it, for
        a prefix of one or two letters), in the order of those labels: read as the index
        holds them, a few at a time, until ``limit`` are found (or :data:`ROWS` are read)."""
        key = squeeze(prefix)
        if not key:
            return []
        if len(key) > 2:
            rows = self.conn.execute(
                "SELECT iri FROM term WHERE squeezed >= ? AND squeezed < ? AND ident = 0 "
                f"ORDER BY squeezed, id LIMIT {ROWS}",
                (key, key + "\U0010ffff"),
            )
        else:
            rows = self.conn.execute(
                f"SELECT iri FROM term WHERE squeezed = ? AND ident = 0 LIMIT {ROWS}", (key,)
            )
        found: list[str] = []
        while len(found) < limit:
            batch = [iri for (iri,) in rows.fetchmany(2 * limit) if iri not in found]
            if not batch:
                break
            self._read(batch)
            for iri in dict.fromkeys(batch):
                entity = self._known[iri]
                if entity is not None and (not type_ or type_ in entity.types):
                    found.append(iri)
        return found[:limit]

    def _rows(self, sql: str, *args: str) -> list[tuple]:
        """The first :data:`ROWS` rows of ``sql``."""
        return self.conn.execute(f"{sql} LIMIT {ROWS}", args).fetchall()

    def _read(self, iris: Iterable[str]) -> None:
        """Read the facts of the entities not read yet, :data:`CHUNK` at a time."""
        wanted = sorted({i for i in iris if i not in self._known})
        for chunk in _chunks(wanted):
            found = {iri: Entity(iri) for iri in chunk}
            seen: set[tuple[str, str, str, str]] = set()
            for iri, what, pred, value, lang in self.conn.execute(
                "SELECT iri, what, pred, value, lang FROM fact "
                f"WHERE iri IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                _add(found[iri], what, pred, value, lang, self.classes, seen)
            for iri, entity in found.items():
                self._known[iri] = entity if entity.types and entity.labels else None


def _add(
    entity: Entity,
    what: str,
    pred: str,
    value: str,
    lang: str,
    classes: Mapping[str, frozenset[str]],
    seen: set[tuple[str, str, str, str]],
) -> None:
    """Add one fact of the index (:mod:`graph_loader.index.facts`) to what is known of
    ``entity``; a label stated in several graphs counts once."""
    if what == "t":
        entity.types |= classes.get(value, frozenset())
    elif what == "l":
        if (entity.id, pred, value, lang) not in seen:
            seen.add((entity.id, pred, value, lang))
            entity.labels.append((pred, ox.Literal(value, language=lang or None)))
    elif pred == ISIL:
        entity.isils.add(value)
    elif pred == SAME_AS:
        entity.wikidata.add(value)


def _holds(entity: Entity | None, pid: str, value: str) -> bool:
    """Whether ``entity`` has the identifier ``value`` (ISILs compared case-folded,
    Wikidata ids upper-cased)."""
    if entity is None:
        return False
    if pid == "isil":
        return value.casefold() in {i.casefold() for i in entity.isils}
    return value.upper() in {q.upper() for q in entity.wikidata}


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for first in range(0, len(items), CHUNK):
        yield items[first : first + CHUNK]


def _lang_is(label: ox.Literal, lang: str) -> bool:
    tag = (label.language or "").lower()
    return tag == lang.lower() or tag.startswith(lang.lower() + "-")


def _example() -> Index:
    """The index of a small store in memory, for the module's examples."""
    from graph_loader import index
    from graph_loader.index.db import open_reading
    from graph_loader.store import open_store

    base = "https://w3id.org/lamcoop/"
    store = open_store(None)
    data = f"""@prefix lamc: <{LAMC}> . @prefix x: <urn:x-lamcoop-test:> .
        lamc:Library <{RDFS.subClassOf.value}> lamc:Institution .
        x:c1 a lamc:Library ; <{RDFS.label.value}> "Central Library"@en .
        x:c2 a lamc:Library ; <{RDFS.label.value}> "Central Library"@en ; lamc:isil "XX-2" .
        x:bn a lamc:Library ; <{RDFS.label.value}> "Bibliothèque nationale"@fr ."""
    store.replace_graph(data.encode(), graph="urn:x-lamcoop-test:g", format=ox.RdfFormat.TURTLE)
    index.rebuild(store, base_iri=base)
    conn = open_reading(store)
    assert conn is not None
    return Index(conn, type_classes(lambda text, _bound: store.query(text)))


def _fits(types: Sequence[str], every: bool) -> Callable[[set[str]], bool]:
    """Whether an entity of the given types is wanted: of any of ``types`` (all of them when
    ``every``), or of any type when none is named.

    >>> _fits(("A", "B"), False)({"B"}), _fits(("A", "B"), True)({"B"}), _fits((), True)(set())
    (True, False, True)
    """
    wanted = set(types)
    if not wanted:
        return lambda _types: True
    return wanted.issubset if every else lambda have: not wanted.isdisjoint(have)
