"""What the index reads of a graph: its *facts*, the types, labels and identifiers it states.

A fact is a row ``(graph, subject, what, predicate, value, language)``: ``what`` is ``t``
(a type), ``l`` (a label) or ``i`` (an identifier: an ISIL, or a Wikidata id from an
``owl:sameAs`` link). Facts are read from a store (:func:`read_facts`, three queries bounded
by the graph) or, when a write knows a graph's whole new content, from its triples
(:func:`facts_of`, no read back); both keep the same statements, as this module's rule says.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from graph_loader.store import ReadableStore
from graph_loader.vocab import DCTERMS, LAMC, OWL, RDF, RDFS, SKOS, XSD
from graph_loader.wikidata import ENTITY_SPELLINGS

#: Labels that name an entity on pages (the first three) and that search also reads.
LABELS = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title", SKOS + "altLabel")
#: Identifiers search matches exactly: ISIL, and Wikidata ids from ``owl:sameAs`` links.
ISIL = LAMC + "isil"
SAME_AS = OWL + "sameAs"
#: Every predicate a fact comes from: what a write keeps of its triples for the index.
FACT_PREDICATES = frozenset((RDF + "type", *LABELS, ISIL, SAME_AS))
_STRINGS = frozenset((XSD + "string", RDF + "langString"))
_KIND = {RDF + "type": "t", ISIL: "i", SAME_AS: "i", **dict.fromkeys(LABELS, "l")}

Fact = tuple[str, str, str, str, str, str]

# Three queries bound to one graph, filtered by the engine as far as SPARQL says the rule;
# :func:`_fact` then keeps what the rule says.
_TYPES = (
    f"SELECT ?g ?s ?o WHERE {{ GRAPH ?g {{ ?s <{RDF}type> ?o }} FILTER(isIRI(?s) && isIRI(?o)) }}"
)
_VALUES = (
    "SELECT ?g ?s ?p ?o WHERE {{ VALUES ?p {{ {} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}"
)
_LABELS = _VALUES.format(" ".join(f"<{p}>" for p in LABELS))
_IDENTS = _VALUES.format(f"<{ISIL}> <{SAME_AS}>")


def read_facts(store: ReadableStore, graph: str) -> Iterator[Fact]:
    """Every fact ``graph`` states, read from ``store`` (three queries bound to it)."""
    bound = {ox.Variable("g"): ox.NamedNode(graph)}
    type_ = ox.NamedNode(RDF + "type")
    for row in store.query(_TYPES, substitutions=bound):
        yield from _fact(graph, row["s"], type_, row["o"])
    for text in (_LABELS, _IDENTS):
        for row in store.query(text, substitutions=bound):
            yield from _fact(graph, row["s"], row["p"], row["o"])


def facts_of(graph: str, triples: Iterable[ox.Triple | ox.Quad]) -> list[Fact]:
    """Every fact ``triples`` state once they are ``graph``'s content, each once, literals
    as the store holds them: the parser already gives language tags in lower case, and a
    literal of another type than a string is written again by an in-memory Oxigraph store
    (whose rules the engine's are: ``"01"^^xsd:integer`` is held as ``"1"``).

    >>> t = ox.Triple(ox.NamedNode("urn:x:a"), ox.NamedNode(RDFS + "label"), ox.Literal("A"))
    >>> facts_of("urn:x:g", [t, t])
    [('urn:x:g', 'urn:x:a', 'l', 'http://www.w3.org/2000/01/rdf-schema#label', 'A', '')]
    """
    found: dict[Fact, None] = {}
    typed = ox.Store()
    for t in triples:
        obj = t.object
        if isinstance(obj, ox.Literal) and obj.datatype.value not in _STRINGS:
            typed.add(ox.Quad(t.subject, t.predicate, obj))
        else:
            found.update(dict.fromkeys(_fact(graph, t.subject, t.predicate, obj)))
    for q in typed:
        found.update(dict.fromkeys(_fact(graph, q.subject, q.predicate, q.object)))
    return list(found)


def _fact(graph: str, subject: object, predicate: ox.NamedNode, obj: object) -> Iterator[Fact]:
    """The fact one statement makes, if any (the rule both readers share)."""
    what = _KIND.get(predicate.value)
    if what is None or not isinstance(subject, ox.NamedNode):
        return
    if what == "t":
        if isinstance(obj, ox.NamedNode):
            yield graph, subject.value, "t", "", obj.value, ""
    elif what == "l":
        if isinstance(obj, ox.Literal):
            yield graph, subject.value, "l", predicate.value, obj.value, obj.language or ""
    elif isinstance(obj, ox.NamedNode | ox.Literal):
        value = obj.value
        if predicate.value == SAME_AS:
            if not value.startswith(ENTITY_SPELLINGS):
                return
            value = value.rsplit("/", 1)[-1]
        yield graph, subject.value, "i", predicate.value, value, ""
