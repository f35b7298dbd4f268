"""Institutions from a Wikidata/ISIL export, on an excerpt of the real file: one institution
per item, merged with what the store already holds, messy rows repaired or reported."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO_ROOT, snapshot

from graph_loader.importers import ImportRejected, detect, import_file

BASE = "https://w3id.org/lamcoop/"
LAMC = "https://w3id.org/lamcoop/ontology#"
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
WD = "http://www.wikidata.org/entity/"
EXCERPT = REPO_ROOT / "tests" / "fixtures" / "importers" / "wikidata-isil-excerpt.tsv"
GRAPH = f"{BASE}graph/wikidata-isil-excerpt"


def excerpt_rows() -> list[list[str]]:
    lines = EXCERPT.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t") for line in lines if line.strip()]


def wd(slug: str) -> str:
    return f"{BASE}id/institution/wd-{slug}"


def values(store, subject: str, prop: str) -> set[str]:
    bound = {ox.Variable("s"): ox.NamedNode(subject), ox.Variable("p"): ox.NamedNode(prop)}
    rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", substitutions=bound)
    return {row["o"].value for row in rows}


def same_as_subjects(store, item: str) -> set[str]:
    rows = store.query(
        f"SELECT ?s ?o WHERE {{ ?s <{OWL_SAME_AS}> ?o }}",
        substitutions={ox.Variable("o"): ox.NamedNode(WD + item)},
    )
    return {row["s"].value for row in rows}


def test_detected_from_the_header():
    assert detect(EXCERPT) == "wikidata-isil"


def test_one_institution_per_item_and_counts_add_up(store):
    result = import_file(store, EXCERPT, base_iri=BASE)
    rows = excerpt_rows()
    items = {row[0] for row in rows}
    tally = result.tally
    assert tally.rows == len(rows)
    assert (tally.loaded, tally.merged, len(tally.rejected)) == (
        len(items),
        len(rows) - len(items),
        0,
    )
    institutions = store.query(
        f"SELECT DISTINCT ?i WHERE {{ GRAPH <{GRAPH}> {{ ?i a <{LAMC}Institution> }} }}"
    )
    assert len(list(institutions)) == len(items)
    for item in items:
        assert same_as_subjects(store, item.rsplit("/", 1)[1]) == {
            wd(item.rsplit("/", 1)[1].lower())
        }


def test_item_on_several_rows_gathers_its_identifiers(store):
    import_file(store, EXCERPT, base_iri=BASE)
    assert values(store, wd("q867885"), LAMC + "isil") == {"DK-810010", "DK-810015"}
    assert values(store, wd("q157298"), LAMC + "gndId") == {"4681944-7", "5032766-5"}
    assert values(store, wd("q157298"), "http://www.w3.org/2004/02/skos/core#prefLabel") == {
        "Pergamonmuseum"
    }


def test_items_sharing_an_isil_stay_distinct(store):
    import_file(store, EXCERPT, base_iri=BASE)
    holders = store.query(
        f'SELECT ?i WHERE {{ ?i <{LAMC}isil> "DE-MUS-814517" }}',
    )
    assert {row["i"].value for row in holders} == {wd("q157298"), wd("q1954632")}


def test_types_labels_and_short_rows(store):
    result = import_file(store, EXCERPT, base_iri=BASE)
    assert values(store, wd("q28661924"), RDF_TYPE) == {LAMC + "Institution", LAMC + "Library"}
    assert values(store, wd("q157298"), RDF_TYPE) == {LAMC + "Institution", LAMC + "Museum"}
    assert values(store, wd("q860527"), RDF_TYPE) == {LAMC + "Institution"}
    # A row one cell short: its DBS id stood in the GND column.
    assert values(store, wd("q28661924"), LAMC + "dbsId") == {"LD157"}
    assert values(store, wd("q28661924"), LAMC + "gndId") == set()
    # Neither a GND nor a DBS id: left out and reported, the row loaded.
    assert values(store, wd("q28729513"), LAMC + "dbsId") == set()
    dropped = {(row.where, p.field) for row, problems in result.tally.dropped for p in problems}
    assert dropped == {(str(n), "?dbsId") for n in (32, 36, 37)}
    # Labels without a language; a label that is only the Q-number is no prefLabel.
    labels = store.query(
        "SELECT ?l ?i WHERE { ?i <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
        substitutions={ox.Variable("i"): ox.NamedNode(wd("q860527"))},
    )
    assert [str(row["l"]) for row in labels] == ['"University of North Texas"']
    assert values(store, wd("q61888363"), "http://www.w3.org/2000/01/rdf-schema#label") == {
        "Q61888363"
    }
    assert values(store, wd("q61888363"), "http://www.w3.org/2004/02/skos/core#prefLabel") == set()


def test_merges_with_institutions_already_in_the_store(store):
    other = ox.NamedNode(f"{BASE}graph/seed")
    oenb = ox.NamedNode(f"{BASE}id/institution/austrian-national-library")
    unt = ox.NamedNode(f"{BASE}id/institution/unt")
    store.extend(
        [
            ox.Quad(oenb, ox.NamedNode(LAMC + "isil"), ox.Literal("AT-OeNB"), other),
            ox.Quad(unt, ox.NamedNode(OWL_SAME_AS), ox.NamedNode(WD + "Q860527"), other),
        ]
    )
    result = import_file(store, EXCERPT, base_iri=BASE)
    rows = excerpt_rows()
    items = {row[0] for row in rows}
    merged_items = {WD + "Q304037", WD + "Q860527"}  # Q304037 holds AT-OeNB on two rows
    assert result.tally.loaded == len(items) - len(merged_items)
    assert result.tally.merged == len(rows) - result.tally.loaded
    assert same_as_subjects(store, "Q304037") == {oenb.value}
    assert values(store, oenb.value, LAMC + "gndId") == {"130529-3", "2020893-5"}
    assert values(store, wd("q304037"), RDF_TYPE) == set()
    # A merged institution keeps its own preferred label; the row's label is an alternative.
    assert values(store, unt.value, "http://www.w3.org/2004/02/skos/core#altLabel") == {
        "University of North Texas"
    }
    assert values(store, unt.value, "http://www.w3.org/2004/02/skos/core#prefLabel") == set()


def test_loading_twice_does_not_duplicate(store, tmp_path):
    first = import_file(store, EXCERPT, base_iri=BASE)
    graph_once = {str(q) for q in store.quads(GRAPH)}
    again = import_file(store, EXCERPT, base_iri=BASE)
    assert {str(q) for q in store.quads(GRAPH)} == graph_once
    assert (again.tally.loaded, again.tally.merged) == (first.tally.loaded, first.tally.merged)
    appended = import_file(store, EXCERPT, base_iri=BASE, replace=False)
    assert appended.tally.merged == appended.tally.rows
    assert {str(q) for q in store.quads(GRAPH)} == graph_once


def bad_export(tmp_path: Path) -> Path:
    text = EXCERPT.read_text(encoding="utf-8")
    bad = [
        "http://www.wikidata.org/entity/Q1\tBad ISIL\tDE_1\t",
        "https://example.org/not-wikidata\tNot an item\tDE-1\t",
        "\tNo item\tDE-2\t",
        "http://www.wikidata.org/entity/Q2\tBad GND\tDE-3\tnot-a-gnd\t",
    ]
    path = tmp_path / "export.tsv"
    path.write_text(text + "\n".join(bad) + "\n", encoding="utf-8")
    return path


def test_bad_rows_load_nothing_and_are_reported(store, tmp_path):
    path = bad_export(tmp_path)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        import_file(store, path, base_iri=BASE, report=tmp_path / "r.csv")
    assert snapshot(store) == before
    problems = [(row.where, p.field) for row, ps in caught.value.tally.rejected for p in ps]
    assert problems == [("48", "?isil"), ("49", "?item"), ("50", "?item"), ("51", "?gndId")]
    message = str(caught.value)
    assert "export.tsv:48: ?isil: 'DE_1' is not an ISIL" in message
    assert (
        "export.tsv:49: ?item: 'https://example.org/not-wikidata' is not a Wikidata item" in message
    )
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").count("\nexport.tsv,") == 4 + 3


def test_skip_invalid_loads_the_rest(store, tmp_path):
    result = import_file(store, bad_export(tmp_path), base_iri=BASE, skip_invalid=True)
    rows = excerpt_rows()
    assert result.tally.rows == len(rows) + 4
    assert result.tally.loaded + result.tally.merged == len(rows)
    assert len(result.tally.rejected) == 4
    assert same_as_subjects(store, "Q1") == set()


def test_query_service_terms_give_languages(store, tmp_path):
    path = tmp_path / "wdqs.tsv"
    path.write_text(
        "?item\t?itemLabel\t?isil\n"
        '<http://www.wikidata.org/entity/Q42>\t"Deutsche Nationalbibliothek"@de\t"DE-101"\n',
        encoding="utf-8",
    )
    import_file(store, path, base_iri=BASE)
    rows = store.query(
        "SELECT ?l ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }",
        substitutions={ox.Variable("i"): ox.NamedNode(wd("q42"))},
    )
    assert [str(row["l"]) for row in rows] == ['"Deutsche Nationalbibliothek"@de']
    assert values(store, wd("q42"), LAMC + "isil") == {"DE-101"}


def test_tsv_escapes_of_the_real_export_are_undone(store, tmp_path, shared_dir):
    """Every row of ../shared/data's export whose label holds a backslash (the query service's
    TSV escapes) loads with the label as on Wikidata: ``"M. Picone"``, not ``\\"M. Picone\\``."""
    source = shared_dir / "data" / "wikidata-isil" / "institutions.tsv"
    lines = source.read_text(encoding="utf-8").splitlines()
    escaped = [line for line in lines[1:] if "\\" in line.split("\t")[1]]
    assert len(escaped) >= 1064
    path = tmp_path / "escaped.tsv"
    path.write_text("\n".join([lines[0], *escaped]) + "\n", encoding="utf-8")
    result = import_file(store, path, base_iri=BASE)
    assert not result.tally.rejected
    rows = store.query(
        "SELECT ?l ?g WHERE { GRAPH ?g { ?i <http://www.w3.org/2000/01/rdf-schema#label> ?l } }",
        substitutions={ox.Variable("g"): ox.NamedNode(result.graph)},
    )
    labels = {row["l"].value for row in rows}
    assert not [label for label in labels if '\\"' in label or label.endswith("\\")]
    assert values(store, wd("q113515516"), LAMC + "isil") == {"IT-NA0449"}
    assert 'Istituto per le Applicazioni del Calcolo "M. Picone"' in labels
    assert 'Biblioteca dell\'Area della ricerca di Palermo "Peppino Manzo". CNR' in labels
    # An escaped backslash stays one backslash.
    assert any("Technology\\, Keio University" in label for label in labels)
