"""Reconciliation: finding the entity a name (or an ISIL, or a Wikidata id) in someone's
table means, with a score a person can trust.

The :class:`Index` holds, for every institution, agreement, standard and concept of the
store, its types, labels (every language), ISILs and Wikidata ids; it is built with three
queries and kept while the store does not change. Matching: an identifier given as a
property (``isil``, ``wikidata``) exactly; else a label equal as written (score 100), equal
through the one normaliser (:func:`graph_loader.normalise.squeeze`: score 95), or sharing
words (or, in Chinese, character pairs) with it (the share of words in common, up to 90).
A candidate is a ``match`` only when it is the one candidate at 95 or more: two
institutions with the same name are never matched for you.

>>> index = Index.of(_example())
>>> [(c.id[-2:], c.score, c.match) for c in index.match("Central  library")]
[('c1', 95.0, False), ('c2', 95.0, False)]
>>> [(c.id[-2:], c.score, c.match) for c in index.match("Bibliotheque Nationale")]
[('bn', 95.0, True)]
>>> [(c.id[-2:], c.match) for c in index.match("", properties={"isil": "XX-2"})]
[('c2', True)]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader.normalise import fold, grams, squeeze
from graph_loader.vocab import LAMC, OWL, RDFS, SKOS, pick_label

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
WIKIDATA = "http://www.wikidata.org/entity/"
#: A score at or above this is a label equal to the query (as written or normalised).
EQUAL = 95.0
#: Words shared by more entities than this do not bring candidates by themselves.
COMMON = 1000

Select = Callable[[str, Mapping[str, ox.NamedNode | ox.Literal] | None], list[dict]]

_TYPES_VALUES = " ".join(f"<{t}>" for t in TYPES)
_ENTITIES = f"""SELECT DISTINCT ?s ?top ?lp ?l WHERE {{
  VALUES ?top {{ {_TYPES_VALUES} }}
  ?s a/<{RDFS.subClassOf.value}>* ?top .
  VALUES ?lp {{ <{RDFS.label.value}> <{SKOS.prefLabel.value}> <{SKOS.altLabel.value}> }}
  ?s ?lp ?l FILTER(isIRI(?s)) }}"""
_IDS = f"""SELECT ?s ?isil ?same WHERE {{
  {{ ?s <{LAMC.isil.value}> ?isil }} UNION
  {{ ?s <{OWL.sameAs.value}> ?same FILTER(STRSTARTS(STR(?same), "{WIKIDATA}")) }} }}"""


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
    """Entities by identifier, by label as written, normalised, and by word."""

    def __init__(self, entities: Mapping[str, Entity]):
        self.entities = dict(entities)
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.squeezed: dict[str, set[str]] = defaultdict(set)
        self.words: dict[str, set[str]] = defaultdict(set)
        self.by_isil: dict[str, set[str]] = defaultdict(set)
        self.by_wikidata: dict[str, set[str]] = defaultdict(set)
        #: The words of each entity's labels, one set per label.
        self.label_words: dict[str, list[frozenset[str]]] = {}
        for entity in self.entities.values():
            sets = []
            for _, label in entity.labels:
                self.exact[label.value.strip()].add(entity.id)
                self.squeezed[squeeze(label.value)].add(entity.id)
                words = frozenset(_words(label.value))
                sets.append(words)
                for word in words:
                    self.words[word].add(entity.id)
            self.label_words[entity.id] = sets
            for isil in entity.isils:
                self.by_isil[isil.casefold()].add(entity.id)
            for qid in entity.wikidata:
                self.by_wikidata[qid.upper()].add(entity.id)

    @classmethod
    def of(cls, select: Select) -> Index:
        """The index of the store ``select`` reads (a page's or a command's SELECT)."""
        entities: dict[str, Entity] = {}
        seen: set[tuple[str, str, str]] = set()
        for row in select(_ENTITIES, None):
            s = row["s"].value
            entity = entities.setdefault(s, Entity(s))
            entity.types.add(row["top"].value)
            key = (s, row["lp"].value, str(row["l"]))
            if key not in seen and isinstance(row["l"], ox.Literal):
                seen.add(key)
                entity.labels.append((row["lp"].value, row["l"]))
        for row in select(_IDS, None):
            known = entities.get(row["s"].value)
            if known is None:
                continue
            if "isil" in row:
                known.isils.add(row["isil"].value)
            if "same" in row:
                known.wikidata.add(row["same"].value[len(WIKIDATA) :])
        return cls(entities)

    def match(
        self,
        text: str,
        *,
        type_: str | None = None,
        limit: int = 5,
        properties: Mapping[str, str] | None = None,
        lang: str = "en",
    ) -> list[Candidate]:
        """The best candidates for ``text`` (and identifier ``properties``), best first."""
        scores: dict[str, float] = {}
        for pid, value in (properties or {}).items():
            found = self._by_identifier(pid, value)
            for iri in found:
                scores[iri] = 100.0
        if not scores and text.strip():
            scores = self._by_label(text, limit)
        if type_:
            scores = {i: s for i, s in scores.items() if type_ in self.entities[i].types}
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.entities[item[0]].id))
        top = [i for i, s in ranked if s >= EQUAL]
        return [
            self._candidate(iri, score, len(top) == 1 and iri == top[0], lang)
            for iri, score in ranked[:limit]
        ]

    def _candidate(self, iri: str, score: float, match: bool, lang: str) -> Candidate:
        entity = self.entities[iri]
        name, tag = entity.named(lang)
        return Candidate(
            id=iri,
            name=name,
            score=round(score, 1),
            match=match,
            types=tuple(sorted(entity.types)),
            lang=tag,
        )

    def _by_identifier(self, pid: str, value: str) -> set[str]:
        value = value.strip()
        if pid == "isil":
            return self.by_isil.get(value.casefold(), set())
        if pid == "wikidata":
            qid = value[len(WIKIDATA) :] if value.startswith(WIKIDATA) else value
            return self.by_wikidata.get(qid.upper(), set())
        return set()

    def _by_label(self, text: str, limit: int) -> dict[str, float]:
        """Equal labels (as written, normalised); then, while fewer than ``limit`` are
        found, labels sharing words with ``text``."""
        scores: dict[str, float] = {}
        for iri in self.exact.get(text.strip(), ()):
            scores[iri] = 100.0
        for iri in self.squeezed.get(squeeze(text), ()):
            scores.setdefault(iri, EQUAL)
        query = frozenset(_words(text))
        if not query or len(scores) >= limit:
            return scores
        pool: set[str] = set()
        for word in query:
            holders = self.words.get(word, set())
            if len(holders) <= COMMON:
                pool |= holders
        for iri in pool - scores.keys():
            best = max((_overlap(query, w) for w in self.label_words[iri]), default=0.0)
            if best > 0:
                scores[iri] = round(90 * best, 1)
        return scores

    def suggest(self, prefix: str, *, type_: str | None = None, limit: int = 10) -> list[str]:
        """Entities with a label whose normalised form starts with ``prefix``'s."""
        key = squeeze(prefix)
        if not key:
            return []
        found = sorted(
            {i for k, ids in self.squeezed.items() if k.startswith(key) for i in ids}
            if len(key) > 2
            else set(self.squeezed.get(key, set()))
        )
        if type_:
            found = [i for i in found if type_ in self.entities[i].types]
        return found[:limit]


def _words(text: str) -> list[str]:
    key = fold(text)
    return [w for w in re.findall(r"\w+", key) if not _is_cjk_run(w)] + grams(key)


def _is_cjk_run(word: str) -> bool:
    return bool(grams(word))


def _overlap(query: frozenset[str], label: frozenset[str]) -> float:
    return len(query & label) / len(query | label) if label else 0.0


def _lang_is(label: ox.Literal, lang: str) -> bool:
    tag = (label.language or "").lower()
    return tag == lang.lower() or tag.startswith(lang.lower() + "-")


def _example() -> Select:
    """A tiny store's rows, for the module's examples."""
    base = "urn:x-lamcoop-test:"
    rows = [(base + "c1", "Central Library"), (base + "c2", "Central Library")]
    rows.append((base + "bn", "Bibliothèque nationale"))
    label = RDFS.label.value

    def select(query: str, bindings: Iterable | None) -> list[dict]:
        if query is _ENTITIES:
            return [
                {
                    "s": ox.NamedNode(s),
                    "top": LAMC.Library,
                    "lp": ox.NamedNode(label),
                    "l": ox.Literal(t, language="en"),
                }
                for s, t in rows
            ]
        return [{"s": ox.NamedNode(base + "c2"), "isil": ox.Literal("XX-2")}]

    return select
