"""What the tests of the summary and the search share: a service with an update token over
its own copy of the built dataset, a graph of labels in several scripts, and counting the
entry kinds by SPARQL."""

from __future__ import annotations

from graph_loader.graphs import Purpose, graph_iris
from graph_loader.index import KINDS
from graph_loader.store import Store

TOKEN = "pages-index-token"
BASE = "https://w3id.org/lamcoop/"
TEST_GRAPH = "urn:x-lamcoop-test:labels"
EX = "http://example.org/x-lamcoop-test/"
LAMC = BASE + "ontology#"

#: Labels in several scripts, written as a reader's keyboard would not type them.
LABELS_TTL = f"""
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix lamc: <{LAMC}> .
<{EX}bnf> a lamc:NationalLibrary ; skos:prefLabel "Bibliothèque nationale de France"@fr ;
    lamc:isil "FR-751131015" ; owl:sameAs <http://www.wikidata.org/entity/Q193563> .
<{EX}nlai> a lamc:NationalLibrary ; skos:prefLabel "کتابخانه ملی ایران"@fa .
<{EX}ncl> a lamc:NationalLibrary ; skos:prefLabel "國家圖書館"@zh-Hant .
<{EX}pku> a lamc:AcademicLibrary ; skos:prefLabel "北京大学图书馆"@zh-Hans .
<{EX}exact> a lamc:Library ; rdfs:label "Zyxwlib"@en .
<{EX}prefix> a lamc:Library ; rdfs:label "Zyxwlib of Congress"@en .
<{EX}contained> a lamc:Library ; rdfs:label "National Zyxwlib"@en .
<{EX}kitab-fa> a lamc:Library ; rdfs:label "Qwkitab"@fa .
<{EX}kitab-en> a lamc:Library ; rdfs:label "Qwkitab"@en .
"""


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def index_graphs(store: Store) -> list:
    """The graphs the index covers, as pyoxigraph names (a query's default graph)."""
    from pyoxigraph import NamedNode

    return [NamedNode(g) for g in graph_iris(Purpose.INDEX, store, base_iri=BASE)]


def sparql_counts(store: Store) -> dict[str, int]:
    """Each kind's number of entities, by SPARQL over the graphs the index covers."""
    graphs = index_graphs(store)
    found = {}
    for kind in KINDS:
        rows = store.query(
            "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a/<http://www.w3.org/2000/01/"
            f"rdf-schema#subClassOf>* <{kind.cls}> FILTER(isIRI(?s)) }}",
            default_graph=graphs,
        )
        n = int(next(iter(rows))["n"].value)
        if n:
            found[kind.name] = n
    return found
