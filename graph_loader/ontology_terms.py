"""The ontology as its reference page shows it: every class, property, datatype and individual,
with its labels and definitions in every language, and its relations to other terms.

:func:`reference` reads a graph once into frozen, language-free data; a page picks the words
of one language from it with :func:`graph_loader.vocab.pick_label` (the one label policy).
Two renderers read it: the service's page in the reader's language
(``sparql_endpoint/linked_data/ontology_view.py``) and the static English copy in
``docs/ontology.html`` (:mod:`graph_loader.ontology_reference`). Each term has an anchor
(``#Institution`` for ``lamc:Institution``, ``#org:Organization`` for an external term,
``#standard/marc-21`` for an individual under ``{base}id/``).

>>> anchor(str(LAMC) + "Institution"), anchor("http://www.w3.org/ns/org#Organization")
('Institution', 'org:Organization')
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph_loader.safe_output import linkable
from graph_loader.vocab import DCTERMS, LAMC, PREFIXES, VANN, same_language

#: A label or definition with the predicate it comes by (for pick_label).
Worded = tuple[str, ox.Literal]
ID_BASE = "https://w3id.org/lamcoop/id/"
ONTOLOGY = URIRef("https://w3id.org/lamcoop/ontology")
#: Namespace IRI -> prefix, for the names of terms outside the ontology.
CURIE_PREFIXES = MappingProxyType({iri: prefix for prefix, iri in PREFIXES.items()})
#: The page's sections: slug, English title (the service translates it by slug), kind.
SECTIONS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("datatypes", "Datatypes", RDFS.Datatype),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Individuals", OWL.NamedIndividual),
)
#: The rows each term may have, in order: key, English name (translated by key), property.
ROWS = (
    ("type", "Type", RDF.type),
    ("subclass-of", "Subclass of", RDFS.subClassOf),
    ("equivalent-to", "Equivalent to", OWL.equivalentClass),
    ("disjoint-with", "Disjoint with", OWL.disjointWith),
    ("subproperty-of", "Subproperty of", RDFS.subPropertyOf),
    ("inverse-of", "Inverse of", OWL.inverseOf),
    ("domain", "Domain", RDFS.domain),
    ("range", "Range", RDFS.range),
    ("defined-by", "Defined by", RDFS.isDefinedBy),
)
HAS_SUBCLASSES = ("has-subclasses", "Has subclasses")
#: A term's words: its labels (by predicate, for pick_label) and its definitions.
LABEL_PROPS = (SKOS.prefLabel, RDFS.label)
DEFINITION_PROPS = (SKOS.definition, RDFS.comment)
#: Statements about a term shown as its own rows rather than under "other statements".
SHOWN = {
    *(p for _, _, p in ROWS), *LABEL_PROPS, *DEFINITION_PROPS,
}  # fmt: skip


@dataclass(frozen=True)
class Ref:
    """A term a row names: its IRI, short name, link target and labels (every language)."""

    iri: str
    name: str
    #: ``#anchor`` when the page describes the term, the IRI when it is linkable, else "".
    href: str
    labels: tuple[Worded, ...] = ()
    form: str = "term"


@dataclass(frozen=True)
class Expression:
    """An anonymous class, datatype or property expression: ``union``, ``intersection``,
    ``inverse``, ``chain`` (of properties) of its members, or ``anonymous``."""

    kind: str
    members: tuple[Ref | Expression, ...]
    form: str = "expression"


@dataclass(frozen=True)
class Text:
    """A literal value of a row (a notation, an alternative label) with its language tag."""

    value: str
    lang: str
    form: str = "literal"


Value = Ref | Expression | Text


@dataclass(frozen=True)
class Row:
    """A row of a term's facts: its key (one of :data:`ROWS`, ``has-subclasses``, or
    ``other``), its English name, the property (for ``other`` rows) and its values."""

    key: str
    name: str
    prop: Ref | None
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Entry:
    """One term as the page shows it."""

    anchor: str
    iri: str
    name: str
    labels: tuple[Worded, ...]
    definitions: tuple[Worded, ...]
    #: Languages whose labels are lamcoop's translation (``lamc:translatedLanguage``).
    translated: tuple[str, ...]
    rows: tuple[Row, ...]

    def labels_in(self, lang: str) -> list[str]:
        """The label texts in exactly ``lang`` (each once), for a table of every language."""
        return list(
            dict.fromkeys(
                lit.value for _, lit in self.labels if same_language(lit.language or "", lang)
            )
        )


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Reference:
    """The whole page's data: the ontology's own description and its sections."""

    titles: tuple[Worded, ...]
    descriptions: tuple[Worded, ...]
    version: str
    version_iri: str
    license: str
    creator: str
    prefix: str
    namespace: str
    sections: tuple[Section, ...]


def anchor(iri: str) -> str:
    """The fragment naming ``iri`` on the page."""
    if iri.startswith(ontology := str(LAMC)):
        return iri[len(ontology) :]
    if iri.startswith(ID_BASE):
        return iri[len(ID_BASE) :]
    return curie(iri)


def curie(iri: str) -> str:
    """``prefix:local`` for an IRI in a known namespace, else the IRI."""
    for namespace, prefix in CURIE_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def literal(node: Literal) -> ox.Literal:
    """An rdflib literal as the pyoxigraph literal :func:`~graph_loader.vocab.pick_label` reads."""
    return ox.Literal(str(node), language=node.language) if node.language else ox.Literal(str(node))


class _Builder:
    """Turns the graph into the page's entries; knows which terms the page describes."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.described = {
            s
            for _, _, kind in SECTIONS
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef)
        }

    def words(self, term: Node, props: tuple[URIRef, ...]) -> tuple[Worded, ...]:
        found = [
            (str(p), literal(o))
            for p in props
            for o in self.graph.objects(term, p)
            if isinstance(o, Literal)
        ]
        return tuple(
            sorted(set(found), key=lambda pair: (pair[0], pair[1].language or "", pair[1].value))
        )

    def ref(self, node: URIRef) -> Ref:
        iri = str(node)
        href = f"#{anchor(iri)}" if node in self.described else iri if linkable(iri) else ""
        return Ref(iri, curie(iri), href, self.words(node, LABEL_PROPS))

    def value(self, node: Node) -> Value:
        if isinstance(node, BNode):
            return self.expression(node)
        if isinstance(node, Literal):
            return Text(str(node), node.language or "")
        return self.ref(node)  # type: ignore[arg-type]

    def expression(self, node: BNode) -> Expression:
        """A class or datatype expression: unions, intersections, inverses, chains."""
        g = self.graph
        for prop, kind in ((OWL.unionOf, "union"), (OWL.intersectionOf, "intersection")):
            members = g.value(node, prop)
            if members is not None:
                return Expression(kind, tuple(self._member(m) for m in Collection(g, members)))
        inverse = g.value(node, OWL.inverseOf)
        if inverse is not None:
            return Expression("inverse", (self._member(inverse),))
        if g.value(node, RDF.first) is not None:  # a property chain
            return Expression("chain", tuple(self._member(m) for m in Collection(g, node)))
        return Expression("anonymous", ())

    def _member(self, node: Node) -> Ref | Expression:
        if isinstance(node, BNode):
            return self.expression(node)
        return self.ref(URIRef(str(node)))

    def values(self, objects: list[Node]) -> tuple[Value, ...]:
        return tuple(sorted((self.value(o) for o in objects), key=_key))

    def entry(self, term: URIRef) -> Entry:
        g = self.graph
        rows = [
            Row(key, name, None, self.values(list(g.objects(term, p)))) for key, name, p in ROWS
        ]
        below = self.values(list(g.subjects(RDFS.subClassOf, term)))
        rows.append(Row(*HAS_SUBCLASSES, None, below))
        others = sorted(
            {p for p in g.predicates(term) if isinstance(p, URIRef) and p not in SHOWN}, key=str
        )
        rows += [
            Row("other", curie(str(p)), self.ref(p), self.values(list(g.objects(term, p))))
            for p in others
        ]
        translated = sorted(str(t) for t in g.objects(term, URIRef(LAMC + "translatedLanguage")))
        return Entry(
            anchor(str(term)),
            str(term),
            curie(str(term)),
            self.words(term, LABEL_PROPS),
            self.words(term, DEFINITION_PROPS),
            tuple(translated),
            tuple(r for r in rows if r.values),
        )


def _key(value: Value) -> str:
    """Values in the order of their names (an expression by its first member's)."""
    if isinstance(value, Ref):
        return value.name.casefold()
    if isinstance(value, Text):
        return value.value.casefold()
    return "(" + " ".join(_key(m) for m in value.members)


def reference(graph: Graph) -> Reference:
    """The reference page's data for the ontology in ``graph``."""
    builder = _Builder(graph)
    sections = []
    for slug, title, kind in SECTIONS:
        members = sorted(
            (s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)),
            key=lambda s: anchor(str(s)).casefold(),
        )
        if members:
            sections.append(Section(slug, title, tuple(builder.entry(m) for m in members)))

    def one(prop: URIRef) -> str:
        return str(graph.value(ONTOLOGY, prop) or "")

    return Reference(
        titles=builder.words(ONTOLOGY, (URIRef(DCTERMS + "title"),)),
        descriptions=builder.words(ONTOLOGY, (URIRef(DCTERMS + "description"),)),
        version=one(OWL.versionInfo),
        version_iri=one(OWL.versionIRI),
        license=one(URIRef(DCTERMS + "license")),
        creator=one(URIRef(DCTERMS + "creator")),
        prefix=one(URIRef(VANN + "preferredNamespacePrefix")),
        namespace=one(URIRef(VANN + "preferredNamespaceUri")),
        sections=tuple(sections),
    )
