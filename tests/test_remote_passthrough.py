"""Protocol queries over a real Oxigraph server answered with the engine's own bytes
(``sparql_endpoint/executor/passthrough.py``), through a real ``lamcoop serve``.

The bytes are the engine's (the same as a request made to it directly, in every format);
the guards still hold (SERVICE refused before anything is sent, lamcoop's time limit, the
row cap read back); an engine's refusal is the client's 400 with the engine's words; an
engine gone before it answers is a 502; an answer the engine cuts short after lamcoop began
sending it ends broken, never as a whole answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from graph_loader.rdf_formats import RDF_SYNTAXES, RESULTS_SYNTAXES
from tests.remote_support import OxigraphServer, load_by_command_line
from tests.servers import HTTP_DEADLINE, RunningServer

GRAPH = "urn:x-lamcoop-test:passthrough"
P = "urn:x-lamcoop-test:p"
ROWS = 40
DATA = "".join(f'<urn:x-lamcoop-test:s{i}> <{P}> "{i}"@en .\n' for i in range(ROWS))
SELECT = f"SELECT ?s ?o WHERE {{ ?s <{P}> ?o }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT WHERE {{ ?s <{P}> ?o }}"
#: A cross join of the data with itself three times: 64,000 rows, about 4 MB of CSV, far
#: more than one chunk.
LARGE = f"SELECT * WHERE {{ ?a <{P}> ?b . ?c <{P}> ?d . ?e <{P}> ?f }}"
#: Runs for many seconds on either side (five joins of the graph with itself).
#: Four joins: 2.56 million rows, hundreds of MB, more than every buffer on the way holds.
HUGE = LARGE.replace("}", f". ?g <{P}> ?h }}")
SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?g { ?d ?e ?f } "
    "GRAPH ?g { ?h ?i ?j } GRAPH ?g { ?k ?l ?m } GRAPH ?g { ?n1 ?o ?p } }"
)


def _served(root: Path, engine: OxigraphServer, **extra: object) -> RunningServer:
    """A real ``lamcoop serve`` (one worker, a 3 s limit) over ``engine``, holding
    :data:`DATA` loaded by the command line."""
    settings: dict[str, object] = {
        "state_dir": root / "state",
        "store_retries": 1,
        "workers": 1,
        "query_timeout": 3,
        **extra,
    }
    load_by_command_line(engine.query_url, root, settings, graph=GRAPH, data=DATA)
    return RunningServer(engine.query_url, root, settings)


@pytest.fixture(scope="module")
def passing(tmp_path_factory) -> Iterator[tuple[RunningServer, OxigraphServer]]:
    root = tmp_path_factory.mktemp("passthrough")
    engine = OxigraphServer(root / "oxigraph")
    try:
        with _served(root, engine) as server:
            yield server, engine
    finally:
        engine.stop()


def _ask(url: str, query: str, accept: str, **params: str) -> requests.Response:
    return requests.post(
        url, data={"query": query, **params}, headers={"Accept": accept}, timeout=HTTP_DEADLINE
    )


def _both(passing, query: str, accept: str) -> tuple[requests.Response, requests.Response]:
    """The answer through lamcoop and the engine's own, asked directly (the union of the
    graphs as the default graph; lamcoop names the published graphs one by one, which these
    queries, reading only published data, cannot tell apart)."""
    server, engine = passing
    through = _ask(server.url + "/sparql", query, accept)
    direct = _ask(engine.query_url, query, accept, **{"union-default-graph": "true"})
    assert through.status_code == 200, through.text
    assert direct.status_code == 200, direct.text
    return through, direct


@pytest.mark.parametrize(
    ("query", "media"),
    [
        pytest.param(query, s.media_types[0], id=f"{kind}-{s.media_types[0]}")
        for kind, query, syntaxes in (
            ("select", SELECT, RESULTS_SYNTAXES),
            ("construct", CONSTRUCT, RDF_SYNTAXES),
        )
        for s in syntaxes
    ],
)
def test_results_and_graphs_are_the_engines_bytes(passing, query, media):
    through, direct = _both(passing, query, media)
    assert through.content == direct.content
    assert through.headers["Content-Type"].split(";")[0] == media
    assert through.content.count(b"urn:x-lamcoop-test:s") == ROWS


def test_a_large_answer_is_streamed_whole(passing):
    through, direct = _both(passing, LARGE, "text/csv")
    assert through.content == direct.content
    assert through.content.count(b"\n") == ROWS**3 + 1
    assert "Content-Length" not in through.headers  # sent as the engine sends it


def test_the_engines_refusal_is_a_400_with_its_words(passing):
    server, _engine = passing
    # lamcoop's reader takes the text; the engine refuses it (no such function).
    answer = _ask(server.url + "/sparql", "SELECT (<urn:x-lamcoop-test:f>(1) AS ?x) {}", "text/csv")
    assert answer.status_code == 400, answer.text
    assert "query failed" in answer.text or "syntax error" in answer.text
    assert server.url not in answer.text and "Traceback" not in answer.text


def test_service_is_still_refused_before_anything_is_sent(passing):
    server, _engine = passing
    answer = _ask(
        server.url + "/sparql", "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { } }", "text/csv"
    )
    assert answer.status_code == 400
    assert "SERVICE <http://127.0.0.1:9/sparql> is not allowed" in answer.text


def test_internal_graphs_are_not_named_by_the_dataset(passing):
    server, _engine = passing
    answer = _ask(
        server.url + "/sparql",
        "SELECT * { ?s ?p ?o }",
        "text/csv",
    )
    assert answer.status_code == 200
    refused = requests.post(
        server.url + "/sparql",
        data={"query": "ASK { ?s ?p ?o }", "named-graph-uri": "urn:lamcoop:version"},
        headers={"Accept": "text/csv"},
        timeout=HTTP_DEADLINE,
    )
    assert refused.status_code == 400 and "urn:lamcoop:version" in refused.text


def test_the_time_limit_holds(passing):
    server, _engine = passing
    slow = _ask(server.url + "/sparql", SLOW, "text/csv")
    assert slow.status_code == 503 and "time limit" in slow.text
    server.wait_ready()
    assert _ask(server.url + "/sparql", "ASK {}", "text/csv").status_code == 200


def test_the_row_cap_still_cuts(tmp_path):
    engine = OxigraphServer(tmp_path / "oxigraph")
    try:
        with _served(tmp_path, engine, max_rows=5) as server:
            answer = _ask(server.url + "/sparql", SELECT, "application/sparql-results+json")
            assert answer.status_code == 200, answer.text
            assert len(answer.json()["results"]["bindings"]) == 5
            assert answer.headers["X-Lamcoop-Truncated"] == "true"
            # A graph has no row cap: the engine's bytes.
            graph = _ask(server.url + "/sparql", CONSTRUCT, "application/n-triples")
            assert graph.content.count(b"\n") == ROWS
    finally:
        engine.stop()


def test_an_engine_gone_is_a_502_and_a_cut_answer_ends_broken(tmp_path):
    engine = OxigraphServer(tmp_path / "oxigraph")
    try:
        with _served(tmp_path, engine, query_timeout=60) as server:
            with requests.post(
                server.url + "/sparql",
                data={"query": HUGE},
                headers={"Accept": "text/csv"},
                timeout=HTTP_DEADLINE,
                stream=True,
            ) as answer:
                assert answer.status_code == 200
                assert "Content-Length" not in answer.headers
                first = answer.raw.read(300_000)
                assert first.startswith(b"a,b,c,d,e,f,g,h\r\n")
                engine.kill()  # the engine ends while its answer is on its way
                with pytest.raises(requests.exceptions.ChunkedEncodingError):
                    for _piece in answer.iter_content(65536):
                        pass
            # The engine is still gone: the next query is the store's failure, not a success.
            gone = _ask(server.url + "/sparql", SELECT, "text/csv")
            assert gone.status_code == 502, gone.text
            assert "the store failed" in gone.text and "Traceback" not in gone.text
    finally:
        engine.stop()


@pytest.mark.parametrize("media", ["text/csv", "application/sparql-results+json"])
def test_a_query_over_every_graph_sees_no_internal_graph(passing, media):
    server, _engine = passing
    answer = _ask(server.url + "/sparql", "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", media)
    assert answer.status_code == 200, answer.text
    assert GRAPH in answer.text
    assert "urn:lamcoop:" not in answer.text


def test_the_union_default_graph_holds_no_internal_graph(passing):
    server, engine = passing
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    direct = _ask(engine.query_url, everything, "text/csv", **{"union-default-graph": "true"})
    assert "urn:lamcoop:" in direct.text  # the engine's union holds the data version
    answer = _ask(server.url + "/sparql", everything, "text/csv")
    assert answer.status_code == 200, answer.text
    assert f"urn:x-lamcoop-test:s{ROWS - 1}" in answer.text
    assert "urn:lamcoop:" not in answer.text
