"""The consistency check of the product (``lamcoop consistency``, the build's step), with the
real HermiT and Pellet in Java on copies of the session's built dataset.

Each reasoner run starts a JVM (seconds on a busy machine): the cases are few and each
asserts all it can of one run of the command.
"""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest

from graph_loader.build import (
    BuildContext,
    ConsistencyError,
    check_ontology_consistency,
    load_shipped_files,
)
from graph_loader.consistency.record import activity_iri
from graph_loader.settings import resolve_settings
from graph_loader.store import open_store
from graph_loader.vocab import DCTERMS, PROV

needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="HermiT needs Java (apt-get install -y default-jre-headless)",
)

LAMC = "https://w3id.org/lamcoop/ontology#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CLASH_GRAPH = "urn:x-lamcoop-test:clash"
BOTH = "urn:x-lamcoop-test:both"
CLASH = f"""<{BOTH}> <{RDF_TYPE}> <{LAMC}Institution> .
<{BOTH}> <{RDF_TYPE}> <{LAMC}Agreement> .
<{BOTH}> <http://www.w3.org/2000/01/rdf-schema#label> "both an institution and an agreement" .
"""
HYBRID = "urn:x-lamcoop-test:LibraryConsortium"
UNSATISFIABLE = f"""@prefix owl: <{OWL}> .
@prefix lamc: <{LAMC}> .
<{HYBRID}> a owl:Class ; owl:equivalentClass [ a owl:Class ;
    owl:intersectionOf ( lamc:Library lamc:Consortium ) ] .
"""


def recorded(path) -> list[str]:
    """The outcome the last recorded check left in the provenance graph."""
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(path)})
    store = open_store(path)
    try:
        rows = store.query(
            "SELECT * WHERE { ?a ?desc ?d }",
            substitutions={
                ox.Variable("a"): ox.NamedNode(activity_iri(settings)),
                ox.Variable("desc"): ox.NamedNode(DCTERMS + "description"),
            },
        )
        used = store.query(
            "SELECT * WHERE { ?a ?used ?g }",
            substitutions={
                ox.Variable("a"): ox.NamedNode(activity_iri(settings)),
                ox.Variable("used"): ox.NamedNode(PROV + "used"),
            },
        )
        return [row["d"].value for row in rows] + [row["g"].value for row in used]
    finally:
        store.close()


@needs_java
def test_the_built_dataset_is_consistent_and_the_build_recorded_it(dataset_store, tmp_path):
    kept = recorded(dataset_store.copy(tmp_path / "store"))
    assert kept[0].startswith("consistency: consistent (HermiT, ")
    assert "unsatisfiable" not in kept[0] and "SAMPLE" not in kept[0]
    assert "https://w3id.org/lamcoop/graph/ontology" in kept
    assert "https://w3id.org/lamcoop/graph/seed-000" in kept
    assert "https://w3id.org/lamcoop/graph/inferred" not in kept  # not read: implied


@needs_java
def test_a_user_graph_typing_an_individual_with_disjoint_classes_is_named(
    dataset_store, tmp_path, invoke
):
    store = dataset_store.copy(tmp_path / "store")
    (tmp_path / "clash.nt").write_text(CLASH, encoding="utf-8")
    loaded = invoke(
        "--store", str(store), "load", "--graph", CLASH_GRAPH, str(tmp_path / "clash.nt")
    )
    assert loaded.exit_code == 0, loaded.output
    result = invoke("--store", str(store), "consistency", "--format", "json", "--record")
    assert result.exit_code == 1, result.output[-2000:]
    report = json.loads(result.output)
    assert report["status"] == "inconsistent" and report["problems"] is True
    assert [c["graph"] for c in report["culprits"]] == [CLASH_GRAPH]
    culprit = report["culprits"][0]
    assert culprit["individuals"] == [BOTH]
    assert {t.split()[2] for t in culprit["triples"]} == {
        f"<{LAMC}Institution>",
        f"<{LAMC}Agreement>",
    }
    explanation = report["explanation"]
    assert BOTH in explanation and "Institution" in explanation and "Agreement" in explanation
    assert "DisjointClasses" in explanation or "disjointWith" in explanation
    assert CLASH_GRAPH in {g["iri"] for g in report["graphs"] if g["role"] == "user"}
    assert recorded(store)[0].startswith("consistency: inconsistent (HermiT, ")
    assert CLASH_GRAPH in recorded(store)


@needs_java
def test_an_unsatisfiable_class_in_user_data_is_reported(dataset_store, tmp_path, invoke):
    store = dataset_store.copy(tmp_path / "store")
    (tmp_path / "hybrid.ttl").write_text(UNSATISFIABLE, encoding="utf-8")
    graph = "urn:x-lamcoop-test:hybrid"
    loaded = invoke("--store", str(store), "load", "--graph", graph, str(tmp_path / "hybrid.ttl"))
    assert loaded.exit_code == 0, loaded.output
    result = invoke("--store", str(store), "consistency")
    assert result.exit_code == 1, result.output[-2000:]
    first = result.output.splitlines()[0]
    assert first.startswith("consistency: consistent (HermiT, ") and "1 unsatisfiable" in first
    assert f"Unsatisfiable class <{HYBRID}>" in result.output
    assert f"mentioned in <{graph}>" in result.output
    why = result.output.split(f"Unsatisfiable class <{HYBRID}>", 1)[1]
    assert "Library" in why and "Consortium" in why  # Pellet's explanation of it


def test_without_java_the_check_and_the_build_are_skipped_with_a_note(tmp_path, invoke):
    missing = str(tmp_path / "no-such-jre" / "java")
    store = str(tmp_path / "store")
    built = invoke("--store", store, "--setting", "java", missing, "build", "--quiet")
    assert built.exit_code == 0, built.output[-2000:]
    line = next(x for x in built.output.splitlines() if x.startswith("consistency:"))
    assert line.startswith("consistency: skipped") and "default-jre-headless" in line
    assert missing in line
    assert recorded(tmp_path / "store")[0].startswith("consistency: skipped")
    alone = invoke(
        "--store", store, "--setting", "java", missing, "consistency", "--format", "json"
    )
    assert alone.exit_code == 0
    report = json.loads(alone.output.split("\nlamcoop:", 1)[0])
    assert report["status"] == "skipped" and report["problems"] is False
    assert "apt-get install -y default-jre-headless" in report["note"]


@needs_java
def test_a_user_graph_past_the_size_bound_is_sampled_and_said_so(tmp_path, invoke):
    rows = "".join(
        f"<urn:x-lamcoop-test:s{i:02}> <urn:x-lamcoop-test:p> <urn:x-lamcoop-test:o{j}> .\n"
        for i in range(30)
        for j in range(2)
    )
    (tmp_path / "many.nt").write_text(rows, encoding="utf-8")
    store = str(tmp_path / "store")
    graph = "urn:x-lamcoop-test:many"
    assert (
        invoke("--store", store, "load", "--graph", graph, str(tmp_path / "many.nt")).exit_code == 0
    )
    bounded = ("--setting", "consistency_max_triples", "20")
    result = invoke("--store", store, *bounded, "consistency", "--format", "json")
    assert result.exit_code == 0, result.output[-2000:]
    report = json.loads(result.output)
    assert report["status"] == "consistent" and report["sampled"] is True
    assert report["graphs"] == [
        {"iri": graph, "role": "user", "sent": 20, "total": 60, "sample": [10, 30]}
    ]
    assert "a SAMPLE of the users' data" in report["summary"]


@needs_java
def test_an_inconsistent_dataset_of_record_fails_the_build_step(tmp_path):
    """A ``seed-*`` graph is the record: its inconsistency is the build's failure, not a
    user's to be reported (a made-up ``seed-999`` holds the clash)."""
    settings = resolve_settings(
        config_file=None, environ={}, overrides={"store": str(tmp_path / "store")}
    )
    store = open_store(settings.store_path)
    try:
        context = BuildContext(store, settings)
        load_shipped_files(context)
        store.update(f"INSERT DATA {{ GRAPH <{settings.graph_iri('seed-999')}> {{ {CLASH} }} }}")
        with pytest.raises(ConsistencyError) as failed:
            check_ontology_consistency(context)
    finally:
        store.close()
    message = str(failed.value)
    assert message.startswith("consistency: inconsistent")
    seed = settings.graph_iri("seed-999")
    assert (
        f"Graph at fault (inconsistent with the ontology and the record by itself): <{seed}>"
        in message
    )
    assert f"individual <{BOTH}>" in message
