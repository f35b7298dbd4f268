"""Terms between the two RDF libraries the engine speaks: pyoxigraph (the store) and
rdflib (shapes graphs and reports), and the SPARQL text of a term.

Terms are written into SPARQL with pyoxigraph's own serialisation, never by splicing text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

_XSD_STRING = str(XSD.string)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """The rdflib term for a pyoxigraph term (blank nodes keep their labels; RDF-star
    triple terms have no rdflib form)."""
    if isinstance(term, ox.Triple):
        raise TypeError(f"a triple term has no rdflib form: {term}")
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    # The lexical form is kept as it is: "1"^^xsd:boolean is not "true"^^xsd:boolean.
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_term(term: Node) -> str:
    """The SPARQL text of an IRI or literal (blank nodes cannot be named in a query)."""
    if isinstance(term, BNode):
        raise ValueError("a blank node cannot be written as a constant in SPARQL")
    return str(to_oxigraph(term))


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib graph of the triples (quads lose their graph name)."""
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def oxigraph_triples(graph: Graph) -> Iterator[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph triples."""
    for s, p, o in graph:
        subject, predicate = to_oxigraph(s), to_oxigraph(p)
        # rdflib holds generalised triples too; RDF does not.
        if isinstance(subject, ox.Literal) or not isinstance(predicate, ox.NamedNode):
            raise TypeError(f"not an RDF triple: {s!r} {p!r} {o!r}")
        yield ox.Triple(subject, predicate, to_oxigraph(o))
