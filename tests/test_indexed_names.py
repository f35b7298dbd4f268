"""Institutions named in a register, looked up through the text index: the same answers as
reading every institution's labels (which took 11 to 30 s with the registries loaded)."""

from __future__ import annotations

import shutil
import unicodedata

import pyoxigraph as ox
import pytest

from graph_loader.importers.common import ImportContext
from graph_loader.importers.indexed_names import IndexedInstitutions, indexed_institutions
from graph_loader.importers.lookup import StoreLookup
from graph_loader.importers.names import Names, institution_names
from graph_loader.index import FILE_NAME
from graph_loader.store import open_store
from graph_loader.vocab import RDFS, SKOS

BASE = "https://w3id.org/lamcoop/"
EVERY_LABEL = f"SELECT DISTINCT ?l WHERE {{ ?s {RDFS.label}|{SKOS.prefLabel}|{SKOS.altLabel} ?l }}"


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _spellings(label: str) -> list[str]:
    """``label`` as written, and as people type it: upper case, hyphens for spaces, no
    accents, Arabic yeh and kaf for the Persian letters, a space for the ZWNJ."""
    persian = label.replace("ی", "ي").replace("ک", "ك").replace("\u200c", " ")
    return [label, label.upper(), label.replace(" ", "-"), _unaccented(label), persian]


def test_the_index_names_what_every_label_read_at_once_names(dataset_reader):
    """Labels in the store (every institution's, and others), in five spellings, and each
    institution's slug: the index finds exactly the IRIs the whole list finds."""
    whole = institution_names(dataset_reader, BASE)
    indexed = indexed_institutions(dataset_reader, base_iri=BASE)
    assert isinstance(indexed, IndexedInstitutions)
    labels = sorted({row["l"].value for row in dataset_reader.query(EVERY_LABEL)})
    # Every institution's label, and one in four of the others (the record's labels in
    # three languages made this the suite's slowest test whole): a fixed, spread sample.
    named = [label for label in labels if whole.find(label)]
    others = [label for label in labels if not whole.find(label)][::4]
    asked = {spelt for label in named + others for spelt in _spellings(label)}
    asked |= {"peking-university", "Peking-University", "Nowhere At All", "", "  "}
    found_some = 0
    for text in sorted(asked):
        assert indexed.find(text) == whole.find(text), text
        found_some += bool(whole.find(text))
    assert found_some > 100  # institutions were found, not only nothing twice


def test_suggestions_are_institutions_labels_as_written(dataset_reader):
    indexed = indexed_institutions(dataset_reader, base_iri=BASE)
    assert indexed is not None
    # A label the name contains, and labels containing the name.
    assert "Peking University" in indexed.near("Peking University Library, Beijing")
    assert "Peking University" in indexed.near("peking univ")
    # Persian typed with Arabic letters finds the Persian label as written.
    near = indexed.near("كتابخانه ملي")
    assert near and all("ک" in label or "ی" in label for label in near)
    assert indexed.near("zz") == [] and indexed.near("no such thing anywhere") == []


def test_a_register_reads_the_index_only_when_it_is_up_to_date(dataset_store, tmp_path):
    """A built store's look-ups use its index; a store whose index is gone reads every name
    (as before), and a store in memory has none."""
    copy = tmp_path / "store"
    shutil.copytree(dataset_store.path, copy)

    def institutions(path) -> object:
        store = open_store(path, read_only=path is not None)
        try:
            ctx = ImportContext(store=store, base_iri=BASE, graph=f"{BASE}graph/x", source="x")
            return StoreLookup(ctx).institutions()
        finally:
            store.close()

    assert isinstance(institutions(copy), IndexedInstitutions)
    (copy / FILE_NAME).unlink()
    assert isinstance(institutions(copy), Names)
    assert isinstance(institutions(None), Names)


@pytest.mark.parametrize("name", ["Peking University", "北京大学", "peking-university"])
def test_an_institution_named_in_any_way_is_one_iri(dataset_reader, name):
    indexed = indexed_institutions(dataset_reader, base_iri=BASE)
    assert indexed is not None
    assert indexed.find(name) == [f"{BASE}id/institution/peking-university"]
    assert ox.NamedNode(indexed.find(name)[0]) in {
        row["s"] for row in dataset_reader.query(f"SELECT ?s WHERE {{ ?s {RDFS.label} ?l }}")
    }


def test_a_store_opened_by_a_relative_path_reads_its_index(dataset_store, monkeypatch):
    """``index.open_reading`` made a file URI of the index's path, which for a store opened
    by a relative path raised ``ValueError`` ("relative path can't be expressed as a file
    URI") from every look-up."""
    monkeypatch.chdir(dataset_store.path.parent)
    store = open_store(dataset_store.path.name, read_only=True)
    try:
        indexed = indexed_institutions(store, base_iri=BASE)
        assert indexed is not None
        assert indexed.find("Peking University") == [f"{BASE}id/institution/peking-university"]
    finally:
        store.close()
