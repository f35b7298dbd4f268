"""SHACL validation of the data in the store: SHACL core compiled to SPARQL, pySHACL for
the rest, one report model.

>>> from rdflib import Graph
>>> from graph_loader.store import open_store
>>> store = open_store(None)
>>> store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> a <urn:C> } }')
>>> shapes = Graph().parse(format="turtle", data='''
...   @prefix sh: <http://www.w3.org/ns/shacl#> .
...   <urn:S> a sh:NodeShape ; sh:targetClass <urn:C> ;
...     sh:property [ sh:path <urn:name> ; sh:minCount 1 ] .''')
>>> report = validate(store, shapes)
>>> report.conforms, [str(r.focus_node) for r in report.results]
(False, ['urn:a'])
"""

from graph_loader.shacl.engine import ENGINES, ShaclError, load_shapes, validate
from graph_loader.shacl.report import ValidationReport, ValidationResult

__all__ = [
    "ENGINES",
    "ShaclError",
    "ValidationReport",
    "ValidationResult",
    "load_shapes",
    "validate",
]
