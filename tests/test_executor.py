"""The executor in both modes: page reads give terms, protocol queries give pyoxigraph's
serialisation, reads wait for writes, and a served read past the limit ends its process."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.settings import resolve_settings
from graph_loader.store import open_store
from sparql_endpoint.app import close_app, create_app
from sparql_endpoint.executor import CHUNK_BYTES, QueryError, QueryJob, in_thread, served
from sparql_endpoint.executor.watchdog import EXIT_STATUS
from tests.conftest import EX, example_store

JSON = "application/sparql-results+json"
LABEL = EX + "label"
BASE = "https://w3id.org/lamcoop/"
THING = BASE + "id/thing/one"


@pytest.fixture
def memory():
    store = open_store(None)
    store.load_graph(
        f'<{EX}a> <{LABEL}> "a"@en ; <{EX}knows> <{EX}b> .'.encode(),
        graph=EX + "g",
        format=ox.RdfFormat.TURTLE,
    )
    yield store
    store.close()


def test_page_reads_give_terms(memory):
    executor = in_thread(memory)
    rows = executor.select(f"SELECT ?o WHERE {{ ?s <{LABEL}> ?o }}")
    assert rows == [{"o": ox.Literal("a", language="en")}]
    bound = executor.select("SELECT ?s ?x WHERE { ?s ?p ?o }", {"s": ox.NamedNode(EX + "b")})
    assert bound == []
    triples = executor.construct("CONSTRUCT WHERE { ?s ?p ?o }", {"s": ox.NamedNode(EX + "a")})
    assert {t.object for t in triples} == {ox.Literal("a", language="en"), ox.NamedNode(EX + "b")}
    assert all(isinstance(t, ox.Triple) for t in triples)


def test_a_rejected_page_query_is_a_query_error(memory):
    executor = in_thread(memory)
    with pytest.raises(QueryError, match="query failed"):
        executor.select("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryError, match="does not return rows"):
        executor.select("CONSTRUCT WHERE { ?s ?p ?o }")


def test_a_read_block_is_one_view_and_ends_with_its_block(memory):
    executor = in_thread(memory)
    with executor.reading() as view:
        with executor.reading() as inner:
            assert inner is view
        assert view.triple_count(EX + "g") == 2
        assert view.dump_graph(EX + "g", format=ox.RdfFormat.N_TRIPLES).count(b"\n") == 2
    with pytest.raises(RuntimeError, match="after its read block"):
        view.graphs()


def test_protocol_queries_are_serialised_whole_spooled_or_cut(memory):
    executor = in_thread(memory)
    small = executor.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", JSON, graph_result=False))
    assert small.body is not None and small.head is not None and not small.head.truncated
    long = "x" * CHUNK_BYTES
    memory.update(f'INSERT DATA {{ GRAPH <{EX}big> {{ <{EX}l> <{LABEL}> "{long}" }} }}')
    large = executor.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", JSON, graph_result=False))
    assert large.body is None and large.length is not None and large.length > CHUNK_BYTES
    assert len(b"".join(large.chunks())) == large.length
    cut = executor.run(QueryJob("SELECT * WHERE { ?s ?p ?o }", JSON, False, max_rows=2))
    assert cut.head is not None and cut.head.truncated and cut.head.rows == 2


def test_protocol_query_errors_are_400(memory):
    executor = in_thread(memory)
    syntax = executor.run(QueryJob("SELECT * WHERE { ?s ?p }", JSON, graph_result=False))
    assert (syntax.head, syntax.status) == (None, 400) and "syntax" in syntax.message
    mismatch = executor.run(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", JSON, graph_result=False))
    assert mismatch.status == 400 and "returns a graph" in mismatch.message


def test_a_write_bumps_the_version_and_the_counts(memory):
    executor = in_thread(memory)
    before = executor.version
    executor.write(
        lambda store: store.update(f"INSERT DATA {{ GRAPH <{EX}h> {{ <{EX}x> <{EX}y> 1 }} }}")
    )
    assert executor.version == before + 1
    assert executor.graph_counts()[EX + "h"] == 1 and EX + "h" in executor.known_graphs()


# -- the served mode ----------------------------------------------------------------------------


def test_a_served_select_during_a_write_waits_for_it(tmp_path: Path):
    example_store(tmp_path / "store", things=5)
    reader = served(tmp_path / "store", timeout=10)
    writer = served(tmp_path / "store", timeout=10)
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EX}g3> {{ ?s ?p ?o }} }}"
    assert reader.select(count) == [{"n": ox.Literal(0)}]
    writing = threading.Event()

    def slow_insert(store):
        store.update(f"INSERT DATA {{ GRAPH <{EX}g3> {{ <{EX}x> <{EX}y> 1 }} }}")
        writing.set()
        time.sleep(0.5)

    thread = threading.Thread(target=writer.write, args=(slow_insert,))
    try:
        thread.start()
        assert writing.wait(10)
        started = time.monotonic()
        rows = reader.select(count)
        waited = time.monotonic() - started
    finally:
        thread.join(10)
        reader.close()
        writer.close()
    assert rows == [{"n": ox.Literal(1)}], "the reader reopened its handle after the write"
    assert waited > 0.2


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("read", ["select", "reading"])
def test_a_served_page_read_past_the_limit_is_answered_and_ends_the_process(tmp_path, read):
    example_store(tmp_path / "store", things=50)
    mark = tmp_path / "answered"
    body = {
        "select": f"executor.select({RUNAWAY!r})",
        "reading": f"with executor.reading() as view: list(view.query({RUNAWAY!r}))",
    }[read]
    program = (
        "from pathlib import Path\n"
        "from sparql_endpoint.executor import served\n"
        f"def answer(): return lambda message: Path({str(mark)!r}).write_text(message)\n"
        f"store = Path({str(tmp_path / 'store')!r})\n"
        "executor = served(store, timeout=0.5, answer_timeout=answer)\n"
        f"{body}\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program], timeout=60, check=False)
    assert done.returncode == EXIT_STATUS
    assert mark.read_text() == "the query ran past the 0.5 s time limit"
    assert time.monotonic() - started < 30


def test_entity_pages_read_in_both_modes(tmp_path: Path):
    path = tmp_path / "store"
    store = open_store(path)
    store.load_graph(
        f'<{THING}> <http://www.w3.org/2004/02/skos/core#prefLabel> "One"@en .'.encode(),
        graph=BASE + "graph/things",
        format=ox.RdfFormat.TURTLE,
    )
    store.close()
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(path)})
    handed = open_store(path, read_only=True)
    try:
        _check_pages(create_app(settings, store=handed))
    finally:
        handed.close()
    _check_pages(create_app(settings))


def _check_pages(app) -> None:
    try:
        client = app.test_client()
        page = client.get("/doc/thing/one.nt")
        assert page.status_code == 200, page.text
        assert f'<{THING}> <http://www.w3.org/2004/02/skos/core#prefLabel> "One"@en' in page.text
        assert client.get("/doc/thing/one.html").status_code == 200
        assert client.get("/doc/thing/none.ttl").status_code == 404
        assert client.get("/id/thing/one").status_code == 303
    finally:
        close_app(app)
