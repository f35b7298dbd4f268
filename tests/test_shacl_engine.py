"""The validation entry on small hand-made cases: what each engine does, where shapes come
from, what the report says, and the errors."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from graph_loader.shacl import ShaclError, validate
from graph_loader.store import open_store

DATA = """
@prefix ex: <http://example.org/> .
ex:a a ex:Person ; ex:name "Ann"@en, "Anne"@en ; ex:age 30 ; ex:knows ex:b .
ex:b a ex:Person ; ex:age "old" .
ex:c ex:parent ex:b .
ex:b ex:child ex:d .
"""
PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
"""
EX = "http://example.org/"


@pytest.fixture
def data_store():
    store = open_store(None)
    store.load_graph(
        DATA.encode(), graph=EX + "g", format=__import__("pyoxigraph").RdfFormat.TURTLE
    )
    return store


def shapes(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def keys(report) -> set[tuple]:
    return {
        (
            str(r.focus_node),
            str(r.value) if r.value is not None else None,
            str(r.source_constraint_component).rsplit("#", 1)[1],
        )
        for r in report.results
    }


def test_minimum_count_and_datatype_found_by_the_fast_path(data_store):
    report = validate(
        data_store,
        shapes(
            """ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
                 sh:property [ sh:path ex:name ; sh:minCount 1 ] ;
                 sh:property [ sh:path ex:age ; sh:datatype xsd:integer ] ."""
        ),
        engine="fast",
    )
    assert not report.conforms
    assert keys(report) == {
        (EX + "b", None, "MinCountConstraintComponent"),
        (EX + "b", "old", "DatatypeConstraintComponent"),
    }
    assert report.shape_engines == {URIRef(EX + "S"): "fast"}


def test_unique_lang_and_inverse_sequence_paths(data_store):
    report = validate(
        data_store,
        shapes(
            """ex:S a sh:NodeShape ; sh:targetNode ex:a ;
                 sh:property [ sh:path ex:name ; sh:uniqueLang true ] .
               ex:T a sh:NodeShape ; sh:targetNode ex:d ;
                 sh:property [ sh:path [ sh:inversePath ( ex:parent ex:child ) ] ;
                               sh:hasValue ex:a ] ."""
        ),
        engine="fast",
    )
    # ^(parent/child) from ex:d is ex:c (c parent b, b child d): not ex:a, so hasValue fails.
    assert keys(report) == {
        (EX + "a", None, "UniqueLangConstraintComponent"),
        (EX + "d", None, "HasValueConstraintComponent"),
    }


def test_severity_message_deactivation_and_shape_properties(data_store):
    report = validate(
        data_store,
        shapes(
            """ex:S a sh:NodeShape ; sh:targetClass ex:Person ; lamc:component "term" ;
                 sh:severity sh:Warning ; sh:message "needs an age"@en, "sin edad"@es ;
                 sh:property [ sh:path ex:knows ; sh:minCount 1 ] .
               ex:Off a sh:NodeShape ; sh:targetClass ex:Person ; sh:deactivated true ;
                 sh:property [ sh:path ex:missing ; sh:minCount 1 ] ."""
        ),
    )
    # The nested property shape has its own (default) severity; the node shape's own
    # properties travel with results whose source shape it is.
    assert keys(report) == {(EX + "b", None, "MinCountConstraintComponent")}
    (result,) = report.results
    assert result.severity == SH.Violation
    assert report.shape_engines[URIRef(EX + "Off")] == "fast"
    warned = validate(
        data_store,
        shapes(
            """ex:S a sh:NodeShape ; sh:targetNode ex:b ; lamc:component "age" ;
                 sh:severity sh:Warning ; sh:message "needs a number"@en ;
                 sh:datatype xsd:integer ."""
        ),
    )
    (result,) = warned.results
    assert result.severity == SH.Warning
    assert result.message == (Literal("needs a number", lang="en"),)
    assert (URIRef("https://w3id.org/lamcoop/ontology#component"), Literal("age")) in (
        result.shape_properties
    )
    assert not warned.conforms  # a warning is a result too (SHACL 3.6.1)


def test_logical_constraints_compiled_by_the_fast_path(data_store):
    text = """ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
                sh:or ( [ sh:path ex:knows ; sh:minCount 1 ] [ sh:path ex:name ; sh:minCount 1 ] ) .
              ex:N a sh:NodeShape ; sh:targetClass ex:Person ;
                sh:not [ sh:path ex:age ; sh:datatype xsd:integer ] .
              ex:X a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
                sh:xone ( [ sh:path ex:knows ; sh:minCount 1 ] [ sh:class ex:Person ] ) ."""
    report = validate(data_store, shapes(text), engine="fast")
    assert set(report.shape_engines.values()) == {"fast"}
    assert keys(report) == {
        (EX + "b", EX + "b", "OrConstraintComponent"),
        (EX + "a", EX + "a", "NotConstraintComponent"),
        (EX + "a", EX + "a", "XoneConstraintComponent"),
    }
    assert keys(validate(data_store, shapes(text), engine="pyshacl")) == keys(report)


def test_unsupported_shapes_fall_back_to_pyshacl_or_are_refused(data_store):
    text = """ex:S a sh:NodeShape ; sh:targetClass ex:Person ;
                sh:or ( [ sh:path ex:knows ; sh:qualifiedValueShape [ sh:nodeKind sh:IRI ] ;
                          sh:qualifiedMinCount 1 ]
                        [ sh:path ex:name ; sh:minCount 1 ] ) .
              ex:T a sh:NodeShape ; sh:targetClass ex:Person ;
                sh:property [ sh:path ex:age ; sh:maxCount 0 ] ."""
    report = validate(data_store, shapes(text))
    assert report.shape_engines == {URIRef(EX + "S"): "pyshacl", URIRef(EX + "T"): "fast"}
    assert keys(report) == {
        (EX + "b", EX + "b", "OrConstraintComponent"),
        (EX + "a", None, "MaxCountConstraintComponent"),
        (EX + "b", None, "MaxCountConstraintComponent"),
    }
    assert {r.engine for r in report.results} == {"fast", "pyshacl"}
    with pytest.raises(ShaclError, match=r"cannot compile.*sh:qualifiedValueShape"):
        validate(data_store, shapes(text), engine="fast")


def test_shapes_from_a_graph_in_the_store_and_chosen_data_graphs(data_store):
    text = (
        PREFIXES + "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:age ; sh:nodeKind sh:BlankNode ."
    )
    data_store.load_graph(text.encode(), graph=EX + "shapes", format=ox.RdfFormat.TURTLE)
    report = validate(data_store, EX + "shapes", data_graphs=[EX + "g"])
    assert keys(report) == {
        (EX + "a", EX + "a", "NodeKindConstraintComponent"),
        (EX + "b", EX + "b", "NodeKindConstraintComponent"),
    }
    with pytest.raises(ShaclError, match="no graph"):
        validate(data_store, EX + "shapes", data_graphs=[EX + "nope"])
    with pytest.raises(ShaclError, match="neither a file nor a graph"):
        validate(data_store, EX + "absent")


def test_a_bad_shapes_file_names_file_and_line(data_store, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "ex:S a sh:NodeShape ;\n  sh:targetNode ex:a ex:b .\n")
    with pytest.raises(ShaclError, match=r"bad\.ttl.*line 7"):
        validate(data_store, bad)


def test_report_graph_text_and_json(data_store):
    report = validate(
        data_store,
        shapes(
            """ex:S a sh:NodeShape ; sh:targetNode ex:d ;
                 sh:property [ sh:path [ sh:inversePath ex:child ] ; sh:class ex:Robot ;
                               sh:message "parent must be a person"@en ] ."""
        ),
    )
    graph = report.graph()
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    (result,) = graph.objects(node, SH.result)
    path = graph.value(result, SH.resultPath)
    assert graph.value(path, SH.inversePath) == URIRef(EX + "child")
    assert graph.value(result, SH.value) == URIRef(EX + "b") and report.results[0].value
    assert graph.value(result, SH.resultMessage) == Literal("parent must be a person", lang="en")
    data = json.loads(report.to_json())
    assert data["conforms"] is False
    assert data["results"][0]["resultPath"] == f"^(<{EX}child>)"
    assert data["results"][0]["message"] == [
        {"@value": "parent must be a person", "@language": "en"}
    ]
    assert "ClassConstraintComponent" in report.text() and f"<{EX}d>" in report.text()


def test_engines_agree_on_a_conforming_graph(data_store):
    text = (
        "ex:S a sh:NodeShape ; sh:targetClass ex:Person ;"
        " sh:property [ sh:path ex:knows ; sh:class ex:Person ] ."
    )
    for engine in ("fast", "pyshacl", "auto"):
        report = validate(data_store, shapes(text), engine=engine)
        assert report.conforms and report.results == []
    with pytest.raises(ShaclError, match="unknown engine"):
        validate(data_store, shapes(text), engine="turbo")
