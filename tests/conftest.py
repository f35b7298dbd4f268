"""Fixtures shared by the whole suite: store paths, the CLI (in-process and as a real
process), the checkout's root, and ``../shared`` (skipped with a reason when absent)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result

from graph_loader.store import Store, open_store

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
VENV_BIN = Path(sys.executable).parent


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


@pytest.fixture(scope="session")
def big_nt(tmp_path_factory) -> Path:
    """About 400k synthetic triples (~55 MB of N-Triples) from the benchmark's generator:
    big enough that a load takes seconds (to interrupt it, or to see its progress bar)."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "synthetic.py"), "400000", str(path)],
        check=True,
        capture_output=True,
    )
    return path


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
        timeout: float = 120,
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


class RunningServer:
    """A real ``lamcoop serve`` process on 127.0.0.1 and a free port, for a test module;
    ``with`` stops it at the end of the block."""

    #: Seconds one readiness probe of ``/-/health`` may take.
    probe_timeout: float = 10

    def __init__(
        self,
        store: Path,
        workdir: Path,
        settings: Mapping[str, object] | None = None,
        *,
        ready_timeout: float = 120,
    ):
        self.store = store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"serve-{self.port}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
        env.update({f"LAMCOOP_{k.upper()}": str(v) for k, v in (settings or {}).items()})
        env.update({"LAMCOOP_STORE": str(store), "LAMCOOP_PORT": str(self.port)})
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "lamcoop"), "serve"],
                cwd=workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(ready_timeout)

    def wait_ready(self, timeout: float = 120) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lamcoop serve exited:\n{self.output()}")
            try:
                health = requests.get(self.url + "/-/health", timeout=self.probe_timeout)
                if health.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"lamcoop serve did not become ready:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # uWSGI: stop at once
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


EX = "http://example.org/"


def example_store(path: Path, things: int = 120) -> dict[str, int]:
    """A store at ``path`` with two small graphs of generated data; returns their counts."""
    lines = [
        f'<{EX}thing/{n}> a <{EX}Thing> ; <{EX}n> {n} ; <{EX}label> "thing {n}"@en .'
        for n in range(things)
    ]
    opened = open_store(path)
    try:
        opened.load_graph("\n".join(lines).encode(), graph=EX + "g1", format=ox.RdfFormat.TURTLE)
        extra = f"<{EX}a> <{EX}knows> <{EX}b> . <{EX}b> <{EX}knows> <{EX}c> ."
        opened.load_graph(extra.encode(), graph=EX + "g2", format=ox.RdfFormat.TURTLE)
        return {g.iri: g.triples for g in opened.graphs()}
    finally:
        opened.close()
