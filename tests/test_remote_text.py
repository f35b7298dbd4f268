"""``text:matches`` and ``text:score`` in SPARQL over a remote store (a real Oxigraph server)
give what they give on the embedded store: the same data loaded both ways by the command
line, served by two real ``lamcoop serve``, the same queries asked of both."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.remote_support import OxigraphServer
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer
from tests.virtuoso_support import PASSWORD, USER

EX = "https://w3id.org/lamcoop/id/institution/x-text-"
GRAPH = "urn:x-lamcoop-test:text"
SKOS = "http://www.w3.org/2004/02/skos/core#"
LAMC = "https://w3id.org/lamcoop/ontology#"
DATA = f"""
<{EX}bnf> a <{LAMC}NationalLibrary> ; <{SKOS}prefLabel> "Bibliothèque nationale de France"@fr ;
  <{LAMC}isil> "FR-751131015" .
<{EX}nlai> a <{LAMC}NationalLibrary> ; <{SKOS}prefLabel> "کتابخانه ملی ایران"@fa .
<{EX}exact> a <{LAMC}Library> ; <{SKOS}prefLabel> "Zyxwlib"@en .
<{EX}prefix> a <{LAMC}Library> ; <{SKOS}prefLabel> "Zyxwlib of the North"@en .
<{EX}contained> a <{LAMC}Library> ; <{SKOS}prefLabel> "The Zyxwlib, \\"quoted\\""@en ;
  <{SKOS}note> "a note, not in the index: zyxwlib" .
<{EX}other> a <{LAMC}Library> ; <{SKOS}prefLabel> "Elsewhere"@en .
"""
PREFIXES = f"""PREFIX text: <https://w3id.org/lamcoop/text#>
PREFIX lamc: <{LAMC}>
PREFIX skos: <{SKOS}>
"""
QUERIES = {
    "score": """SELECT ?x ?score WHERE { ?x a lamc:Library .
        BIND(text:score(?x, "ZYXWLIB") AS ?score) FILTER(BOUND(?score)) } ORDER BY ?score ?x""",
    "score in select, unbound kept": """SELECT ?x (text:score(?x, "zyxwlib of") AS ?s)
        WHERE { ?x a lamc:Library } ORDER BY ?x""",
    "identifier exact": f"""SELECT ?s WHERE {{ VALUES ?x {{ <{EX}bnf> }}
        BIND(text:score(?x, "fr-751131015") AS ?s) }}""",
    "identifier only exact": f"""SELECT ?s WHERE {{ VALUES ?x {{ <{EX}bnf> }}
        BIND(text:score(?x, "fr-7511") AS ?s) }}""",
    "matches folds": """SELECT ?x WHERE { ?x a lamc:NationalLibrary ; skos:prefLabel ?l .
        FILTER(text:matches(?l, "bibliotheque") || text:matches(?l, "كتابخانه ملي")) }
        ORDER BY ?x""",
    "matches a literal the index lacks": """SELECT ?x WHERE { ?x skos:note ?n
        FILTER(<https://w3id.org/lamcoop/text#matches>(?n, "ZYXWLIB")) }""",
    "matches nested and ordered": """SELECT ?x ?t WHERE { ?x skos:prefLabel ?l
        BIND(STR(text:matches(?l, "zyxwlib")) AS ?t) } ORDER BY DESC(?t) ?x""",
    "matches not a literal": """ASK { ?x a lamc:Library FILTER(text:matches(?x, "z")) }""",
    "in a string or a comment, not a call": """# text:score(?x, "no")
        SELECT ?x WHERE { ?x skos:prefLabel ?l
        FILTER(?l != "text:score(?x, 1)" && text:score(?x, "elsewhere") = 1) }""",
}


def _load(store: str | Path, settings: dict[str, object], root: Path) -> None:
    """``lamcoop load`` of :data:`DATA` into ``store`` with these settings."""
    data = root / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    env.update({f"LAMCOOP_{k.upper()}": str(v) for k, v in settings.items()})
    env["LAMCOOP_STORE"] = str(store)
    loaded = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "load", "--graph", GRAPH, str(data)],
        cwd=root, env=env, capture_output=True, timeout=600,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> Iterator[RunningServer]:
    """``lamcoop serve`` over an embedded store loaded with :data:`DATA`."""
    root = tmp_path_factory.mktemp("remote-text-embedded")
    _load(root / "embedded", {}, root)
    with RunningServer(root / "embedded", root, {"workers": 1}) as running:
        yield running


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def servers(request, embedded, tmp_path_factory) -> Iterator[tuple[RunningServer, RunningServer]]:
    """The embedded store's server, and ``lamcoop serve`` over an Oxigraph server, then
    over the session's Virtuoso, each loaded with :data:`DATA` by ``lamcoop load``."""
    root = tmp_path_factory.mktemp(f"remote-text-{request.param}")
    remote: dict[str, object] = {"workers": 1, "state_dir": root / "state", "store_retries": 1}
    if request.param == "virtuoso":
        engine = request.getfixturevalue("virtuoso_server")
        engine.reset()
        remote.update(store_engine="virtuoso", store_user=USER, store_password=PASSWORD)
    else:
        engine = OxigraphServer(root / "oxigraph")
    try:
        _load(engine.query_url, remote, root)
        with RunningServer(engine.query_url, root, remote) as running:
            yield embedded, running
    finally:
        if request.param == "oxigraph":
            engine.stop()


def _ask(server: RunningServer, query: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data={"query": PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )


def _answer(server: RunningServer, query: str) -> object:
    r = _ask(server, query)
    assert r.status_code == 200, r.text
    body = r.json()
    return body.get("boolean", body.get("results", {}).get("bindings"))


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_the_text_functions_answer_alike_on_both_stores(servers, name):
    embedded, remote = servers
    assert _answer(remote, QUERIES[name]) == _answer(embedded, QUERIES[name])


def test_the_answers_are_the_documented_ones(servers):
    _, remote = servers
    rows = _answer(remote, QUERIES["score"])
    assert [(r["x"]["value"], r["score"]["value"]) for r in rows] == [  # type: ignore[union-attr]
        (EX + "exact", "1"), (EX + "prefix", "2"), (EX + "contained", "3"),
    ]  # fmt: skip
    found = {r["x"]["value"] for r in _answer(remote, QUERIES["matches folds"])}  # type: ignore[union-attr]
    assert found == {EX + "bnf", EX + "nlai"}
    assert _answer(remote, QUERIES["identifier exact"]) == [{"s": _integer("1")}]
    assert _answer(remote, QUERIES["identifier only exact"]) == [{}]


def _integer(value: str) -> dict[str, str]:
    return {
        "type": "literal",
        "value": value,
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }


def test_words_from_a_variable_are_refused_with_the_call_named(servers):
    _, remote = servers
    r = _ask(remote, "SELECT ?x WHERE { ?x skos:prefLabel ?l BIND(text:score(?x, ?l) AS ?s) }")
    assert r.status_code == 400
    assert "text:score(?x, ?l)" in r.text and "literal" in r.text
