"""A real Oxigraph server (the PyPI package ``oxigraph``) on 127.0.0.1, for remote-store tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.servers import HTTP_DEADLINE, VENV_BIN, end_process, free_port


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of the test environment; skips the test where it is absent."""
    found = VENV_BIN / "oxigraph"
    if found.is_file():
        return str(found)
    on_path = shutil.which("oxigraph")
    if on_path is None:
        pytest.skip("the oxigraph server is absent: pip install the test extras (oxigraph)")
    return on_path


class OxigraphServer:
    """``oxigraph serve --location DIR --bind 127.0.0.1:PORT``; :meth:`kill` stops it hard,
    :meth:`start` starts it again over the same directory and port."""

    def __init__(self, location: Path):
        self.location = location
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url = self.url + "/query"
        self.log = location.parent / f"oxigraph-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        bind = f"127.0.0.1:{self.port}"
        # --timeout-s: the engine's own limit, for a query lamcoop gave up on at its limit.
        options = ["--location", str(self.location), "--bind", bind, "--timeout-s", "20"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [oxigraph_binary(), "serve", *options],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + HTTP_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited:\n{self.log.read_text()}")
            try:
                requests.post(self.query_url, data={"query": "ASK {}"}, timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"oxigraph serve did not answer in {HTTP_DEADLINE} s")

    def select(self, query: str) -> list[dict[str, str]]:
        """The rows of a SELECT asked of the server directly (not through lamcoop), each
        bound variable with its value's text."""
        answer = requests.post(
            self.query_url,
            data={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=HTTP_DEADLINE,
        )
        answer.raise_for_status()
        rows = answer.json()["results"]["bindings"]
        return [{k: v["value"] for k, v in row.items()} for row in rows]

    def counts(self) -> dict[str, int]:
        """Every named graph with its quad count, and the default graph's as ``""``, asked
        of the server directly (not through lamcoop)."""
        rows = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION "
            "{ GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"
        )
        return {row.get("g", ""): int(row["n"]) for row in rows}

    def kill(self) -> None:
        """Stop the server at once (SIGKILL), as a crash would."""
        end_process(self.process, grace=0, kill=True)

    def stop(self) -> None:
        end_process(self.process, grace=30)


def remote_env(server: OxigraphServer, state: Path) -> dict[str, str]:
    """The settings that point lamcoop at ``server`` (state kept in ``state``; one retry)."""
    return {
        "LAMCOOP_STORE": server.query_url,
        "LAMCOOP_STATE_DIR": str(state),
        "LAMCOOP_STORE_RETRIES": "1",
    }


def build_remote(made: Path) -> None:
    """``lamcoop build`` into a fresh Oxigraph server whose directory is ``made/engine``
    (lamcoop's state, with the text index and the dumps, in ``made/state``), then the
    server stopped: what :func:`built_copy` copies (see ``remote_built`` in conftest)."""
    engine = OxigraphServer(made / "engine")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
        env.update(remote_env(engine, made / "state"))
        built = subprocess.run(
            [str(VENV_BIN / "lamcoop"), "build"], cwd=made, env=env, capture_output=True
        )
        assert built.returncode == 0, built.stderr
    finally:
        engine.stop()


def built_copy(built: Path, root: Path, state: Path) -> OxigraphServer:
    """An Oxigraph server started over a copy of ``built`` (:func:`build_remote`) in
    ``root/oxigraph``, lamcoop's state copied to ``state``: a store as ``lamcoop serve``
    would build over an empty engine, without the build's half a minute."""
    shutil.copytree(built / "engine", root / "oxigraph")
    shutil.copytree(built / "state", state)
    return OxigraphServer(root / "oxigraph")


def load_by_command_line(
    store_url: str, root: Path, settings: dict[str, object], *, graph: str, data: str
) -> None:
    """``lamcoop load`` of ``data`` (N-Triples) into ``graph`` of the store at ``store_url``,
    run as a real process in ``root`` with ``settings`` as ``LAMCOOP_`` variables."""
    path = root / "data.nt"
    path.write_text(data, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    env.update({f"LAMCOOP_{k.upper()}": str(v) for k, v in settings.items()})
    env["LAMCOOP_STORE"] = store_url
    loaded = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "load", "--graph", graph, str(path)],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=600,
    )
    assert loaded.returncode == 0, loaded.stderr
