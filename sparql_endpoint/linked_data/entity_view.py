"""What an entity's HTML page shows, built from its :class:`Description`.

Labels in the reader's language with their own ``lang`` and direction; properties by their
labels from the ontology; links to related entities as local paths; the graph and the
citation of each statement; the coordinates, when the entity has some. Typed values as
people write them (:mod:`~sparql_endpoint.linked_data.plain_values`); what the reasoner
inferred (the ``inferred`` graph) apart from what the sources state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader.describe import PAGE_LABELS, Description, Statement
from graph_loader.graphs import Role, role_of
from graph_loader.vocab import DCTERMS, GEO, LAMC, RDF, SKOS, XSD, Labelled, pick_label, text_of
from sparql_endpoint.linked_data.plain_values import BOOLEAN, plain
from sparql_endpoint.linked_data.present import Text, as_text, html_lang, local_name, local_path

RDF_TYPE = RDF + "type"
SKOS_ALT = SKOS + "altLabel"
DCT_SOURCE = DCTERMS + "source"


@dataclass
class Citation:
    """What a source says of one statement: its section and the printed wording."""

    source: Link | None
    printed: list[Text] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)


@dataclass
class Link:
    """A link to a thing, shown by its label."""

    href: str
    text: Text
    iri: str


@dataclass
class Value:
    """One value of a property: a link, a literal or a nested blank node."""

    graph: str
    link: Link | None = None
    literal: Text | None = None
    #: A datatype the value is not shown plainly in (one of no known plain form).
    datatype: str = ""
    #: An ``xsd:boolean`` value, which the page words in the reader's language.
    boolean: bool | None = None
    nested: list[Row] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Row:
    """A property and its values."""

    predicate: Link
    values: list[Value] = field(default_factory=list)


@dataclass
class EntityView:
    """Everything the entity template renders."""

    iri: str
    title: Text
    labels: list[Text]
    types: list[Link]
    rows: list[Row]
    #: What the reasoner inferred (types included), shown apart from what sources state.
    inferred: list[Row]
    incoming: list[tuple[Link, Link, str]]
    sources: list[Link]
    graphs: list[str]
    point: tuple[float, float] | None
    translated: list[str]

    @property
    def inferred_count(self) -> int:
        return sum(len(r.values) for r in self.inferred)


def term_links(terms: Mapping[str, Sequence[Labelled]], lang: str, base: str) -> dict[str, Link]:
    """Each term of ``terms`` (IRI -> labels) as pages link it in ``lang``: made once per
    data version and language (``entities.known_term_links``), since every page links its
    properties and types by the ontology's labels. The links are shared: never changed."""
    return {iri: _labelled(iri, labels, lang, base) for iri, labels in terms.items()}


def _labelled(iri: str, labels: Sequence[Labelled], lang: str, base: str) -> Link:
    lit = pick_label(labels, lang=lang)
    text = as_text(lit) if lit else Text(local_name(iri))
    return Link(local_path(iri, base), text, iri)


def shown_as(v: Value, o: ox.Literal, lang: str) -> Value:
    """``v`` showing the literal ``o`` as a reader of ``lang`` writes it: a typed value in
    the reader's figures, a boolean as yes or no, a datatype with no plain form named."""
    shown = plain(o, lang)
    v.literal = shown or as_text(o)
    if o.datatype.value == BOOLEAN and o.value in ("true", "false", "1", "0"):
        v.boolean = o.value in ("true", "1")
    elif shown is None and not o.language and o.datatype != XSD.string:
        v.datatype = local_name(o.datatype.value)
    return v


class _Builder:
    def __init__(self, d: Description, lang: str, base: str, terms: Mapping[str, Link]):
        self.d, self.lang, self.base, self.terms = d, lang, base, terms
        self.labels = d.label_map()
        self.blank: dict[ox.BlankNode, list[Statement]] = defaultdict(list)
        for s in d.closure:
            if isinstance(s.subject, ox.BlankNode):  # the closure's statements are about these
                self.blank[s.subject].append(s)
        self.citations = self._citations()

    def link(self, iri: str) -> Link:
        return _labelled(iri, self.labels.get(iri, []), self.lang, self.base)

    def term(self, iri: str) -> Link:
        return self.terms.get(iri) or _labelled(iri, (), self.lang, self.base)

    def value(self, s: Statement, depth: int = 0) -> Value:
        v = Value(graph=s.graph.value)
        o = s.object
        if isinstance(o, ox.NamedNode):
            v.link = self.link(o.value)
        elif isinstance(o, ox.Literal):
            shown_as(v, o, self.lang)
        elif isinstance(o, ox.BlankNode) and depth < 4:
            v.nested = self.rows(self.blank.get(o, []), depth + 1)
        v.citations = self.citations.get((s.subject, s.predicate, o), [])
        return v

    def rows(
        self, statements: list[Statement], depth: int = 0, *, types: bool = False
    ) -> list[Row]:
        grouped: dict[str, list[Statement]] = defaultdict(list)
        for s in statements:
            if depth == 0 and s.predicate.value in PAGE_LABELS:
                continue
            if depth == 0 and s.predicate.value == RDF_TYPE and not types:
                continue
            grouped[s.predicate.value].append(s)
        rows = [
            Row(self.term(p), [self.value(s, depth) for s in group]) for p, group in grouped.items()
        ]
        return sorted(rows, key=lambda r: r.predicate.text.value.lower())

    def _citations(self) -> dict[tuple, list[Citation]]:
        """rdf:Statement nodes of the closure, keyed by the statement they cite."""
        found: dict[tuple, list[Citation]] = defaultdict(list)
        for node, statements in self.blank.items():
            by = defaultdict(list)
            for s in statements:
                by[s.predicate.value].append(s.object)
            if ox.NamedNode(RDF + "Statement") not in by.get(RDF_TYPE, []):
                continue
            if not (
                by.get(RDF + "subject") and by.get(RDF + "predicate") and by.get(RDF + "object")
            ):
                continue
            key = (by[RDF + "subject"][0], by[RDF + "predicate"][0], by[RDF + "object"][0])
            src = by.get(DCT_SOURCE, [])
            found[key].append(
                Citation(
                    self.link(text_of(src[0])) if src else None,
                    [
                        as_text(x)
                        for x in by.get(LAMC + "printedAs", [])
                        if isinstance(x, ox.Literal)
                    ],
                    [
                        as_text(x)
                        for x in by.get(DCTERMS + "description", [])
                        if isinstance(x, ox.Literal)
                    ],
                )
            )
            del node
        return found


def build_view(d: Description, lang: str, base: str, terms: Mapping[str, Link]) -> EntityView:
    """The page of ``d`` in ``lang``; ``terms`` are the links to the ontology's terms in
    ``lang`` (:func:`term_links`), by which properties and types are shown."""
    b = _Builder(d, lang, base, terms)
    translated = [
        html_lang(s.object.value)
        for s in d.outgoing
        if s.predicate.value == LAMC + "translatedLanguage" and isinstance(s.object, ox.Literal)
    ]
    own = [
        (s.predicate.value, s.object)
        for s in d.outgoing
        if s.predicate.value in (*PAGE_LABELS, SKOS_ALT) and isinstance(s.object, ox.Literal)
    ]
    labels = list(dict.fromkeys(as_text(lit, translated) for _, lit in own))
    # The title is a label; an entity with only alternative labels is titled by one of them.
    title_lit = pick_label(b.labels.get(d.iri) or own, lang=lang)
    title = as_text(title_lit, translated) if title_lit else Text(local_name(d.iri))
    stated, inferred = _apart(d.outgoing, base)
    types = [b.term(text_of(s.object)) for s in stated if s.predicate.value == RDF_TYPE]
    incoming = [
        (b.link(s.subject.value), b.term(s.predicate.value), s.graph.value) for s in d.incoming
    ]
    sources = [
        b.link(s.object.value)
        for s in d.outgoing
        if s.predicate.value == DCT_SOURCE and isinstance(s.object, ox.NamedNode)
    ]
    return EntityView(
        iri=d.iri,
        title=title,
        labels=labels,
        types=types,
        rows=b.rows(stated),
        inferred=b.rows(inferred, types=True),
        incoming=incoming,
        sources=list({s.iri: s for s in sources}.values()),
        graphs=d.graphs,
        point=_point(d),
        translated=translated,
    )


def _apart(statements: list[Statement], base: str) -> tuple[list[Statement], list[Statement]]:
    """The statements some graph states, and those only the inferred graph holds."""
    stated: list[Statement] = []
    inferred: list[Statement] = []
    for s in statements:
        role = role_of(s.graph.value, base_iri=base)
        (inferred if role is Role.INFERRED else stated).append(s)
    said = {(s.predicate, s.object) for s in stated}
    return stated, [s for s in inferred if (s.predicate, s.object) not in said]


def _point(d: Description) -> tuple[float, float] | None:
    """(latitude, longitude) when the entity states both."""
    found: dict[str, float] = {}
    for s in d.outgoing:
        if s.predicate.value in (GEO + "lat", GEO + "long") and isinstance(s.object, ox.Literal):
            try:
                found[s.predicate.value] = float(s.object.value)
            except ValueError:
                continue
    if GEO + "lat" in found and GEO + "long" in found:
        return found[GEO + "lat"], found[GEO + "long"]
    return None
