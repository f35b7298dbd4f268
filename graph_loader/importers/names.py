"""Things a register names by label: the index that finds them, and how candidates are told.

A :class:`Names` index maps labels to the IRIs they label, twice: exactly as written, and
folded by the one normaliser (:func:`graph_loader.normalise.squeeze`: case, accents, spacing,
hyphens, Persian ZWNJ and letter variants, digits). A look-up tries the exact label first,
then the folded one. The indices are filled from the store with one query each
(:func:`vocabulary_names`, :func:`institution_names`), the user's values never in the text.

>>> names = Names()
>>> names.add("urn:x-lamcoop-test:mou", "memorandum-of-understanding")
>>> names.add("urn:x-lamcoop-test:mou", "تفاهم‌نامه")
>>> names.find("Memorandum of Understanding"), names.find("تفاهم نامه") == names.find("تفاهمنامه")
(['urn:x-lamcoop-test:mou'], True)
>>> acronyms("RDA: Resource Description and Access"), acronyms("Encoded Archival Description (EAD)")
(['RDA'], ['EAD'])
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

import pyoxigraph as ox

from graph_loader.normalise import squeeze
from graph_loader.store import ReadableStore
from graph_loader.vocab import LAMC, ORG, RDFS, SKOS

LABELS = f"{RDFS.label}|{SKOS.prefLabel}|{SKOS.altLabel}"
_ACRONYM = re.compile(r"^([A-Z][A-Za-z0-9-]{1,11})\s*:|\(([A-Z][A-Za-z0-9-]{1,11})\)")

_SUBCLASS_LABELS = (
    f"SELECT DISTINCT ?top ?s ?l WHERE {{ ?s {RDFS.subClassOf}+ ?top . "
    f"OPTIONAL {{ ?s {LABELS} ?l }} FILTER(isIRI(?s)) }}"
)
_SCHEME_LABELS = (
    f"SELECT DISTINCT ?scheme ?s ?l WHERE {{ ?s {SKOS.inScheme} ?scheme . "
    f"OPTIONAL {{ ?s {LABELS} ?l }} FILTER(isIRI(?s)) }}"
)
_TYPE_LABELS = (
    f"SELECT DISTINCT ?type ?s ?l WHERE {{ ?s a ?type . OPTIONAL {{ ?s {LABELS} ?l }} "
    "FILTER(isIRI(?s)) }"
)
#: Institutions (and consortia): under ``{base}id/institution/``, with an ISIL, or typed
#: with a subclass of lamc:Institution, lamc:Consortium or org:Organization.
_INSTITUTION = f"""FILTER(isIRI(?s))
  FILTER(STRSTARTS(STR(?s), ?prefix) || EXISTS {{ ?s {LAMC.isil} ?any }}
         || EXISTS {{ ?s a/{RDFS.subClassOf}* {LAMC.Institution} }}
         || EXISTS {{ ?s a/{RDFS.subClassOf}* {LAMC.Consortium} }}
         || EXISTS {{ ?s a/{RDFS.subClassOf}* {ORG.Organization} }})"""
INSTITUTION_LABELS = f"SELECT DISTINCT ?prefix ?s ?l WHERE {{ ?s {LABELS} ?l {_INSTITUTION} }}"
#: The same, of the labels one graph ``?g`` states.
INSTITUTION_LABELS_IN = (
    f"SELECT DISTINCT ?g ?prefix ?s ?l WHERE {{ GRAPH ?g {{ ?s {LABELS} ?l }} {_INSTITUTION} }}"
)
_ABOUT = f"""SELECT ?s ?p ?v WHERE {{
  {{ ?s {LAMC.isil} ?v BIND("isil" AS ?p) }} UNION {{ ?s {LABELS} ?v BIND("label" AS ?p) }} }}"""


class NameIndex(Protocol):
    """What a register's look-ups ask of names: :class:`Names`, or institutions looked up
    through the text index (:mod:`graph_loader.importers.indexed_names`)."""

    def find(self, text: str) -> list[str]:
        """The IRIs ``text`` names, sorted."""
        ...

    def near(self, text: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` names like ``text``, as written."""
        ...


class Names:
    """IRIs by label: exact, then folded."""

    def __init__(self) -> None:
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._folded: dict[str, set[str]] = defaultdict(set)
        #: A name as written for each folded key, to show people: a label before a slug.
        self._shown: dict[str, str] = {}
        self._slugs: set[str] = set()

    def add(self, iri: str, text: str, *, slug: bool = False) -> None:
        """``text`` (a label, or with ``slug`` the IRI's slug) names ``iri``."""
        self._exact[text.strip()].add(iri)
        key = squeeze(text)
        if key:
            self._folded[key].add(iri)
            if key not in self._shown or (key in self._slugs and not slug):
                self._shown[key] = text.strip()
                (self._slugs.add if slug else self._slugs.discard)(key)

    def add_slug(self, iri: str) -> None:
        """The IRI's last path segment (its slug) names it."""
        self.add(iri, iri.rstrip("/").rsplit("/", 1)[-1], slug=True)

    def find(self, text: str) -> list[str]:
        """The IRIs ``text`` names: by exact label if any, else by folded label; sorted."""
        found = self._exact.get(text.strip()) or self._folded.get(squeeze(text)) or set()
        return sorted(found)

    def near(self, text: str, limit: int = 5) -> list[str]:
        """Up to ``limit`` labels, as written, whose folded forms contain the folded ``text``
        or are in it.

        >>> names = Names()
        >>> names.add_slug("https://e.org/id/institution/peking-university")
        >>> names.add("https://e.org/id/institution/peking-university", "Peking University")
        >>> names.near("Peking University Library, Beijing"), names.near("peking univ")
        (['Peking University'], ['Peking University'])
        """
        key = squeeze(text)
        if len(key) < 3:
            return []
        hits = sorted(k for k in self._folded if key in k or (len(k) > 3 and k in key))
        return [self._shown[k] for k in hits[:limit]]

    def __len__(self) -> int:
        return len(self._exact)


def acronyms(label: str) -> list[str]:
    """Acronyms a label gives: ``RDA: ...`` and ``... (EAD)``."""
    return [a or b for a, b in _ACRONYM.findall(label)]


def fill(names: Names, rows: Iterable[ox.QuerySolution], *, with_acronyms: bool) -> Names:
    """``names`` with each row's subject ``?s`` named by its slug and its label ``?l``."""
    for row in rows:
        subject = row["s"].value
        names.add_slug(subject)
        label = row["l"]
        if isinstance(label, ox.Literal):
            names.add(subject, label.value)
            if with_acronyms:
                for acronym in acronyms(label.value):
                    names.add(subject, acronym)
    return names


def vocabulary_names(
    store: ReadableStore,
    *,
    subclass_of: ox.NamedNode | None = None,
    scheme: ox.NamedNode | None = None,
    type_: ox.NamedNode | None = None,
    with_acronyms: bool = False,
) -> Names:
    """Subclasses of ``subclass_of``, concepts of ``scheme`` or instances of ``type_`` by
    slug, label and alternative label (any language), with acronyms when asked."""
    if subclass_of is not None:
        query, bound = _SUBCLASS_LABELS, {"top": subclass_of}
    elif scheme is not None:
        query, bound = _SCHEME_LABELS, {"scheme": scheme}
    elif type_ is not None:
        query, bound = _TYPE_LABELS, {"type": type_}
    else:
        raise TypeError("name a class, a scheme or a type")
    rows = store.query(query, substitutions={ox.Variable(k): v for k, v in bound.items()})
    return fill(Names(), rows, with_acronyms=with_acronyms)


def institution_names(store: ReadableStore, base_iri: str) -> Names:
    """Every institution and consortium in the store by label (any language) and slug."""
    rows = store.query(
        INSTITUTION_LABELS,
        substitutions={ox.Variable("prefix"): ox.Literal(f"{base_iri}id/institution/")},
    )
    return fill(Names(), rows, with_acronyms=False)


def describe(store: ReadableStore, iris: Iterable[str]) -> str:
    """``<iri> (ISIL X; labels "A", "B")`` for each IRI: what tells candidates apart."""
    out = []
    for iri in iris:
        rows = store.query(_ABOUT, substitutions={ox.Variable("s"): ox.NamedNode(iri)})
        isils: list[str] = []
        labels: list[str] = []
        for row in rows:
            value = row["v"]
            if isinstance(value, ox.Literal):
                target = isils if row["p"].value == "isil" else labels
                shown = value.value if target is isils else _quoted(value)
                if shown not in target:
                    target.append(shown)
        parts = [f"ISIL {', '.join(sorted(isils))}" if isils else "no ISIL"]
        if labels:
            parts.append(", ".join(sorted(labels)))
        out.append(f"<{iri}> ({'; '.join(parts)})")
    return "; ".join(out)


def _quoted(label: ox.Literal) -> str:
    return f'"{label.value}"' + (f"@{label.language}" if label.language else "")
