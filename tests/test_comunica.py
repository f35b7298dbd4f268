"""Comunica, the most used JavaScript linked-data client, against a real lamcoop server:
SPARQL over the protocol, an entity dereferenced as a source, and link traversal over two
hops from an ``/id`` URI. The server's base IRI is its own address, so every link leads back
to it (the network outside is closed here; ``--lenient`` lets Comunica pass over the
vocabulary IRIs it cannot reach)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests

from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer, free_port

CLIENTS = Path(__file__).resolve().parent / "clients" / "node_modules" / ".bin"
pytestmark = pytest.mark.skipif(
    not (CLIENTS / "comunica-sparql").exists(),
    reason="Comunica is not installed: `make test` installs it with npm (tests/clients)",
)
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
LAMC = "https://w3id.org/lamcoop/ontology#"
#: Seconds one Comunica run may take (Node's start and a few requests; generous).
RUN_DEADLINE = 180


@pytest.fixture(scope="module")
def own_base_server(tmp_path_factory):
    """``lamcoop build`` and ``serve`` with the base IRI set to the server's own address."""
    workdir = tmp_path_factory.mktemp("comunica")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    env.update({"LAMCOOP_BASE_IRI": base, "LAMCOOP_STORE": str(workdir / "store")})
    built = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "build"], cwd=workdir, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    settings = {"base_iri": base, "workers": 2}
    with RunningServer(workdir / "store", workdir, settings, port=port) as running:
        yield running


def comunica(program: str, *args: str) -> list[dict[str, str]]:
    """The bindings Comunica's command line prints for a query (JSON), as dicts."""
    done = subprocess.run(
        [str(CLIENTS / program), "--lenient", *args],
        capture_output=True,
        text=True,
        timeout=RUN_DEADLINE,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_comunica_queries_the_sparql_endpoint(own_base_server):
    query = f"SELECT ?c WHERE {{ ?c a <{LAMC}Consortium> }} ORDER BY ?c"
    rows = comunica("comunica-sparql", f"sparql@{own_base_server.url}/sparql", query)
    direct = requests.get(
        own_base_server.url + "/sparql", params={"query": query}, timeout=HTTP_DEADLINE
    ).json()["results"]["bindings"]
    assert [r["c"] for r in rows] == [b["c"]["value"] for b in direct]
    assert len(rows) > 10


def test_comunica_dereferences_an_entity_and_sees_each_statement_once(own_base_server):
    calis = own_base_server.url + "/id/institution/calis"
    rows = comunica(
        "comunica-sparql", calis, f"SELECT ?l WHERE {{ <{calis}> <{SKOS}prefLabel> ?l }}"
    )
    labels = sorted(r["l"] for r in rows)
    assert '"中国高等教育文献保障系统"@zh-hans' in labels
    assert len(labels) == len(set(labels))  # no statement counted twice


def test_link_traversal_from_an_id_uri_over_two_hops(own_base_server):
    """CALIS's document names its units; a unit's names its host; the host's own document
    (two links away) gives its types."""
    calis = own_base_server.url + "/id/institution/calis"
    query = (
        f"SELECT DISTINCT ?host ?type WHERE {{ <{calis}> <{ORG}hasUnit> ?unit . "
        f"?unit <{LAMC}hostedBy> ?host . ?host a ?type }}"
    )
    rows = comunica("comunica-sparql-link-traversal", calis, query)
    host = own_base_server.url + "/id/institution/peking-university"
    assert {r["host"] for r in rows} == {host}
    assert f"{LAMC}University" in {r["type"] for r in rows}
