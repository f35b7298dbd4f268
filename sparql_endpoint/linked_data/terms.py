"""The ontology's labels of its terms (classes and properties), in every language."""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader.describe import Select
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader

TERM_LABELS_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?og ?x ?l WHERE { GRAPH ?og { ?x rdfs:label ?l } FILTER(isIRI(?x)) }"""


def term_labels(select: Select = reader.select) -> dict[str, list[ox.Literal]]:
    """IRI of every labelled term of the ontology graph -> its labels."""
    graph = ox.NamedNode(service().settings.graph_iri("ontology"))
    found: dict[str, list[ox.Literal]] = {}
    for row in select(TERM_LABELS_QUERY, {"og": graph}):
        found.setdefault(row["x"].value, []).append(row["l"])  # type: ignore[arg-type]
    return found
