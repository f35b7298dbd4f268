"""Where the ontology, shapes and dataset-of-record files are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph_loader.graphs import SHIPPED_BASE, rebase
from graph_loader.vocab import Term

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The directory ``ontology``, ``shapes`` or ``data``.

    In a wheel they sit in ``graph_loader/_resources``; in a checkout (or an editable
    install) beside the package.
    """
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ directory is missing from this installation")


def shipped_rdf(path: Path, *, base_iri: str) -> tuple[bytes, ox.RdfFormat]:
    """A shipped Turtle file (ontology, shapes) for a store whose base is ``base_iri``: the
    file as it is under the shipped base, else its statements with the entity and graph IRIs
    moved under ``base_iri`` (:func:`~graph_loader.graphs.rebase`), as N-Triples."""
    data = path.read_bytes()
    if base_iri == SHIPPED_BASE:
        return data, ox.RdfFormat.TURTLE
    moved = [
        ox.Triple(_moved_node(t.subject, base_iri), t.predicate, _moved(t.object, base_iri))
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=SHIPPED_BASE)
    ]
    return ox.serialize(moved, format=ox.RdfFormat.N_TRIPLES) or b"", ox.RdfFormat.N_TRIPLES


def _moved(term: Term, base_iri: str) -> Term:
    return _moved_node(term, base_iri) if isinstance(term, ox.NamedNode) else term


def _moved_node(node: ox.NamedNode | ox.BlankNode | ox.Triple, base_iri: str):
    if isinstance(node, ox.NamedNode):
        return ox.NamedNode(rebase(node.value, base_iri))
    return node
