"""Both registries of ../shared/data load completely, at the size of the real data: every
record loaded or merged, none rejected, one institution per Wikidata item however many rows
it has.

Slow and skipped where ../shared is absent. Each registry is loaded once, into a new graph.
That loading again does not duplicate is checked on their excerpts, quad for quad
(test_importers_wikidata.py, test_importers_imls.py), and replacing a large graph on
synthetic data (tests/hostile/test_replace_swap.py, test_interrupts.py): a full-file reload
here cost the suite a minute and a half and checked no more.
"""

from __future__ import annotations

import csv
import time

import pyoxigraph as ox
import pytest

from graph_loader.importers import import_file

BASE = "https://w3id.org/lamcoop/"
LAMC = "https://w3id.org/lamcoop/ontology#"

pytestmark = [pytest.mark.slow, pytest.mark.shared]


def data_rows(path, *, delimiter: str, encoding: str) -> int:
    """The file's records, counted independently of the importers."""
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quoting=csv.QUOTE_NONE)
        next(reader)
        return sum(1 for cells in reader if any(c.strip() for c in cells))


def institutions(store, graph: str) -> int:
    rows = store.query(
        f"SELECT (COUNT(DISTINCT ?i) AS ?n) ?g WHERE {{ GRAPH ?g {{ ?i a <{LAMC}Institution> }} }} "
        "GROUP BY ?g",
        substitutions={ox.Variable("g"): ox.NamedNode(graph)},
    )
    return int(next(iter(rows))["n"].value)


def check_complete(store, path, *, delimiter: str, encoding: str, expected_rows: int):
    """Import the file into a new graph; every record is loaded or merged, none rejected."""
    rows = data_rows(path, delimiter=delimiter, encoding=encoding)
    assert rows == expected_rows
    started = time.perf_counter()
    first = import_file(store, path, base_iri=BASE)
    seconds = time.perf_counter() - started
    tally = first.tally
    assert tally.rows == rows
    assert tally.loaded + tally.merged + len(tally.rejected) == rows
    assert not tally.rejected
    assert institutions(store, first.graph) == tally.loaded
    assert store.triple_count(first.graph) == first.triples
    print(f"{path.name}: {rows} rows in {seconds:.1f} s; {first.summary()}")
    return first


def test_full_imls_registry_loads_completely(store, shared_dir):
    path = shared_dir / "data" / "imls-museums" / "mudf14q3pub.csv"
    check_complete(store, path, delimiter=",", encoding="latin-1", expected_rows=35144)


def test_full_wikidata_export_loads_completely_one_institution_per_item(store, shared_dir):
    path = shared_dir / "data" / "wikidata-isil" / "institutions.tsv"
    first = check_complete(store, path, delimiter="\t", encoding="utf-8", expected_rows=41766)
    with path.open(encoding="utf-8") as handle:
        items = {line.split("\t", 1)[0] for line in handle if line.startswith("http")}
    assert first.tally.loaded == len(items)  # items on several rows merge
