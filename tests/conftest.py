"""Fixtures shared by the whole suite: store paths, the CLI (in-process and as a real
process), the checkout's root, and ``../shared`` (skipped with a reason when absent).

Stores and servers several modules use are made once per session and shared:

* :func:`example_built` and :func:`dataset_store`, built once (the dataset store once per
  run for every xdist worker, each reading its own copy: tests/fixtures_run.py); tests
  read them (through :func:`example_reader`, :func:`dataset_reader`) and never write them:
  a test that writes works on :meth:`BuiltStore.copy`, much quicker than building again;
* Flask's test client over such a store (:func:`service_client`) for what is HTTP semantics:
  routes, status codes, headers, formats. Queries run in the test's own thread;
* real ``lamcoop serve`` processes only where the server itself is under test (its processes,
  connections, time limit) or a real client needs a real HTTP server: :func:`http_server`
  (writable, shared by the modules that need one) and :func:`dataset_server` (read-only).

Nothing here waits on a fixed short delay: servers and processes are waited for with a
generous deadline, which fails a test only when what it waits for never happens.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from graph_loader.store import Store, open_store
from tests.remote_support import build_remote, built_copy
from tests.servers import VENV_BIN, RunningServer
from tests.virtuoso_support import PASSWORD as VIRTUOSO_PASSWORD
from tests.virtuoso_support import USER as VIRTUOSO_USER
from tests.virtuoso_support import VirtuosoServer

if TYPE_CHECKING:
    from flask.testing import FlaskClient

#: The suite's ordering and what its workers share (tests/fixtures_run.py).
pytest_plugins = ("tests.fixtures_run",)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of the checkout under test."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip where it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"{SHARED_DIR} is absent (CI places ../shared beside the clone)")
    return SHARED_DIR


def synthetic_nt(path: Path, triples: int) -> Path:
    """About ``triples`` synthetic triples in N-Triples at ``path``, from the benchmark's
    generator."""
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "synthetic.py"), str(triples), str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="session")
def big_nt(tmp_path_factory) -> Path:
    """About 400k synthetic triples (~55 MB of N-Triples) from the benchmark's generator:
    big enough that a load takes seconds (to interrupt it, or to see its progress bar)."""
    return synthetic_nt(tmp_path_factory.mktemp("big") / "big.nt", 400_000)


@pytest.fixture(scope="session")
def medium_nt(tmp_path_factory) -> Path:
    """About 100k synthetic triples: a load that still writes in bulk, a quarter as long."""
    return synthetic_nt(tmp_path_factory.mktemp("medium") / "medium.nt", 100_000)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store directory that does not exist yet, in a fresh temporary directory."""
    return tmp_path / "store"


@pytest.fixture
def store(store_path: Path):
    """A real on-disk store, closed after the test."""
    opened = open_store(store_path)
    yield opened
    opened.close()


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """The process environment without any ``LAMCOOP_*`` variable."""
    return {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}


@pytest.fixture
def invoke(clean_env, monkeypatch, tmp_path) -> Callable[..., Result]:
    """Run ``lamcoop ARGS...`` in-process (click's runner) in ``tmp_path`` as working dir.

    ``env`` adds environment variables; ``LAMCOOP_*`` of the caller's shell never leak in.
    """
    from graph_loader.cli import make_cli

    monkeypatch.chdir(tmp_path)
    for name in os.environ:
        if name.startswith("LAMCOOP_"):
            monkeypatch.delenv(name)

    def run(*args: str, env: Mapping[str, str] | None = None, input: str | bytes | None = None):
        runner = CliRunner()
        return runner.invoke(make_cli(), list(args), env=dict(env or {}), input=input)

    return run


@pytest.fixture
def lamcoop(clean_env, tmp_path) -> Callable[..., subprocess.CompletedProcess]:
    """Run the installed ``lamcoop`` script as a real process in ``tmp_path``."""
    script = VENV_BIN / "lamcoop"

    def run(
        *args: str,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        input: bytes | None = None,
        timeout: float = 600,  # a deadline for a hung command, never reached otherwise
    ) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(script), *args],
            cwd=cwd or tmp_path,
            env={**clean_env, **(env or {})},
            input=input,
            capture_output=True,
            timeout=timeout,
        )

    return run


def snapshot(store: Store) -> tuple[frozenset, dict[str, int]]:
    """Every quad (as text) and every graph's count: what "unchanged" is compared on."""
    quads = frozenset(str(q) for q in store.quads())
    return quads, {g.iri: g.triples for g in store.graphs()}


def snapshot_at(path: Path) -> tuple[frozenset, dict[str, int]]:
    """:func:`snapshot` of the store at ``path``, opened (read-write, as users do) and closed."""
    opened = open_store(path)
    try:
        return snapshot(opened)
    finally:
        opened.close()


EX = "http://example.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def example_graphs(things: int = 120) -> dict[str, str]:
    """The example data, graph IRI -> N-Triples: ``g1`` holds ``things`` things (a type, a
    number ``n`` and an English label each), ``g2`` two ``knows`` statements."""
    lines = [
        f"<{EX}thing/{n}> <{RDF_TYPE}> <{EX}Thing> .\n"
        f"<{EX}thing/{n}> <{EX}n> {ox.Literal(n)} .\n"
        f"<{EX}thing/{n}> <{EX}label> {ox.Literal(f'thing {n}', language='en')} .\n"
        for n in range(things)
    ]
    return {
        EX + "g1": "".join(lines),
        EX + "g2": f"<{EX}a> <{EX}knows> <{EX}b> .\n<{EX}b> <{EX}knows> <{EX}c> .\n",
    }


def example_store(path: Path, things: int = 120) -> dict[str, int]:
    """A store at ``path`` with two small graphs of generated data; returns their counts."""
    opened = open_store(path)
    try:
        for graph, data in example_graphs(things).items():
            opened.load_graph(data.encode(), graph=graph, format=ox.RdfFormat.N_TRIPLES)
        return {g.iri: g.triples for g in opened.graphs()}
    finally:
        opened.close()


def put_example_data(server: RunningServer, things: int = 120) -> dict[str, int]:
    """Replace everything the (writable) ``server`` holds with the example data; returns the
    graphs' counts."""
    graphs = example_graphs(things)
    inserts = " ".join(f"GRAPH <{iri}> {{ {data} }}" for iri, data in graphs.items())
    server.update(f"DROP ALL ; INSERT DATA {{ {inserts} }}")
    return {iri: data.count("\n") for iri, data in graphs.items()}


# -- stores built once per session ------------------------------------------------------------


@dataclass(frozen=True)
class BuiltStore:
    """A store built once for the session. Tests only read it; one that writes works on
    :meth:`copy`."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)

    def copy(self, destination: Path) -> Path:
        """A copy of the store's directory (without a server's lock, state and counter
        files) at ``destination``; returns it."""
        shutil.copytree(self.path, destination, ignore=shutil.ignore_patterns("lamcoop-*"))
        return destination


@pytest.fixture(scope="session")
def example_built(tmp_path_factory) -> BuiltStore:
    """:func:`example_store` with 120 things, built once."""
    path = tmp_path_factory.mktemp("example") / "store"
    return BuiltStore(path, example_store(path))


@pytest.fixture(scope="session")
def example_reader(example_built) -> Iterator[Store]:
    """The session's example store, opened read-only."""
    opened = open_store(example_built.path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def dataset_store(tmp_path_factory, worker_id) -> BuiltStore:
    """The dataset of record as ``lamcoop build`` makes it, with a museum that has
    coordinates, audited, its dumps beside it (see :mod:`tests.linked_data_support`): built
    once per run for all workers, each of which reads its own copy."""
    from tests.fixtures_run import made_once
    from tests.linked_data_support import build_store

    built = made_once(tmp_path_factory, worker_id, "dataset-built", build_store)
    workdir = tmp_path_factory.mktemp("dataset")
    shutil.copytree(built, workdir, dirs_exist_ok=True)
    return BuiltStore(workdir / "store")


@pytest.fixture(scope="session")
def dataset_reader(dataset_store) -> Iterator[Store]:
    """The session's dataset store, opened read-only."""
    opened = open_store(dataset_store.path, read_only=True)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def dataset_record(dataset_store, dataset_reader):
    """The dataset-of-record graphs (``seed-*``) of the session's dataset store, as one
    rdflib graph (see :func:`tests.ontology_support.record_of`)."""
    from graph_loader.settings import resolve_settings
    from tests.ontology_support import record_of

    overrides = {"store": str(dataset_store.path)}
    settings = resolve_settings(config_file=None, environ={}, overrides=overrides)
    return record_of(dataset_reader, settings)


@contextmanager
def service_client(store: Store, **settings: object) -> Iterator[FlaskClient]:
    """Flask's test client on the whole service over ``store`` with these settings (the
    setting ``store`` defaults to the store's own directory, for the dumps beside it).
    Queries run in the calling thread, without a time limit; the store stays open (it is the
    caller's). Each response is read whole and closed, as an HTTP client would."""
    from flask.testing import FlaskClient

    from graph_loader.settings import resolve_settings
    from sparql_endpoint.app import close_app, create_app

    class BufferedClient(FlaskClient):
        def open(self, *args, buffered: bool = True, **kwargs):
            return super().open(*args, buffered=buffered, **kwargs)

    if getattr(store, "path", None) is not None:
        settings.setdefault("store", str(store.path))
    resolved = resolve_settings(config_file=None, environ={}, overrides=settings)
    app = create_app(resolved, store=store)
    app.test_client_class = BufferedClient
    try:
        yield app.test_client()
    finally:
        close_app(app)


# -- real servers, one per session ------------------------------------------------------------

#: The update token of :func:`http_server`.
HTTP_TOKEN = "session-server-token"


@pytest.fixture(scope="session")
def http_server(tmp_path_factory, example_built) -> Iterator[RunningServer]:
    """One real, writable ``lamcoop serve`` (two workers, update token :data:`HTTP_TOKEN`,
    the default row cap: none), shared by the modules that need a real server. It starts
    with the example data; a module that needs particular data puts it first
    (:func:`put_example_data`, or its own update), since modules before it may have changed
    what the server holds."""
    workdir = tmp_path_factory.mktemp("http-server")
    store = example_built.copy(workdir / "store")
    settings = {"update_token": HTTP_TOKEN, "workers": 2, "query_timeout": 120}
    with RunningServer(store, workdir, settings) as running:
        yield running


def _remote_settings(workdir: Path, **engine: object) -> dict[str, object]:
    """A writable test server's settings over a remote store (``engine``: its own)."""
    return {
        "update_token": HTTP_TOKEN,
        "workers": 2,
        "query_timeout": 120,
        "state_dir": workdir / "state",
        "store_retries": 1,
        **engine,
    }


@pytest.fixture(scope="session")
def remote_built(tmp_path_factory, worker_id) -> Path:
    """An Oxigraph server's directory and lamcoop's state with the dataset built by
    ``lamcoop build`` (made once per run for all workers; :func:`tests.remote_support.built_copy`
    starts a server over a copy)."""
    from tests.fixtures_run import made_once

    return made_once(tmp_path_factory, worker_id, "remote-built", build_remote)


@pytest.fixture(scope="session")
def remote_http_server(tmp_path_factory, remote_built) -> Iterator[RunningServer]:
    """As :func:`http_server`, but over a real Oxigraph server holding the dataset as
    ``lamcoop serve`` builds it over an empty one (a copy of :func:`remote_built`): for the
    suites run over both stores (docs/remote-store.md)."""
    workdir = tmp_path_factory.mktemp("remote-http-server")
    settings = _remote_settings(workdir)
    engine = built_copy(remote_built, workdir, Path(str(settings["state_dir"])))
    try:
        with RunningServer(engine.query_url, workdir, settings) as running:
            yield running
    finally:
        engine.stop()


@pytest.fixture(scope="session")
def virtuoso_http_server(tmp_path_factory, virtuoso_server) -> Iterator[RunningServer]:
    """As :func:`remote_http_server`, but over the session's Virtuoso, holding one test
    triple at the start (so that the server does not build the dataset first, half a
    minute): each suite puts its data first (other modules reset the Virtuoso too)."""
    workdir = tmp_path_factory.mktemp("virtuoso-http-server")
    virtuoso_server.reset()
    x = "urn:x-lamcoop-test:placeholder"
    virtuoso_server.update(f"INSERT DATA {{ GRAPH <{x}> {{ <{x}> <{x}> <{x}> }} }}")
    engine = {"store_user": VIRTUOSO_USER, "store_password": VIRTUOSO_PASSWORD}
    settings = _remote_settings(workdir, store_engine="virtuoso", **engine)
    with RunningServer(virtuoso_server.query_url, workdir, settings) as running:
        yield running


@pytest.fixture(scope="session")
def dataset_server(tmp_path_factory, dataset_store) -> Iterator[RunningServer]:
    """A real, read-only ``lamcoop serve`` (two workers) over the session's dataset store."""
    workdir = tmp_path_factory.mktemp("dataset-server")
    with RunningServer(dataset_store.path, workdir, {"workers": 2}) as running:
        yield running


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[VirtuosoServer]:
    """One throwaway Virtuoso for the session (per worker); tests reset it before use.
    Skipped, with the reason, where Virtuoso is not installed."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        server.stop()
