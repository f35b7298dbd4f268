"""``lamcoop serve`` over a remote store (a real Oxigraph server, and Virtuoso): the
protocol, an update, a page, and the guards lamcoop keeps whatever the engine does (SERVICE
refused before a query is sent, the time limit)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from graph_loader.store.remote_version import VERSION_GRAPH
from tests.remote_support import OxigraphServer, load_by_command_line
from tests.servers import HTTP_DEADLINE, RunningServer
from tests.virtuoso_support import VirtuosoServer, virtuoso_env

Engine = OxigraphServer | VirtuosoServer
_CREDENTIALS = ("LAMCOOP_STORE_ENGINE", "LAMCOOP_STORE_USER", "LAMCOOP_STORE_PASSWORD")

TOKEN = "remote-serve-token"
GRAPH = "urn:x-lamcoop-test:g"
OTHER = "https://w3id.org/lamcoop/id/institution/x-remote-other"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ENTITY = "https://w3id.org/lamcoop/id/institution/x-remote-test"
DATA = f"""<{ENTITY}> <http://www.w3.org/2000/01/rdf-schema#label> "Remote Test Library"@en .
<{ENTITY}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:x-lamcoop-test:Thing> .
"""
for i in range(40):  # enough triples that a four-way cross join runs for many seconds
    DATA += f'<urn:x-lamcoop-test:s{i}> <urn:x-lamcoop-test:p> "{i}" .\n'


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote_server(request, tmp_path_factory) -> Iterator[tuple[RunningServer, Engine]]:
    """A real ``lamcoop serve`` (one worker, a 3 s limit) over a real Oxigraph server, or
    the session's Virtuoso, that holds :data:`DATA`, loaded by the command line."""
    root = tmp_path_factory.mktemp("remote-serve")
    settings: dict[str, object] = {
        "state_dir": root / "state",
        "store_retries": 1,
        "update_token": TOKEN,
        "workers": 1,
        "query_timeout": 3,
    }
    engine: Engine
    if request.param == "virtuoso":
        engine = request.getfixturevalue("virtuoso_server")
        engine.reset()
        env = virtuoso_env(engine, root / "state")
        settings.update({k[8:].lower(): env[k] for k in _CREDENTIALS})
    else:
        engine = OxigraphServer(root / "oxigraph")
    load_by_command_line(engine.query_url, root, settings, graph=GRAPH, data=DATA)
    try:
        with RunningServer(engine.query_url, root, settings) as running:
            yield running, engine
    finally:
        if isinstance(engine, OxigraphServer):
            engine.stop()


def _select(server: RunningServer, query: str) -> requests.Response:
    return requests.post(
        server.url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )


def test_health_says_why_the_sandbox_is_off(remote_server):
    server, _engine = remote_server
    health = requests.get(server.url + "/-/health", timeout=HTTP_DEADLINE).json()
    assert health["status"] == "ok"
    assert health["network_sandbox"].startswith("off: the store is remote")


def test_protocol_query_and_an_update_reach_the_engine(remote_server):
    server, engine = remote_server
    answer = _select(server, f"SELECT ?l WHERE {{ <{ENTITY}> ?p ?l FILTER(isLiteral(?l)) }}")
    assert answer.status_code == 200, answer.text
    assert [b["l"]["value"] for b in answer.json()["results"]["bindings"]] == [
        "Remote Test Library"
    ]
    added = f'<{ENTITY}> <urn:x-lamcoop-test:q> "new" . <{OTHER}> <{LABEL}> "Zyxwv Archive"@en'
    server.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {added} }} }}")
    assert engine.counts()[GRAPH] == len(DATA.splitlines()) + 2
    again = _select(server, f'ASK {{ <{ENTITY}> <urn:x-lamcoop-test:q> "new" }}')
    assert again.json()["boolean"] is True
    # The text index (in state_dir, beside no store) follows the write made through lamcoop.
    found = requests.get(server.url + "/search", params={"q": "zyxwv"}, timeout=HTTP_DEADLINE)
    assert found.status_code == 200 and "Zyxwv Archive" in found.text


def test_entity_page_reads_the_remote_store(remote_server):
    server, _engine = remote_server
    page = requests.get(
        server.url + "/doc/institution/x-remote-test",
        headers={"Accept": "text/turtle"},
        timeout=HTTP_DEADLINE,
    )
    assert page.status_code == 200, page.text
    assert "Remote Test Library" in page.text


def test_service_is_refused_before_the_query_is_sent(remote_server):
    server, engine = remote_server
    before = engine.counts()
    refused = _select(server, "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert refused.status_code == 400
    assert "SERVICE <http://127.0.0.1:9/sparql> is not allowed" in refused.text
    loading = requests.post(
        server.url + "/sparql",
        data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert loading.status_code == 400
    assert engine.counts() == before


def test_the_time_limit_is_lamcoops(remote_server):
    server, _engine = remote_server
    slow = _select(
        server,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?g { ?d ?e ?f } "
        "GRAPH ?g { ?h ?i ?j } GRAPH ?g { ?k ?l ?m } GRAPH ?g { ?n1 ?o ?p } }",
    )
    assert slow.status_code == 503
    assert "time limit" in slow.text
    # The server answers again afterwards (its worker was replaced).
    server.wait_ready()
    assert _select(server, "ASK { ?s ?p ?o }").status_code == 200


def test_a_graph_store_put_is_staged_and_published(remote_server):
    server, engine = remote_server
    target = "urn:x-lamcoop-test:put"
    body = "<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> _:n . _:n <urn:x-lamcoop-test:c> 1 ."
    put = requests.put(
        server.url + "/graph-store",
        params={"graph": target},
        data=body.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert put.status_code in (201, 204), put.text
    counts = engine.counts()
    assert counts[target] == 2
    # Nothing staged is left; the store's data version moved (docs/remote-store.md).
    assert [g for g in counts if g.startswith("urn:lamcoop:")] == [VERSION_GRAPH]
    bad = requests.put(
        server.url + "/graph-store",
        params={"graph": target},
        data=b"<urn:x-lamcoop-test:a> oops",
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert bad.status_code == 400
    assert engine.counts() == counts
