"""Finding what a register names in the store: institutions, standards, concepts, units.

Every look-up is SPARQL with the user's value passed as a bound value, never spliced into
the query text. A name that cannot be resolved raises ``LookupError`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox

from graph_loader.importers.cells import isil_problem, valid_isil
from graph_loader.importers.common import ImportContext, is_slug
from graph_loader.importers.indexed_names import indexed_institutions
from graph_loader.importers.names import (
    NameIndex,
    Names,
    describe,
    institution_names,
    vocabulary_names,
)
from graph_loader.safe_output import quoted
from graph_loader.vocab import LAMC, OWL, SKOS, Term
from graph_loader.wikidata import item_iris

_EXISTS = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
#: The most candidates an ambiguous name's error describes (a common name such as
#: "Öffentliche Bibliothek" labels 36 institutions of the Wikidata/ISIL registry).
SHOWN = 8
_BY_ISIL = f"SELECT DISTINCT ?i ?v WHERE {{ ?i {LAMC.isil} ?v }} ORDER BY ?i"
_CASELESS_ISIL = (
    f"SELECT DISTINCT ?i ?v WHERE {{ ?i {LAMC.isil} ?x FILTER(LCASE(STR(?x)) = ?v) }} ORDER BY ?i"
)
_BY_SAME_AS = f"SELECT DISTINCT ?i ?x WHERE {{ ?i {OWL.sameAs} ?x }} ORDER BY ?i"


def is_iri(text: str) -> bool:
    """Whether a cell names something by absolute IRI (``scheme:`` with ``//`` or ``urn:``)."""
    head, sep, rest = text.partition(":")
    return bool(sep) and head.isalpha() and (rest.startswith("//") or head.lower() == "urn")


def named_node(text: str) -> ox.NamedNode:
    """The IRI in a cell (``<...>`` accepted); ``LookupError`` when it is not a valid IRI."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    try:
        return ox.NamedNode(text)
    except ValueError as exc:
        raise LookupError(f"{quoted(text)} is not a valid IRI ({exc})") from None


class StoreLookup:
    """Resolves names against the store, remembering every answer for the file's other rows."""

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.base = ctx.base_iri
        self._cache: dict[tuple[str, str], ox.NamedNode] = {}
        self._names: dict[str, Names] = {}
        self._institutions: NameIndex | None = None

    def exists(self, node: ox.NamedNode) -> bool:
        """Whether any statement in the store is about ``node``."""
        rows = self.ctx.store.query(_EXISTS, substitutions={ox.Variable("s"): node})
        return next(iter(rows), None) is not None

    def institution(self, ref: str) -> ox.NamedNode:
        """An institution named by IRI, slug (``{base}id/institution/{slug}``), ISIL,
        Wikidata id (``Q42``) or name (a label in any language: exactly, then folded)."""
        key = ("institution", ref)
        if key not in self._cache:
            self._cache[key] = self._institution(ref.strip())
        return self._cache[key]

    def _institution(self, ref: str) -> ox.NamedNode:
        if spellings := item_iris(ref):
            return self._institution_iri(*map(ox.NamedNode, spellings))
        if is_iri(ref) or ref.startswith("<"):
            return self._institution_iri(named_node(ref))
        if is_slug(ref):
            node = self.ctx.iri("institution", ref)
            if self.exists(node):
                return node
        if valid_isil(ref):
            owners = self._isil_owners(ref)
            if len(owners) > 1:
                raise LookupError(
                    f"ISIL {quoted(ref)} is held by several institutions: "
                    f"{describe(self.ctx.store, (o.value for o in owners))}; name one by IRI"
                )
            if owners:
                return owners[0]
        return self._institution_by_name(ref)

    def _institution_by_name(self, ref: str) -> ox.NamedNode:
        names = self.institutions()
        found = names.find(ref)
        if len(found) == 1:
            return ox.NamedNode(found[0])
        if len(found) > 1:
            raise self._several(f"{quoted(ref)} names", found)
        ways = "by name (a label in any language), slug, ISIL, Wikidata id or IRI"
        why = f" ({isil_problem(ref)})" if "-" in ref and not valid_isil(ref) else ""
        near = names.near(ref)
        hint = f"; labels like it: {', '.join(map(quoted, near))}" if near else ""
        parts = [p.strip() for p in re.split("[,\u060c\uff0c]", ref)]  # , ، ，
        if len(parts) > 1 and all(len(names.find(p)) == 1 for p in parts):
            hint = f"; it names {len(parts)} institutions if read as a list: write ';' between them"
        raise LookupError(f"no institution {quoted(ref)} in the store {ways}{why}{hint}")

    def _several(self, said: str, iris: list[str]) -> LookupError:
        """The error for several institutions where one is wanted: the first
        :data:`SHOWN` described, the rest counted."""
        more = f"; and {len(iris) - SHOWN} more" if len(iris) > SHOWN else ""
        return LookupError(
            f"{said} {len(iris)} institutions: {describe(self.ctx.store, iris[:SHOWN])}{more}; "
            "give the ISIL or IRI of the one you mean"
        )

    def institutions(self) -> NameIndex:
        """Institutions by name, kept for the file: looked up name by name in the store's
        text index when it is up to date, else all read at once."""
        if self._institutions is None:
            store = self.ctx.store
            indexed = indexed_institutions(store, base_iri=self.base)
            self._institutions = indexed or institution_names(store, self.base)
        return self._institutions

    def names(self, kind: str) -> Names:
        """The label index of ``kind`` (agreement-types, funding-models, cooperation-areas,
        standards), made on first use and kept for the file."""
        if kind not in self._names:
            store = self.ctx.store
            if kind == "agreement-types":
                self._names[kind] = vocabulary_names(store, subclass_of=LAMC.Agreement)
            elif kind == "standards":
                self._names[kind] = vocabulary_names(store, type_=LAMC.Standard, with_acronyms=True)
            else:
                self._names[kind] = vocabulary_names(store, scheme=self.ctx.iri("scheme", kind))
        return self._names[kind]

    def _isil_owners(self, isil: str) -> list[ox.NamedNode]:
        found = self._subjects(_BY_ISIL, "i", {"v": ox.Literal(isil)})
        return found or self._subjects(_CASELESS_ISIL, "i", {"v": ox.Literal(isil.lower())})

    def _institution_iri(self, node: ox.NamedNode, *others: ox.NamedNode) -> ox.NamedNode:
        """The institution ``node`` (or one of its ``others`` spellings) is, or the one that
        is ``owl:sameAs`` it."""
        spellings = (node, *others)
        for spelling in spellings:
            if self.exists(spelling):
                return spelling
        same = list(
            dict.fromkeys(s for n in spellings for s in self._subjects(_BY_SAME_AS, "i", {"x": n}))
        )
        if len(same) == 1:
            return same[0]
        if same:
            raise self._several(f"<{node.value}> is owl:sameAs", [s.value for s in same])
        raise LookupError(
            f"no institution <{node.value}> in the store, nor one owl:sameAs it; load it first"
        )

    def known(self, ref: str, what: str) -> ox.NamedNode:
        """The IRI in ``ref``, which must be in the store (``what`` names it in the error)."""
        node = named_node(ref)
        if not self.exists(node):
            raise LookupError(f"no {what} <{node.value}> in the store; load it first")
        return node

    def standard(self, ref: str) -> ox.NamedNode:
        """A standard by IRI, slug (``{base}id/standard/{slug}``), label, alternative
        label or acronym (``RDA``), in any language, exactly then folded."""
        ref = ref.strip()
        if is_iri(ref) or ref.startswith("<"):
            return self.known(ref, "standard")
        if is_slug(ref):
            node = self.ctx.iri("standard", ref)
            if self.exists(node):
                return node
        found = self.names("standards").find(ref)
        if len(found) == 1:
            return ox.NamedNode(found[0])
        if found:
            raise LookupError(
                f"{quoted(ref)} names {len(found)} standards: {', '.join(f'<{f}>' for f in found)}"
            )
        raise LookupError(
            f"no standard {quoted(ref)} in the store (by slug <{self.base}id/standard/...>, "
            "label, alternative label or acronym)"
        )

    def concept(self, ref: str, scheme: str) -> ox.NamedNode | None:
        """A concept of ``{base}id/scheme/{scheme}`` by slug or label (any language, exactly
        then folded); ``None`` if none or several."""
        if is_slug(ref):
            node = self.ctx.iri("concept", scheme, ref)
            if self.exists(node):
                return node
        found = self.names(scheme).find(ref)
        return ox.NamedNode(found[0]) if len(found) == 1 else None

    def unit(self, ref: str) -> ox.NamedNode | None:
        """An organisational unit by IRI or by slug of a unit in the store; ``None`` if none."""
        if is_iri(ref) or ref.startswith("<"):
            return self.known(ref, "organisational unit")
        if is_slug(ref):
            node = self.ctx.iri("unit", ref)
            if self.exists(node):
                return node
        return None

    def _subjects(self, query: str, var: str, bound: dict[str, Term]) -> list[ox.NamedNode]:
        rows = self.ctx.store.query(
            query, substitutions={ox.Variable(k): v for k, v in bound.items()}
        )
        return [row[var] for row in rows if isinstance(row[var], ox.NamedNode)]


def terms(ctx: ImportContext, path: ox.NamedNode | str) -> Iterator[tuple[Term, str]]:
    """(value, subject IRI) of every ``?s path ?value`` in the store.

    ``path`` is a property or a SPARQL property path written from terms. A replacing load
    leaves out its own target graph: what it is about to overwrite must not count as
    already there. One query for the whole file, not one per row.
    """
    query = f"SELECT ?s ?v ?g WHERE {{ GRAPH ?g {{ ?s {path} ?v }} FILTER(isIRI(?s)) }}"
    excluded = ctx.lookup_excludes
    for row in ctx.store.query(query):
        if row["g"].value != excluded:
            yield row["v"], row["s"].value


def known_labels(ctx: ImportContext, subjects: set[str]) -> dict[str, set[str]]:
    """The preferred and alternative labels (as N-Triples terms) of ``subjects``."""
    found: dict[str, set[str]] = {}
    for term, subject in terms(ctx, f"{SKOS.prefLabel}|{SKOS.altLabel}"):
        if subject in subjects:
            found.setdefault(subject, set()).add(str(term))
    return found


def identities(ctx: ImportContext, predicate: ox.NamedNode) -> Iterator[tuple[str, str]]:
    """(identifier, subject IRI) of every ``?s predicate ?identifier`` (see :func:`terms`)."""
    for term, subject in terms(ctx, predicate):
        if not isinstance(term, ox.Triple):  # an RDF-star triple term names nothing
            yield term.value, subject
