"""What the fidelity checks share: each seed graph as the build writes it, read with SPARQL.

Each check names the place of the source document it reads back (table, row, section, line of
the extracted text); where ../shared is present, the printed form is also found in the seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.record import record_source

BASE = "https://w3id.org/lamcoop/"
REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
PREFIXES = """
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
DOCUMENTS = {
    "seed-000": "000_a973b8066488d974",
    "seed-001": "001_a4577af1700b26fe",
    "seed-002": "002_6a0016c2059dec43",
}


def built(graph: str) -> ox.Store:
    """The graph as the build loads it: its N-Triples in a real in-memory store."""
    store = ox.Store()
    store.load(
        record_source(graph).write(BASE, REPO / "data").ntriples(), format=ox.RdfFormat.N_TRIPLES
    )
    return store


@pytest.fixture(scope="package")
def seed000() -> ox.Store:
    return built("seed-000")


@pytest.fixture(scope="package")
def seed001() -> ox.Store:
    return built("seed-001")


@pytest.fixture(scope="package")
def seed002() -> ox.Store:
    return built("seed-002")


def seed_text(graph: str, *, flat: bool = False) -> str | None:
    """The seed's text (whitespace removed when ``flat``), or None where ../shared is absent."""
    path = SEEDS / f"{DOCUMENTS[graph]}.txt"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", "", text) if flat else text


def select(store: ox.Store, query: str, **bound: ox.NamedNode) -> list[ox.QuerySolution]:
    """Run ``query`` with ``bound`` IRIs as values (each joins the projection, as Oxigraph asks)."""
    projected = query.replace("SELECT", "SELECT " + " ".join(f"?{k}" for k in bound), 1)
    subs = {ox.Variable(k): v for k, v in bound.items()}
    return list(store.query(PREFIXES + projected, substitutions=subs))


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(f"{BASE}id/{path}")


def section(graph: str, name: str) -> ox.NamedNode:
    return iri(f"document/{DOCUMENTS[graph]}/{name}")


def label_and_source(store: ox.Store, node: ox.NamedNode, lang: str) -> tuple[set[str], set[str]]:
    """The node's preferred labels in ``lang`` and the sections it is cited to."""
    rows = store.query(
        PREFIXES
        + """SELECT ?n ?lang ?l ?s WHERE { ?n skos:prefLabel ?l ; dcterms:source ?s .
                                          FILTER(langMatches(lang(?l), ?lang)) }""",
        substitutions={ox.Variable("n"): node, ox.Variable("lang"): ox.Literal(lang)},
    )
    rows = list(rows)
    return {r["l"].value for r in rows}, {r["s"].value.rsplit("/", 1)[1] for r in rows}


def notes(store: ox.Store, node: ox.NamedNode) -> str:
    return " ".join(
        r["n"].value for r in select(store, "SELECT ?n WHERE { ?e skos:editorialNote ?n }", e=node)
    )
