"""The agreement-register importer, on the worked example of docs/importers.md and on every
kind of bad cell: each reported with its line and field, nothing loaded, store unchanged."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO_ROOT, snapshot

from graph_loader.importers import ImportFailed, ImportRejected, import_file
from graph_loader.provenance import read_sources

BASE = "https://w3id.org/lamcoop/"
LAMC = "https://w3id.org/lamcoop/ontology#"
GRAPH = f"{BASE}graph/agreements"
DOCS = REPO_ROOT / "docs" / "importers.md"


def example(language: str) -> str:
    """The first ``language`` code block of the worked example in docs/importers.md."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"```{language}\n(.*?)```", text, re.DOTALL)
    assert found, f"docs/importers.md has no {language} block"
    return found.group(1)


@pytest.fixture
def seeded(store):
    """A store holding the institutions, standard and area the worked example names."""
    store.load_graph(example("turtle").encode(), graph=BASE + "g", format=ox.RdfFormat.TURTLE)
    return store


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def objects(store, subject: str, prop: str) -> set[str]:
    bound = {ox.Variable("s"): ox.NamedNode(subject), ox.Variable("p"): ox.NamedNode(prop)}
    rows = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", substitutions=bound)
    return {str(row["o"]) for row in rows}


def agreement(slug: str) -> str:
    return f"{BASE}id/agreement/{slug}"


def institution(slug: str) -> str:
    return f"<{BASE}id/institution/{slug}>"


def test_worked_example_csv_writes_every_documented_component(seeded, tmp_path):
    result = import_file(seeded, write(tmp_path, "agreements.csv", example("csv")), base_iri=BASE)
    assert (result.tally.rows, result.tally.loaded, len(result.tally.rejected)) == (2, 2, 0)
    assert result.graph == GRAPH
    assert result.triples == seeded.triple_count(GRAPH) > 0
    charter = agreement("lotus-charter")
    assert objects(seeded, charter, LAMC + "party") == {
        institution("calis"),
        institution("peking-university-library"),
        institution("tsinghua-university-library"),  # named by its ISIL CN-100084
    }
    assert objects(seeded, charter, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {
        f"<{LAMC}Agreement>",
        f"<{LAMC}ConsortiumCharter>",
    }
    assert objects(seeded, charter, LAMC + "signedOn") == {
        '"1998-11"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>'
    }
    assert objects(seeded, charter, LAMC + "startDate") == {
        '"1998"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    }
    assert objects(seeded, charter, LAMC + "openEnded") == {
        '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    }
    assert objects(seeded, charter, LAMC + "budgetAmount") == {
        '"24000000"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    }
    assert objects(seeded, charter, LAMC + "budgetCurrency") == {'"CNY"'}
    assert objects(seeded, charter, LAMC + "fundingModel") == {
        f"<{BASE}id/concept/funding-models/government-allocation>"
    }
    assert objects(seeded, charter, LAMC + "adoptsStandard") == {f"<{BASE}id/standard/marc-21>"}
    assert objects(seeded, charter, LAMC + "cooperationArea") == {
        f"<{BASE}id/concept/cooperation-areas/interlibrary-loan>",
        f"<{BASE}id/concept/agreements-areas/document-delivery>",
    }
    assert objects(seeded, charter, "http://purl.org/dc/terms/source") == {
        "<https://example.org/lotus-charter.pdf>"
    }
    assert objects(seeded, charter, LAMC + "evaluationProvision") == set()


def test_provisions_units_and_minted_concepts(seeded, tmp_path):
    import_file(seeded, write(tmp_path, "agreements.csv", example("csv")), base_iri=BASE)
    second = agreement("lotus-charter") + "/responsibilities-2"
    assert objects(seeded, agreement("lotus-charter"), LAMC + "responsibility") == {
        f"<{agreement('lotus-charter')}/responsibilities-1>",
        f"<{second}>",
    }
    assert objects(seeded, second, LAMC + "responsibleParty") == {
        institution("tsinghua-university-library")
    }
    assert objects(seeded, second, LAMC + "text") == {'"hosts the engineering centre"@en'}
    unit = f"{BASE}id/unit/lotus-charter--lotus-management-centre"
    assert objects(seeded, agreement("lotus-charter"), LAMC + "governanceBody") == {f"<{unit}>"}
    assert objects(seeded, unit, "http://www.w3.org/2000/01/rdf-schema#label") == {
        '"Lotus management centre"@en'
    }
    minted = f"{BASE}id/concept/agreements-areas/document-delivery"
    assert objects(seeded, minted, "http://www.w3.org/2004/02/skos/core#inScheme") == {
        f"<{BASE}id/scheme/agreements-areas>"
    }
    # The memorandum's "Interlibrary Loan" is the study's concept, found by its label.
    assert objects(seeded, agreement("beijing-ill-mou"), LAMC + "cooperationArea") == {
        f"<{BASE}id/concept/cooperation-areas/interlibrary-loan>"
    }


def test_json_register_gives_the_same_graph_as_the_csv(seeded, tmp_path):
    import_file(seeded, write(tmp_path, "agreements.csv", example("csv")), base_iri=BASE)
    from_csv = {str(q.triple) for q in seeded.quads(GRAPH)}
    result = import_file(seeded, write(tmp_path, "agreements.json", example("json")), base_iri=BASE)
    assert result.importer == "agreements"
    assert {str(q.triple) for q in seeded.quads(GRAPH)} == from_csv


def test_provenance_is_recorded_with_the_graph(seeded, tmp_path):
    path = write(tmp_path, "agreements.csv", example("csv"))
    result = import_file(seeded, path, base_iri=BASE)
    recorded = read_sources(seeded, BASE)[GRAPH]
    assert recorded["source"] == "agreements.csv"
    assert recorded["sha256"] == result.sha256
    assert int(recorded["triples"]) == result.triples


def bad_rows_csv(tmp_path: Path) -> Path:
    """The worked example with one row per kind of bad cell after it (lines 4-13)."""
    header, *good = example("csv").strip().splitlines()
    columns = header.split(",")

    def row(**cells: str) -> str:
        out: list[str] = []
        csv.writer(_List(out), lineterminator="").writerow([cells.get(c, "") for c in columns])
        return out[0]

    bad = [
        row(id="bad-date", start="2001-13-01"),
        row(id="bad-amount", budget_amount="1,5"),
        row(id="unknown-party", parties="calis;no-such-library"),
        row(id="bad-isil", parties="TOOLONGPREFIX-1"),
        row(id="unknown-type", type="treaty"),
        row(id="unknown-funding", funding_model="lottery"),
        row(title="no id"),
        row(id="lotus-charter", title="duplicate"),
        row(id="bad-currency", budget_currency="yuan"),
        row(id="end-before-start", start="2005", end="2001-06"),
    ]
    return write(tmp_path, "register.csv", "\n".join([header, *good, *bad]) + "\n")


class _List:
    def __init__(self, out: list[str]):
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


EXPECTED_PROBLEMS = [
    ("4", "start", "not a valid date"),
    ("5", "budget_amount", "not a decimal amount"),
    ("6", "parties", "no institution 'no-such-library' in the store by name"),
    ("7", "parties", "not an ISIL"),
    ("8", "type", "unknown agreement type 'treaty'"),
    ("9", "funding_model", "unknown funding model 'lottery'"),
    ("10", "id", "missing"),
    ("11", "id", "duplicate id 'lotus-charter': already used at 2"),
    ("12", "budget_currency", "not an ISO 4217 currency code"),
    ("13", "end", "2001-06 is before start 2005"),
]


def test_every_bad_cell_is_reported_with_line_and_field_and_nothing_loads(seeded, tmp_path):
    path = bad_rows_csv(tmp_path)
    before = snapshot(seeded)
    report = tmp_path / "rejected.csv"
    with pytest.raises(ImportRejected) as caught:
        import_file(seeded, path, base_iri=BASE, report=report)
    assert snapshot(seeded) == before
    message = str(caught.value)
    assert "10 of 12 rows are invalid; nothing was loaded" in message
    for line, field, reason in EXPECTED_PROBLEMS:
        assert f"register.csv:{line}: {field}: " in message
        assert any(
            p.field == field and reason in p.reason
            for row, problems in caught.value.tally.rejected
            if row.where == line
            for p in problems
        ), (line, field, reason)
    with report.open(encoding="utf-8", newline="") as handle:
        reported = list(csv.DictReader(handle))
    assert [(r["line"], r["field"]) for r in reported] == [(x[0], x[1]) for x in EXPECTED_PROBLEMS]
    assert {r["action"] for r in reported} == {"rejected"}
    assert reported[2]["row"].startswith("unknown-party,,,calis;no-such-library")


def test_skip_invalid_loads_the_good_rows_and_reports_the_rest(seeded, tmp_path):
    report = tmp_path / "rejected.csv"
    result = import_file(
        seeded, bad_rows_csv(tmp_path), base_iri=BASE, skip_invalid=True, report=report
    )
    tally = result.tally
    assert (tally.rows, tally.loaded, tally.merged, len(tally.rejected)) == (12, 2, 0, 10)
    loaded = {
        row["a"].value for row in seeded.query(f"SELECT ?a WHERE {{ ?a a <{LAMC}Agreement> }}")
    }
    assert loaded == {agreement("lotus-charter"), agreement("beijing-ill-mou")}
    assert objects(seeded, agreement("lotus-charter"), "http://purl.org/dc/terms/title") == {
        '"Lotus consortium charter"@en'
    }
    with report.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == len(EXPECTED_PROBLEMS)


def test_json_errors_name_the_index_path_and_field(seeded, tmp_path):
    items = json.loads(example("json"))
    items.append({"id": "later", "signed": "yesterday", "open_ended": "perhaps"})
    items.append({"id": "lists", "title": ["two", "titles"]})
    path = write(tmp_path, "register.json", json.dumps(items))
    with pytest.raises(ImportRejected) as caught:
        import_file(seeded, path, base_iri=BASE)
    message = str(caught.value)
    assert "register.json:$[2]: signed: 'yesterday' is not a date lamcoop reads" in message
    assert "register.json:$[2]: open_ended: 'perhaps' is not true or false" in message
    assert "register.json:$[3]: title: takes one value, not a list of 2" in message
    assert seeded.triple_count(f"{BASE}graph/register") == 0


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_empty_cells_are_undocumented_components_not_errors(seeded, tmp_path):
    path = write(tmp_path, "bare.csv", "id,title,parties,evaluation\nbare,,,\n")
    result = import_file(seeded, path, base_iri=BASE)
    assert result.tally.loaded == 1
    triples = {str(q.triple) for q in seeded.quads(f"{BASE}graph/bare")}
    assert triples == {
        f"<{agreement('bare')}> <{RDF_TYPE}> <{LAMC}Agreement>",
        f'<{agreement("bare")}> <http://www.w3.org/2000/01/rdf-schema#label> "bare"',
    }


def test_unknown_column_fails_the_file_naming_it(seeded, tmp_path):
    path = write(tmp_path, "typo.csv", "id,title,fundng_model\nx,X,sponsorship\n")
    before = snapshot(seeded)
    with pytest.raises(ImportFailed, match=r"typo.csv:1: unknown column 'fundng_model'"):
        import_file(seeded, path, base_iri=BASE)
    assert snapshot(seeded) == before


def test_iris_must_name_what_is_in_the_store(seeded, tmp_path):
    path = write(
        tmp_path,
        "iris.csv",
        "id,standards,areas,governance\n"
        "x,https://example.org/std,https://example.org/area,https://example.org/unit\n",
    )
    with pytest.raises(ImportRejected) as caught:
        import_file(seeded, path, base_iri=BASE)
    fields = [p.field for _, problems in caught.value.tally.rejected for p in problems]
    assert fields == ["governance", "areas", "standards"]
    assert "no standard <https://example.org/std> in the store" in str(caught.value)


def test_institution_named_by_iri_resolves_through_same_as(seeded, tmp_path):
    seeded.update(
        f"INSERT DATA {{ GRAPH <{BASE}g> {{ <{BASE}id/institution/calis> "
        "<http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q5> } }"
    )
    path = write(
        tmp_path,
        "iri.csv",
        "id,parties,coordinator\n"
        f"x,http://www.wikidata.org/entity/Q5;<{BASE}id/institution/peking-university-library>,"
        f"{BASE}id/institution/nowhere\n",
    )
    with pytest.raises(ImportRejected, match=r"iri.csv:2: coordinator: no institution <"):
        import_file(seeded, path, base_iri=BASE)
    path.write_text(path.read_text().replace(f"{BASE}id/institution/nowhere", "calis"))
    import_file(seeded, path, base_iri=BASE)
    assert objects(seeded, agreement("x"), LAMC + "party") == {
        institution("calis"),
        institution("peking-university-library"),
    }


def test_isil_held_by_two_institutions_is_ambiguous(seeded, tmp_path):
    seeded.update(
        f"INSERT DATA {{ GRAPH <{BASE}g> {{ <{BASE}id/institution/calis> <{LAMC}isil> "
        '"CN-100871" } }'
    )
    path = write(tmp_path, "amb.csv", "id,parties\nx,CN-100871\n")
    with pytest.raises(ImportRejected, match=r"ISIL 'CN-100871' is held by several institutions"):
        import_file(seeded, path, base_iri=BASE)


def test_undecodable_file_fails_cleanly_and_changes_nothing(seeded, tmp_path):
    good = example("csv").encode("utf-8")
    path = tmp_path / "broken.csv"
    path.write_bytes(good + b"late-row,Caf\xe9 charter\n")
    before = snapshot(seeded)
    with pytest.raises(ImportFailed, match=r"broken.csv:4:13: not UTF-8 text: invalid"):
        import_file(seeded, path, base_iri=BASE)
    assert snapshot(seeded) == before


def test_detected_kinds_of_register(tmp_path):
    from graph_loader.importers import detect

    assert detect(write(tmp_path, "a.csv", example("csv"))) == "agreements"
    assert detect(write(tmp_path, "a.json", example("json"))) == "agreements"
    assert detect(write(tmp_path, "b.json", '{"@context": {}, "@id": "x"}')) is None
    assert detect(write(tmp_path, "c.ttl", "")) is None


def test_broken_json_names_line_and_column(seeded, tmp_path):
    path = write(tmp_path, "broken.json", '\n\n[\n  {"id": "a",}\n]\n')
    with pytest.raises(ImportFailed, match=r"broken.json:4:\d+: not valid JSON"):
        import_file(seeded, path, base_iri=BASE)


def test_blank_register_is_an_error_not_a_hang(seeded, tmp_path):
    path = write(tmp_path, "blank.csv", "\n  \n")
    with pytest.raises(ImportFailed, match=r"blank.csv:1: the file is empty"):
        import_file(seeded, path, base_iri=BASE, importer="agreements")
