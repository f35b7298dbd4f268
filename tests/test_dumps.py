"""``lamcoop dump``: gzipped N-Quads of every graph and Turtle per graph, equal to the store;
a manifest; DCAT distributions (size, SHA-256) in the VoID graph; a second dump replaces."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph as ox

from graph_loader.store import open_store

BASE = "https://w3id.org/lamcoop/"
DATA = f"""@prefix ex: <http://example.org/> .
<{BASE}id/institution/a> ex:p "a"@en ; ex:q [ ex:r 1 ] .
<{BASE}id/institution/b> ex:p "b"@fa .
"""


def _store_quads(path):
    store = open_store(path)
    try:
        graphs = {g.iri: g.triples for g in store.graphs()}
        quads = {q for q in store.quads() if q.graph_name.value != BASE + "graph/void"}
        return graphs, quads
    finally:
        store.close()


def test_dump_writes_files_equal_to_the_store(invoke, tmp_path):
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    assert invoke("load", "data.ttl", "--graph", BASE + "graph/mine").exit_code == 0
    result = invoke("dump")
    assert result.exit_code == 0, result.output
    dumps = tmp_path / "dumps"
    graphs, quads = _store_quads(tmp_path / "lamcoop-store")
    all_quads = set(
        ox.parse(
            gzip.decompress((dumps / "lamcoop.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS
        )
    )
    assert len(all_quads) == len(quads)
    assert {q.graph_name.value for q in all_quads} == {q.graph_name.value for q in quads}
    mine = list(ox.parse((dumps / "mine.ttl").read_bytes(), format=ox.RdfFormat.TURTLE))
    assert len(mine) == graphs[BASE + "graph/mine"] == 4
    manifest = json.loads((dumps / ".manifest.json").read_text())
    for entry in manifest:
        data = (dumps / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_dcat_distributions_in_the_void_graph(invoke, tmp_path):
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    invoke("load", "data.ttl", "--graph", BASE + "graph/mine")
    assert invoke("dump").exit_code == 0
    store = open_store(tmp_path / "lamcoop-store")
    try:
        rows = list(
            store.query(
                """PREFIX dcat: <http://www.w3.org/ns/dcat#>
                PREFIX spdx: <http://spdx.org/rdf/terms#>
                SELECT ?url ?size ?sum ?media WHERE { GRAPH ?g {
                  ?ds dcat:distribution ?d . ?d dcat:downloadURL ?url ; dcat:byteSize ?size ;
                     dcat:mediaType ?media ; spdx:checksum [ spdx:checksumValue ?sum ] } }"""
            )
        )
    finally:
        store.close()
    by_name = {r["url"].value.rsplit("/", 1)[1]: r for r in rows}
    assert set(by_name) == {"lamcoop.nq.gz", "mine.ttl", "provenance.ttl"}
    ttl = (tmp_path / "dumps" / "mine.ttl").read_bytes()
    assert int(by_name["mine.ttl"]["size"].value) == len(ttl)
    assert by_name["mine.ttl"]["sum"].value == hashlib.sha256(ttl).hexdigest()
    assert by_name["lamcoop.nq.gz"]["media"].value.endswith("/application/n-quads")


def test_a_second_dump_replaces_files_of_dropped_graphs(invoke, tmp_path):
    (tmp_path / "data.ttl").write_text(DATA, encoding="utf-8")
    invoke("load", "data.ttl", "--graph", BASE + "graph/mine")
    invoke("load", "data.ttl", "--graph", BASE + "graph/other")
    assert invoke("dump").exit_code == 0
    assert (tmp_path / "dumps" / "other.ttl").is_file()
    store = open_store(tmp_path / "lamcoop-store")
    store.drop_graph(BASE + "graph/other")
    store.close()
    assert invoke("dump").exit_code == 0
    assert not (tmp_path / "dumps" / "other.ttl").exists()
    assert not list((tmp_path / "dumps").glob(".tmp-*"))
