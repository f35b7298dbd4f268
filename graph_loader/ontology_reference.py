"""The HTML reference of the ontology: every class, property and individual, in three languages.

``render_reference(graph)`` turns the ontology graph into one page; each term has an anchor
(``#Institution`` for ``lamc:Institution``, ``#org:Organization`` for an external term,
``#standard/marc-21`` for an individual under ``{base}id/``). The web service serves it;
``python -m graph_loader.ontology_reference docs/ontology.html`` writes the static copy.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph_loader.resources import resource_dir
from graph_loader.safe_output import linkable
from graph_loader.store import ReadableStore
from graph_loader.vocab import DCTERMS, LAMC, PREFIXES, VANN

ID_BASE = "https://w3id.org/lamcoop/id/"
ONTOLOGY = URIRef("https://w3id.org/lamcoop/ontology")
LANGUAGES = (("en", "English", "ltr"), ("fa", "فارسی", "rtl"), ("zh-Hans", "简体中文", "ltr"))
#: Namespace IRI -> prefix, for the names of terms outside the ontology.
CURIE_PREFIXES = MappingProxyType({iri: prefix for prefix, iri in PREFIXES.items()})
SECTIONS = (
    ("classes", "Classes", OWL.Class),
    ("object-properties", "Object properties", OWL.ObjectProperty),
    ("datatype-properties", "Datatype properties", OWL.DatatypeProperty),
    ("datatypes", "Datatypes", RDFS.Datatype),
    ("annotation-properties", "Annotation properties", OWL.AnnotationProperty),
    ("individuals", "Individuals", OWL.NamedIndividual),
)
#: Statements about a term shown as its own rows rather than under "other statements".
SHOWN = {
    RDF.type, RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.subClassOf,
    RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf, RDFS.isDefinedBy,
    OWL.equivalentClass, OWL.disjointWith,
}  # fmt: skip


@dataclass(frozen=True)
class Link:
    """A reference to a term: its name, and its anchor when the page describes it."""

    text: str
    href: str


@dataclass(frozen=True)
class Entry:
    """One term as the page shows it."""

    anchor: str
    iri: str
    name: str
    labels: dict[str, list[str]]
    definitions: list[str]
    rows: list[tuple[str, list[Link]]] = field(default_factory=list)


def anchor(iri: str) -> str:
    """The fragment naming ``iri`` on the page."""
    if iri.startswith(ontology := str(LAMC)):
        return iri[len(ontology) :]
    if iri.startswith(ID_BASE):
        return iri[len(ID_BASE) :]
    return curie(iri)


def curie(iri: str) -> str:
    for namespace, prefix in CURIE_PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


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

    def link(self, node: Node) -> Link:
        if isinstance(node, BNode):
            return Link(self.expression(node), "")
        if isinstance(node, Literal):
            return Link(str(node), "")
        iri = str(node)
        href = f"#{anchor(iri)}" if node in self.described else iri if linkable(iri) else ""
        return Link(curie(iri), href)

    def expression(self, node: BNode) -> str:
        """A class or datatype expression in words: unions and intersections."""
        for prop, word in ((OWL.unionOf, " or "), (OWL.intersectionOf, " and ")):
            members = self.graph.value(node, prop)
            if members is not None:
                return "(" + word.join(curie(str(m)) for m in Collection(self.graph, members)) + ")"
        inverse = self.graph.value(node, OWL.inverseOf)
        if inverse is not None:
            return f"inverse of {curie(str(inverse))}"
        if self.graph.value(node, RDF.first) is not None:  # a property chain
            return " then ".join(self.link(step).text for step in Collection(self.graph, node))
        return "an anonymous expression"

    def links(self, subject: Node, prop: URIRef) -> list[Link]:
        return sorted((self.link(o) for o in self.graph.objects(subject, prop)), key=_key)

    def entry(self, term: URIRef) -> Entry:
        g = self.graph
        labels: dict[str, list[str]] = {code: [] for code, _, _ in LANGUAGES}
        for prop in (RDFS.label, SKOS.prefLabel):
            for label in g.objects(term, prop):
                code = _language(label)
                if code in labels and str(label) not in labels[code]:
                    labels[code].append(str(label))
        definitions = sorted(str(d) for d in g.objects(term, SKOS.definition))
        rows = [
            (name, self.links(term, prop))
            for name, prop in (
                ("Type", RDF.type),
                ("Subclass of", RDFS.subClassOf),
                ("Equivalent to", OWL.equivalentClass),
                ("Disjoint with", OWL.disjointWith),
                ("Subproperty of", RDFS.subPropertyOf),
                ("Inverse of", OWL.inverseOf),
                ("Domain", RDFS.domain),
                ("Range", RDFS.range),
                ("Defined by", RDFS.isDefinedBy),
            )
        ]
        below = sorted((self.link(s) for s in g.subjects(RDFS.subClassOf, term)), key=_key)
        rows.append(("Has subclasses", below))
        rows += self.other_rows(term)
        shown = [(name, links) for name, links in rows if links]
        return Entry(anchor(str(term)), str(term), curie(str(term)), labels, definitions, shown)

    def other_rows(self, term: URIRef) -> list[tuple[str, list[Link]]]:
        props = sorted(
            {p for p in self.graph.predicates(term) if isinstance(p, URIRef) and p not in SHOWN},
            key=str,
        )
        return [(curie(str(p)), self.links(term, p)) for p in props]


def _language(label: Node) -> str:
    tag = label.language if isinstance(label, Literal) and label.language else ""
    return next((code for code, _, _ in LANGUAGES if code.lower() == tag.lower()), tag)


def _key(link: Link) -> str:
    return link.text.casefold()


def render_reference(graph: Graph) -> str:
    """The HTML reference page of the ontology in ``graph``."""
    builder = _Builder(graph)
    sections = []
    for slug, title, kind in SECTIONS:
        members = sorted(
            (s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)),
            key=lambda s: anchor(str(s)).casefold(),
        )
        if members:
            sections.append((slug, title, [builder.entry(m) for m in members]))
    meta: dict[str, Any] = {
        "title": _english(graph, URIRef(DCTERMS + "title")),
        "description": _english(graph, URIRef(DCTERMS + "description")),
        "version": str(graph.value(ONTOLOGY, OWL.versionInfo) or ""),
        "version_iri": str(graph.value(ONTOLOGY, OWL.versionIRI) or ""),
        "license": str(graph.value(ONTOLOGY, URIRef(DCTERMS + "license")) or ""),
        "creator": str(graph.value(ONTOLOGY, URIRef(DCTERMS + "creator")) or ""),
        "prefix": str(graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespacePrefix")) or ""),
        "namespace": str(graph.value(ONTOLOGY, URIRef(VANN + "preferredNamespaceUri")) or ""),
    }
    titles: dict[str, list[str]] = {code: [] for code, _, _ in LANGUAGES}
    for value in graph.objects(ONTOLOGY, URIRef(DCTERMS + "title")):
        titles.setdefault(_language(value), []).append(str(value))
    meta["titles"] = titles
    return _template().render(meta=meta, sections=sections, languages=LANGUAGES)


def _english(graph: Graph, prop: URIRef) -> str:
    values = list(graph.objects(ONTOLOGY, prop))
    chosen = [v for v in values if _language(v) == "en"] or values
    return str(chosen[0]) if chosen else ""


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph_loader", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests["linkable"] = linkable
    return env.get_template("ontology_reference.html")


def shipped_ontology() -> Graph:
    """The ontology file that ships with lamcoop."""
    return Graph().parse(resource_dir("ontology") / "lamcoop.ttl", format="turtle")


def ontology_from_store(store: ReadableStore, graph: str) -> Graph:
    """The ontology as loaded into ``graph`` of the store, for rendering what is served."""
    data = store.dump_graph(graph, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def write_reference(path: Path) -> None:
    """Write the reference of the shipped ontology to ``path`` (the static copy in docs/)."""
    path.write_text(render_reference(shipped_ontology()), encoding="utf-8")


if __name__ == "__main__":
    write_reference(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/ontology.html"))
