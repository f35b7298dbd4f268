"""The vocabulary module: one label rule (pages and audit reports pick the same label), one
prefix map (serialising, SPARQL), and no namespace spelled out anywhere else."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.audit.run import run_audit
from graph_loader.audit.stored import read_audit
from graph_loader.store import open_store
from graph_loader.vocab import (
    DCTERMS,
    LAMC,
    PREFIXES,
    RDFS,
    SKOS,
    SPARQL_PREFIXES,
    label_texts,
    pick_label,
)
from tests.app_support import small_app
from tests.audit_support import BASE, load_shipped, load_turtle, settings

REPO = Path(__file__).resolve().parent.parent
A = BASE + "id/agreement/"
EN, FA, ZH = (
    ox.Literal(t, language=g)
    for t, g in (("Library", "en"), ("کتابخانه", "fa"), ("图书馆", "zh-Hans"))
)
BARE, DE = ox.Literal("library"), ox.Literal("Bibliothek", language="de")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fa", FA), ("zh-Hans", ZH), ("zh-CN", ZH), ("en", EN), ("de", DE), ("ko", EN)],
)
def test_the_readers_language_then_english(lang, expected):
    assert pick_label([BARE, DE, EN, FA, ZH], lang=lang) == expected


def test_then_no_tag_then_any_language_by_tag():
    assert pick_label([DE, BARE, FA], lang="zh-Hans") == BARE
    assert pick_label([ZH, DE], lang="ko") == DE


def test_the_choice_does_not_depend_on_the_order_of_rows():
    labels = [ox.Literal("B", language="fr"), ox.Literal("A", language="it"), DE]
    picks = {pick_label(order, lang="ko") for order in itertools.permutations(labels)}
    assert picks == {DE}


def test_preferred_label_then_rdfs_label_then_title_in_one_language():
    labels = [
        (DCTERMS + "title", ox.Literal("A title", language="en")),
        (RDFS + "label", ox.Literal("B label", language="en")),
        (SKOS + "prefLabel", ox.Literal("C preferred", language="en")),
        (SKOS + "prefLabel", ox.Literal("پیشنهادی", language="fa")),
    ]
    for order in itertools.permutations(labels):
        assert pick_label(order).value == "C preferred"
        assert pick_label(order, lang="fa").value == "پیشنهادی"
    assert pick_label(labels[:2]).value == "B label"


def test_label_texts_keeps_things_without_a_label():
    rows = [("x", None), ("y", (RDFS + "label", BARE)), ("y", None), ("y", EN)]
    assert label_texts(rows) == {"x": None, "y": "Library"}


MANY_LABELS = f"""
agr:multi a lamc:MemorandumOfUnderstanding ; rdfs:label "A plain label"@en , "Une étiquette"@fr ;
    skos:prefLabel "Multi, preferred"@en ; <{DCTERMS}title> "Aaa title"@en .
agr:bare a lamc:MemorandumOfUnderstanding ; skos:prefLabel "قرارداد"@fa ; rdfs:label "bare" .
agr:far a lamc:MemorandumOfUnderstanding ; skos:prefLabel "协议"@zh-Hans , "قرارداد"@fa .
agr:none a lamc:MemorandumOfUnderstanding .
"""


def test_the_audit_and_its_stored_copy_show_the_same_labels():
    store, s = open_store(None), settings()
    load_shipped(store, s)
    load_turtle(store, MANY_LABELS)
    fresh = {a.iri: a.label for a in run_audit(store, s).agreements}
    stored = read_audit(store, s)
    assert stored is not None
    expected = {
        A + "multi": "Multi, preferred",
        A + "bare": "bare",
        A + "far": "قرارداد",
        A + "none": None,
    }
    assert fresh == expected
    assert {a.iri: a.label for a in stored.agreements} == expected


def test_pages_title_an_entity_by_its_preferred_label(tmp_path):
    with small_app(tmp_path) as client:
        page = client.get("/doc/thing/a.html").text
        found = client.get("/search", query_string={"q": "a", "format": "json"}).json
        persian = client.get("/doc/thing/a.html", query_string={"lang": "fa"}).text
    assert "<h1" in page and "Zeta" in page.split("<h1", 1)[1].split("</h1>", 1)[0]
    assert [r["label"] for r in found["results"]] == ["Zeta"]
    assert "زتا" in persian.split("<h1", 1)[1].split("</h1>", 1)[0]


def test_one_prefix_map_for_turtle_and_sparql():
    store = open_store(None)
    store.update(f"INSERT DATA {{ GRAPH <urn:g> {{ <{LAMC}x> <{SKOS}prefLabel> 'x' }} }}")
    rows = list(store.query(SPARQL_PREFIXES + "SELECT ?x WHERE { ?x skos:prefLabel ?l }"))
    assert [r["x"] for r in rows] == [LAMC.x]
    triples = [ox.Triple(LAMC.x, SKOS.prefLabel, ox.Literal("x"))]
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)).decode()
    assert "lamc:x skos:prefLabel" in text


def _spelled_namespaces(path: Path) -> list[str]:
    """String constants (docstrings aside) of ``path`` that spell out a known namespace."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and any(ns in node.value for ns in PREFIXES.values())
    ]


CODE = sorted(
    p
    for package in ("graph_loader", "sparql_endpoint")
    for p in (REPO / package).rglob("*.py")
    if p.name != "vocab.py"
)


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_no_module_spells_out_a_namespace_of_the_vocabulary(path):
    assert _spelled_namespaces(path) == []


def test_the_namespace_check_sees_a_spelled_namespace(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Doc <http://www.w3.org/ns/prov#>."""\nX = "http://www.w3.org/ns/prov#"\n')
    assert _spelled_namespaces(sample) == ["http://www.w3.org/ns/prov#"]
