"""``lamcoop validate`` as a user runs it: exit 0 / 1 / 2 and the three formats."""

from __future__ import annotations

import json

from rdflib import Graph
from rdflib.namespace import RDF, SH

DATA = """@prefix ex: <http://example.org/> .
ex:a a ex:Person ; ex:name "A" .
ex:b a ex:Person .
"""
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
GRAPH = "http://example.org/people"


def _setup(invoke, tmp_path, data=DATA):
    (tmp_path / "data.ttl").write_text(data)
    (tmp_path / "shapes.ttl").write_text(SHAPES)
    loaded = invoke("--store", "st", "load", "data.ttl", "--graph", GRAPH)
    assert loaded.exit_code == 0, loaded.output


def test_exit_1_and_text_report_when_the_data_does_not_conform(invoke, tmp_path):
    _setup(invoke, tmp_path)
    result = invoke("--store", "st", "validate", "--shapes", "shapes.ttl")
    assert result.exit_code == 1, result.output
    assert "Conforms: False" in result.output
    assert "<http://example.org/b>" in result.output
    assert "<http://example.org/a>" not in result.output


def test_exit_0_when_it_conforms(invoke, tmp_path):
    _setup(
        invoke,
        tmp_path,
        data=DATA.replace("ex:b a ex:Person .", 'ex:b a ex:Person ; ex:name "B" .'),
    )
    result = invoke("--store", "st", "validate", "--shapes", "shapes.ttl", "--graph", GRAPH)
    assert result.exit_code == 0, result.output
    assert "Conforms: True" in result.output


def test_default_shapes_are_the_shipped_integrity_shapes(invoke, tmp_path):
    """With no shapes loaded and none given, the integrity shapes of ``shapes/`` apply
    (the audit profile does not: it reports an agreement's gaps, not invalid data)."""
    data = (
        "@prefix lamc: <https://w3id.org/lamcoop/ontology#> .\n"
        "<http://example.org/lib> a lamc:Institution .\n"
        "<http://example.org/deal> a lamc:Agreement ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "A deal"@en .\n'
    )
    _setup(invoke, tmp_path, data=data)
    result = invoke("--store", "st", "validate")
    assert result.exit_code == 1, result.output
    assert "<http://example.org/lib>" in result.output
    assert "<http://example.org/deal>" not in result.output
    assert "agreement-audit" not in result.output


def test_json_and_turtle_reports(invoke, tmp_path):
    _setup(invoke, tmp_path)
    as_json = invoke("--store", "st", "validate", "--shapes", "shapes.ttl", "--format", "json")
    data = json.loads(as_json.output)
    assert as_json.exit_code == 1
    assert [r["focusNode"] for r in data["results"]] == ["http://example.org/b"]
    as_turtle = invoke(
        "--store",
        "st",
        "validate",
        "--shapes",
        "shapes.ttl",
        "--format",
        "turtle",
        "--engine",
        "pyshacl",
    )
    assert as_turtle.exit_code == 1
    graph = Graph().parse(data=as_turtle.output, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert len(list(graph.objects(report, SH.result))) == 1


def test_exit_2_on_errors(invoke, tmp_path):
    _setup(invoke, tmp_path)
    (tmp_path / "bad.ttl").write_text("<urn:a> <urn:b> .\n")
    bad = invoke("--store", "st", "validate", "--shapes", "bad.ttl")
    assert bad.exit_code == 2
    assert "bad.ttl" in bad.output and "line 1" in bad.output
    unknown = invoke("--store", "st", "validate", "--shapes", "shapes.ttl", "--graph", "urn:nope")
    assert unknown.exit_code == 2
    assert "urn:nope" in unknown.output
    (tmp_path / "qualified.ttl").write_text(
        SHAPES.replace(
            "sh:property [",
            "sh:property [ sh:path ex:name ; sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ;"
            " sh:qualifiedMinCount 1 ] ;\n sh:property [",
        )
    )
    refused = invoke("--store", "st", "validate", "--shapes", "qualified.ttl", "--engine", "fast")
    assert refused.exit_code == 2
    assert "cannot compile" in refused.output


def test_the_installed_script_exits_1(lamcoop, tmp_path):
    (tmp_path / "data.ttl").write_text(DATA)
    (tmp_path / "shapes.ttl").write_text(SHAPES)
    assert lamcoop("--store", "st", "load", "data.ttl", "--graph", GRAPH).returncode == 0
    done = lamcoop("--store", "st", "validate", "--shapes", "shapes.ttl")
    assert done.returncode == 1, done.stderr
    assert b"MinCountConstraintComponent" in done.stdout
