"""The W3C SPARQL 1.1 query-evaluation, syntax and result-format tests through ``/sparql``.

The service runs for the module in Flask's test client (the answers are the application's
own; the protocol suites run against a real server), over an in-memory store holding every
data file of the suite as a named graph under its published IRI. Each query is sent as
written, after a ``BASE`` naming the query file (the base the tests are written for), with
the test's dataset given by the protocol: ``default-graph-uri`` names its ``qt:data`` files
(an empty graph when it has none), ``named-graph-uri`` its ``qt:graphData`` files. A query
with FROM or FROM NAMED keeps its own dataset. So the endpoint's union default graph never
applies here.

The bar: the endpoint's answer agrees with pyoxigraph's, run directly on an in-memory store
holding the same data (default graph and named graphs as the manifest says). Where
pyoxigraph's answer also matches the W3C expected result the test passes; where it does not,
the test is an expected failure (and the EARL report says failed, with the reason).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from graph_loader.settings import resolve_settings
from graph_loader.store import Store, open_configured, open_store
from sparql_endpoint.query_text import inspect
from tests.conftest import service_client
from tests.earl import EarlReport
from tests.query_results import Outcome, csv_rows, outcome_of, read_expected
from tests.remote_support import OxigraphServer
from tests.servers import STORES
from tests.virtuoso_support import virtuoso_env
from tests.virtuoso_w3c import NOT_ON_VIRTUOSO
from tests.w3c_manifest import SPARQL11, ManifestTest, local_path, read_tests

pytestmark = pytest.mark.slow

MANIFESTS = (SPARQL11 / "manifest-sparql11-query.ttl", SPARQL11 / "manifest-sparql11-results.ttl")
EMPTY_GRAPH = "urn:x-lamcoop-test:empty"
SYNTAX = {"PositiveSyntaxTest11": True, "NegativeSyntaxTest11": False}
EVALUATION = {"QueryEvaluationTest", "CSVResultFormatTest"}
ACCEPT = {
    "srx": "application/sparql-results+xml",
    "srj": "application/sparql-results+json",
    "tsv": "text/tab-separated-values",
    "csv": "text/csv",
}
GRAPH_ACCEPT = "application/n-triples"

TESTS = [t for m in MANIFESTS if m.is_file() for t in read_tests(m)]
REPORT = EarlReport("sparql11-query", "SPARQL 1.1 Query, syntax and result formats", len(TESTS))
if not TESTS:
    pytestmark = [pytestmark, pytest.mark.skip(reason=f"{MANIFESTS[0]} is absent (../shared)")]


def data_files() -> set[str]:
    """The IRI of every data file the tests name."""
    return {iri for t in TESTS for iri in (*t.data, *t.graph_data)}


def rdf_format(iri: str) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(iri.rsplit(".", 1)[-1])
    assert fmt is not None, iri
    return fmt


@pytest.fixture(scope="module", params=STORES)
def client(request, tmp_path_factory):
    """The service over the suite's data: in an in-memory store, then in a remote Oxigraph
    server, then in the session's Virtuoso (loaded through lamcoop, as ``lamcoop load``
    does)."""
    if request.param == "embedded":
        yield from _client(open_store(None))
        REPORT.write_if_asked()
        return
    root = tmp_path_factory.mktemp(f"w3c-query-{request.param}")
    state = {"state_dir": root / "state", "store_retries": 1}
    if request.param == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso_server")
        virtuoso.reset()
        env = virtuoso_env(virtuoso, root / "state")
        settings = resolve_settings(config_file=None, environ=env, overrides={})
        yield from _client(open_configured(settings), engine="virtuoso", **state)
        return
    engine = OxigraphServer(root / "oxigraph")
    try:
        overrides = {"store": engine.query_url, **state}
        settings = resolve_settings(config_file=None, environ={}, overrides=overrides)
        yield from _client(open_configured(settings), **state)
    finally:
        engine.stop()


def _client(store: Store, engine: str = "", **settings: object) -> Iterator[FlaskClient]:
    unreadable: dict[str, str] = {}
    try:
        store.create_graph(EMPTY_GRAPH)
        if engine == "virtuoso":  # it keeps no empty graph: one triple stands for it
            x = ox.NamedNode(EMPTY_GRAPH)
            store.extend([ox.Quad(x, x, x, x)])
        for iri in sorted(data_files()):
            data = local_path(iri).read_bytes()
            try:
                store.load_graph(data, graph=iri, format=rdf_format(iri), base_iri=iri)
            except SyntaxError as exc:
                unreadable[iri] = str(exc)
            if not store.has_graph(iri):  # an empty file is an empty graph
                store.create_graph(iri)
        with service_client(store, max_rows=0, **settings) as opened:
            opened.unreadable = unreadable  # type: ignore[attr-defined]
            opened.engine = engine  # type: ignore[attr-defined]
            yield opened
    finally:
        store.close()


# -- pyoxigraph, directly --------------------------------------------------------------------
def direct_store(test: ManifestTest) -> ox.Store:
    """An in-memory store with the test's default graph and named graphs."""
    store = ox.Store()
    for iri in test.data:
        store.load(path=str(local_path(iri)), format=rdf_format(iri), base_iri=iri)
    for iri in test.graph_data:
        graph = ox.NamedNode(iri)
        store.load(path=str(local_path(iri)), format=rdf_format(iri), base_iri=iri, to_graph=graph)
    return store


def direct(test: ManifestTest, text: str) -> Outcome | str:
    """pyoxigraph's own answer, or the text of the error it raises."""
    try:
        return outcome_of(direct_store(test).query(text, base_iri=test.query))
    except (SyntaxError, OSError, ValueError) as exc:
        return f"error: {exc}"


# -- through the endpoint -------------------------------------------------------------------
def dataset_params(test: ManifestTest, text: str) -> list[tuple[str, str]]:
    """The protocol dataset of the test (none when the query names its own)."""
    info = inspect(text, base_iri=test.query)
    if info.from_graphs or info.from_named:
        return []
    params = [("default-graph-uri", iri) for iri in test.data or (EMPTY_GRAPH,)]
    return params + [("named-graph-uri", iri) for iri in test.graph_data]


def ask_endpoint(client, text: str, params, accept: str) -> TestResponse:
    return client.post(
        "/sparql",
        query_string=params,
        data=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )


def endpoint_outcome(response: TestResponse, accept: str) -> Outcome | str:
    """The endpoint's answer parsed as pyoxigraph reads it, or the error it gave."""
    if response.status_code != 200:
        return f"error: {response.status_code} {response.text.strip()}"
    media = response.headers["Content-Type"].split(";")[0].strip()
    if media == GRAPH_ACCEPT or accept == GRAPH_ACCEPT:
        return outcome_of_graph(response.data, media)
    fmt = ox.QueryResultsFormat.from_media_type(media)
    return outcome_of(ox.parse_query_results(response.data, format=fmt))


def outcome_of_graph(content: bytes, media: str) -> Outcome:
    from tests.query_results import to_rdflib

    fmt = ox.RdfFormat.from_media_type(media)
    return Outcome("graph", to_rdflib(list(ox.parse(content, format=fmt))))


def agree(a: Outcome | str, b: Outcome | str) -> bool:
    """Both errors, or both answers and the same up to blank nodes."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str)
    return a.same_as(b)


# -- the tests ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "test", TESTS, ids=[f"{t.manifest.split('/')[-2]}-{t.short}" for t in TESTS]
)
def test_w3c_query(client, test, request):
    differs = NOT_ON_VIRTUOSO.get(f"{test.manifest.split('/')[-2]}-{test.short}")
    if client.engine == "virtuoso" and differs:
        request.applymarker(pytest.mark.xfail(reason=differs, strict=True))
    with REPORT.record(test.iri):
        if test.kind in SYNTAX:
            run_syntax_test(client, test)
        elif test.kind in EVALUATION:
            run_evaluation_test(client, test)
        else:
            pytest.skip(f"{test.kind} is not a query test")


def run_syntax_test(client, test: ManifestTest) -> None:
    text = local_path(test.query).read_text(encoding="utf-8")
    params = [("default-graph-uri", EMPTY_GRAPH)]
    response = ask_endpoint(client, f"BASE <{test.query}>\n{text}", params, "*/*")
    if "is not in the store" in response.text or "is not allowed" in response.text:
        pytest.skip(f"refused before parsing by the service's dataset rule: {response.text}")
    if SYNTAX[test.kind]:  # parsed: answered, or failed in evaluation rather than in syntax
        assert response.status_code in (200, 400), response.text
        assert response.status_code == 200 or "syntax" not in response.text, response.text
    else:
        assert response.status_code == 400, response.text
        assert "syntax" in response.text.lower()


def run_evaluation_test(client, test: ManifestTest) -> None:
    broken = [iri for iri in (*test.data, *test.graph_data) if iri in client.unreadable]
    if broken:
        pytest.skip(f"its data cannot be read: {client.unreadable[broken[0]]}")
    text = local_path(test.query).read_text(encoding="utf-8")
    sent = f"BASE <{test.query}>\n{text}"
    suffix = (test.result or "").rsplit(".", 1)[-1]
    form = inspect(sent).form
    accept = (
        GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT.get(suffix, ACCEPT["srj"])
    )
    response = ask_endpoint(client, sent, dataset_params(test, sent), accept)
    if suffix == "csv":
        return check_csv(test, text, response)
    ours, theirs = endpoint_outcome(response, accept), direct(test, text)
    assert agree(ours, theirs), f"endpoint: {ours}\npyoxigraph: {theirs}"
    expected = read_expected(local_path(test.result), test.result) if test.result else None
    if expected is None:
        pytest.xfail("agrees with pyoxigraph; the expected result is not in a format read here")
    if isinstance(theirs, str) or not theirs.same_as(expected):
        reason = f"agrees with pyoxigraph, whose result differs from the W3C one: {theirs}"
        pytest.xfail(one_line(reason))


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cut at ``limit`` characters (an xfail reason, an EARL note)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def check_csv(test: ManifestTest, text: str, response: TestResponse) -> None:
    """CSV is lossy: compared as rows of text with pyoxigraph's CSV and the expected file."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    ours = csv_rows(response.data.decode("utf-8"))
    results = direct_store(test).query(text, base_iri=test.query)
    theirs = csv_rows(results.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8"))
    assert ours == theirs
    expected = csv_rows(local_path(test.result).read_text(encoding="utf-8"))
    if theirs != expected:
        pytest.xfail("agrees with pyoxigraph, whose CSV differs from the W3C one")


def test_the_suite_is_complete():
    assert len(TESTS) == 338
    assert {t.kind for t in TESTS} <= set(SYNTAX) | EVALUATION
