"""The index follows the command line's writes: ``lamcoop load`` of RDF and of a table (an
importer) refresh it for the graph written, and ``lamcoop build`` makes it."""

from __future__ import annotations

import shutil
import sqlite3

from tests.conftest import REPO_ROOT

WIKIDATA = REPO_ROOT / "tests" / "fixtures" / "importers" / "wikidata-isil-excerpt.tsv"
EX = "http://example.org/x-lamcoop-test/"


def terms(store_dir, iri: str) -> set[str]:
    conn = sqlite3.connect(f"{(store_dir / 'index.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT norm FROM term WHERE iri = ?", (iri,))}
    finally:
        conn.close()


def found(store_dir, norm: str) -> bool:
    conn = sqlite3.connect(f"{(store_dir / 'index.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT 1 FROM term WHERE norm = ?", (norm,)).fetchone() is not None
    finally:
        conn.close()


def kind_count(store_dir, kind: str) -> int:
    conn = sqlite3.connect(f"{(store_dir / 'index.sqlite').as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT n FROM kind_count WHERE kind = ?", (kind,)).fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


def test_loading_rdf_and_a_table_refreshes_the_index(invoke, tmp_path):
    ttl = tmp_path / "libs.ttl"
    ttl.write_text(
        f"<{EX}a> a <https://w3id.org/lamcoop/ontology#Institution> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Bibliothèque Ünïcode"@fr .\n',
        encoding="utf-8",
    )
    result = invoke("--store", "st", "load", "--quiet", str(ttl), "--graph", "urn:x-lamcoop-test:g")
    assert result.exit_code == 0, result.output
    store_dir = tmp_path / "st"
    assert terms(store_dir, EX + "a") == {"bibliotheque unicode"}
    assert kind_count(store_dir, "institutions") == 1
    table = shutil.copy(WIKIDATA, tmp_path)  # its report of rejected rows is written beside it
    result = invoke("--store", "st", "load", "--quiet", "--as", "wikidata-isil", str(table))
    assert result.exit_code == 0, result.output
    assert kind_count(store_dir, "institutions") > 1
    assert found(store_dir, "us txdn")  # the ISIL of the table's first row
    ttl.write_text("", encoding="utf-8")  # loading the graph again, empty, removes the entity
    result = invoke("--store", "st", "load", "--quiet", str(ttl), "--graph", "urn:x-lamcoop-test:g")
    assert result.exit_code == 0, result.output
    assert terms(store_dir, EX + "a") == set()


def test_a_write_whose_refresh_was_cut_short_is_caught_up(store):
    """The store written without the index (as when a process dies between the two): the
    index is behind, and the next refresh, for any graph, re-reads the graph that moved."""
    import pyoxigraph as ox

    from graph_loader import index

    base = "https://w3id.org/lamcoop/"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    store.load_graph(f'<{EX}a> {label} "Alpha" .'.encode(), graph="urn:x-lamcoop-test:a",
                     format=ox.RdfFormat.TURTLE)  # fmt: skip
    index.refresh(store, ["urn:x-lamcoop-test:a"], base_iri=base)
    assert not index.behind(store, base_iri=base)
    store.load_graph(f'<{EX}b> {label} "Beta" .'.encode(), graph="urn:x-lamcoop-test:b",
                     format=ox.RdfFormat.TURTLE)  # fmt: skip
    assert index.behind(store, base_iri=base)
    assert terms(store.path, EX + "b") == set()
    index.refresh(store, [], base_iri=base)
    assert terms(store.path, EX + "b") == {"beta"}
    assert not index.behind(store, base_iri=base)


def test_an_index_of_another_version_is_made_again(store):
    """An index file whose tables another version of lamcoop made reads as absent (pages do
    not query tables that are not there), is behind, and the next refresh makes it again
    with this version's tables and every graph's facts."""
    import sqlite3

    import pyoxigraph as ox

    from graph_loader import index
    from graph_loader.index.db import SCHEMA_VERSION, index_path, open_reading

    base = "https://w3id.org/lamcoop/"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    store.load_graph(f'<{EX}a> {label} "Alpha" .'.encode(), graph="urn:x-lamcoop-test:a",
                     format=ox.RdfFormat.TURTLE)  # fmt: skip
    index.refresh(store, ["urn:x-lamcoop-test:a"], base_iri=base)
    with sqlite3.connect(index_path(store)) as old:  # as the version before this one left it
        old.execute("UPDATE meta SET value = '1' WHERE key = 'schema'")
        old.execute("DROP TABLE word")
        old.execute("CREATE TABLE gram(gram TEXT, id INTEGER)")
    old.close()
    assert open_reading(store) is None
    assert index.behind(store, base_iri=base)
    index.refresh(store, [], base_iri=base)
    conn = open_reading(store)
    assert conn is not None
    try:
        schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert schema == (SCHEMA_VERSION,) and "word" in tables and "gram" not in tables
    assert terms(store.path, EX + "a") == {"alpha"}
    assert not index.behind(store, base_iri=base)


def test_a_refresh_recomputes_only_the_entities_whose_facts_changed(store):
    """A graph replaced by itself recomputes no entry; one label changed recomputes that
    entity alone, whose new label is then found and the old one not."""
    import pyoxigraph as ox

    from graph_loader import index

    base = "https://w3id.org/lamcoop/"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    graph = "urn:x-lamcoop-test:refresh"
    names = {f"{EX}e{n}": f"Name {n}" for n in range(20)}

    def write(names: dict[str, str]) -> None:
        data = "".join(f'<{iri}> {label} "{name}" .\n' for iri, name in names.items())
        store.replace_graph(data.encode(), graph=graph, format=ox.RdfFormat.TURTLE)

    write(names)
    assert index.refresh(store, [graph], base_iri=base) == 20
    write(names)
    assert index.refresh(store, [graph], base_iri=base) == 0
    assert terms(store.path, EX + "e3") == {"name 3"}
    write({**names, EX + "e3": "Renamed"})
    assert index.refresh(store, [graph], base_iri=base) == 1
    assert terms(store.path, EX + "e3") == {"renamed"}
    assert not found(store.path, "name 3") and found(store.path, "name 4")
