"""Museums from the IMLS Museum Universe Data File, on an excerpt of the real file (latin-1):
discipline to museum kind, postal address, WGS84 position, messy rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO_ROOT, snapshot

from graph_loader.importers import ImportRejected, detect, import_file

BASE = "https://w3id.org/lamcoop/"
LAMC = "https://w3id.org/lamcoop/ontology#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
EXCERPT = REPO_ROOT / "tests" / "fixtures" / "importers" / "imls-museums-excerpt.csv"
GRAPH = f"{BASE}graph/imls-museums-excerpt"

#: The IMLS codebook (FY2014 Q3) discipline codes and the kinds docs/vocabulary.md names.
KINDS = {
    "ART": "ArtMuseum",
    "BOT": "ArboretumOrBotanicalGarden",
    "CMU": "ChildrensMuseum",
    "GMU": "GeneralMuseum",
    "HSC": "HistoricSite",
    "HST": "HistoryMuseum",
    "NAT": "NaturalHistoryMuseum",
    "SCI": "ScienceMuseum",
    "ZAW": "ZooOrAquarium",
}


def excerpt_rows() -> list[dict[str, str]]:
    with EXCERPT.open(encoding="latin-1", newline="") as handle:
        return list(csv.DictReader(handle))


def museum(slug: str) -> str:
    return f"{BASE}id/institution/{slug}"


def values(store, subject: ox.NamedNode | ox.BlankNode | str, prop: str) -> set[str]:
    node = ox.NamedNode(subject) if isinstance(subject, str) else subject
    bound = {ox.Variable("s"): node, ox.Variable("p"): ox.NamedNode(prop)}
    rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", substitutions=bound)
    return {str(row["o"]) for row in rows}


def address_of(store, slug: str) -> dict[str, str]:
    rows = store.query(
        f"SELECT ?m ?p ?v WHERE {{ ?m <{SCHEMA}address> ?a . ?a ?p ?v }}",
        substitutions={ox.Variable("m"): ox.NamedNode(museum(slug))},
    )
    return {row["p"].value.rsplit("/", 1)[1].split("#")[-1]: row["v"].value for row in rows}


def test_detected_from_the_header():
    assert detect(EXCERPT) == "imls-museums"


def test_every_row_is_a_museum_of_its_discipline(store):
    result = import_file(store, EXCERPT, base_iri=BASE)
    rows = excerpt_rows()
    assert (result.tally.rows, result.tally.loaded, result.tally.merged) == (
        len(rows),
        len(rows),
        0,
    )
    assert not result.tally.rejected
    seen: set[str] = set()
    for row in rows:
        slug = f"imls-{row['MID']}" + ("-2" if row["MID"] in seen else "")
        seen.add(row["MID"])
        assert values(store, museum(slug), RDF_TYPE) == {
            f"<{LAMC}Institution>",
            f"<{LAMC}Museum>",
            f"<{LAMC}{KINDS[row['DISCIPL']]}>",
        }, slug
        assert values(store, museum(slug), LAMC + "imlsId") == {f'"{row["MID"]}"'}
        assert values(store, museum(slug), "http://www.w3.org/2003/01/geo/wgs84_pos#lat") == {
            f'"{row["LATITUDE"]}"^^<{XSD_DECIMAL}>'
        }


def test_address_position_and_web_site(store):
    import_file(store, EXCERPT, base_iri=BASE)
    assert address_of(store, "imls-8400100001") == {
        "type": f"{SCHEMA}PostalAddress",
        "streetAddress": "8316 MOUNTBATTEN RD NE",
        "addressLocality": "TUSCALOOSA",
        "addressRegion": "AL",
        "postalCode": "35406",
        "addressCountry": "US",
    }
    assert values(
        store, museum("imls-8400100001"), "http://www.w3.org/2003/01/geo/wgs84_pos#long"
    ) == {f'"-87.503676"^^<{XSD_DECIMAL}>'}
    assert values(store, museum("imls-8400100001"), SCHEMA + "url") == {
        "<http://www.warnermuseum.org>"
    }
    # A bare www. address gets its scheme; a ZIP code that lost its leading zero is mended.
    assert values(store, museum("imls-8401300638"), SCHEMA + "url") == {"<http://www.brenau.edu>"}
    assert address_of(store, "imls-8400900157")["postalCode"] == "06234"
    # No street address: the other parts are still there.
    no_street = next(r for r in excerpt_rows() if not r["ADDRESS"])
    parts = address_of(store, f"imls-{no_street['MID']}")
    assert "streetAddress" not in parts and parts["addressLocality"] == no_street["CITY"]


def test_a_mid_given_to_two_museums_keeps_both(store):
    import_file(store, EXCERPT, base_iri=BASE)
    first, second = museum("imls-8400900196"), museum("imls-8400900196-2")
    label = "http://www.w3.org/2004/02/skos/core#prefLabel"
    assert values(store, first, label) == {'"CHENEY HALL FOUNDATION"@en'}
    assert values(store, second, label) == {'"FOSTER FREEWILL SOCIETY"@en'}
    note = values(store, second, "http://www.w3.org/2004/02/skos/core#editorialNote")
    assert len(note) == 1 and "MID 8400900196 to more than one museum" in note.pop()


def test_web_addresses_that_are_not_are_left_out_and_reported(store, tmp_path):
    report = tmp_path / "report.csv"
    result = import_file(store, EXCERPT, base_iri=BASE, report=report)
    dropped = [(row.where, p.field) for row, problems in result.tally.dropped for p in problems]
    assert [field for _, field in dropped] == ["WEBURL"] * 4
    with report.open(encoding="utf-8", newline="") as handle:
        reported = list(csv.DictReader(handle))
    assert {r["action"] for r in reported} == {"left out"}
    assert any("woodburyHistoricalSociety<woodbury18" in r["reason"] for r in reported)
    assert values(store, museum("imls-8403601846"), SCHEMA + "url") == set()
    assert values(store, museum("imls-8403601846"), LAMC + "imlsId") == {'"8403601846"'}


def bad_file(tmp_path: Path) -> Path:
    header, first = EXCERPT.read_bytes().split(b"\r\n")[:2]
    cells = first.decode("latin-1").split(",")
    columns = header.decode("latin-1").split(",")

    def variant(**changes: str) -> bytes:
        row = list(cells)
        for column, value in changes.items():
            row[columns.index(column)] = value
        return ",".join(row).encode("latin-1")

    rows = [
        header,
        variant(MID="8499999991", NAME="MUSÉE DES BEAUX-ARTS"),
        variant(MID="8499999992", DISCIPL="XYZ"),
        variant(MID="8499999993", LATITUDE="north"),
        variant(MID="8499999994", LONGITUDE="-187.5"),
        variant(MID="84-A", NAME=""),
    ]
    path = tmp_path / "museums.csv"
    path.write_bytes(b"\r\n".join(rows) + b"\r\n")
    return path


def test_bad_rows_are_reported_and_nothing_loads(store, tmp_path):
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        import_file(store, bad_file(tmp_path), base_iri=BASE)
    assert snapshot(store) == before
    problems = [(row.where, p.field) for row, ps in caught.value.tally.rejected for p in ps]
    assert problems == [
        ("3", "DISCIPL"),
        ("4", "LATITUDE"),
        ("5", "LONGITUDE"),
        ("6", "MID"),
        ("6", "NAME"),
    ]
    assert "museums.csv:5: LONGITUDE: -187.5 is beyond ±180 degrees" in str(caught.value)


def test_latin1_names_and_skip_invalid(store, tmp_path):
    result = import_file(store, bad_file(tmp_path), base_iri=BASE, skip_invalid=True)
    assert (result.tally.loaded, len(result.tally.rejected)) == (1, 4)
    assert values(
        store, museum("imls-8499999991"), "http://www.w3.org/2000/01/rdf-schema#label"
    ) == {'"MUSÉE DES BEAUX-ARTS"@en'}


def test_merges_with_a_museum_already_in_the_store_and_reloads_cleanly(store):
    known = ox.NamedNode(f"{BASE}id/institution/westervelt-warner-museum")
    store.extend(
        [
            ox.Quad(
                known,
                ox.NamedNode(LAMC + "imlsId"),
                ox.Literal("8400100001"),
                ox.NamedNode(f"{BASE}graph/seed"),
            )
        ]
    )
    first = import_file(store, EXCERPT, base_iri=BASE)
    assert (first.tally.merged, first.tally.loaded) == (1, len(excerpt_rows()) - 1)
    assert values(store, museum("imls-8400100001"), RDF_TYPE) == set()
    assert values(store, known.value, "http://www.w3.org/2004/02/skos/core#altLabel") == {
        '"WESTERVELT WARNER MUSEUM"@en'
    }
    count = store.triple_count(GRAPH)
    again = import_file(store, EXCERPT, base_iri=BASE)
    assert store.triple_count(GRAPH) == count
    assert (again.tally.loaded, again.tally.merged) == (first.tally.loaded, first.tally.merged)
