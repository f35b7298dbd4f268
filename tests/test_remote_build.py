"""``lamcoop build``, ``validate``, ``audit`` and ``dump`` on a remote Oxigraph server give
what they give on the embedded store: the same graphs, reports and dumps."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from graph_loader.store.remote_version import VERSION_GRAPH
from tests.fixtures_run import made_once
from tests.remote_support import OxigraphServer, remote_env
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer

#: What differs from run to run: durations, the folder of the dumps, their size (blank
#: node labels).
_VARYING = re.compile(r"\(\d+(\.\d+)? s\)|\d+(\.\d+)? s\)|in /\S+|\d+ bytes")
#: The time in an audit run's identifier and graph name (each store's run has its own).
_RUN_TIME = re.compile(r"\d{8}T\d{6}Z(-\d+)?")
#: Dumps whose triples hold the time of the run (compared by name only).
_TIMED = {"provenance.ttl", "void.ttl", "audit.ttl", "lamcoop.nq.gz"}


def _outputs(lamcoop, env: dict[str, str], dumps: Path) -> dict[str, object]:
    """What the commands print, and what the dumps hold, comparable across stores."""
    runs = {}
    for args in (("build", "--quiet"), ("validate",), ("audit",), ("dump",)):
        run = lamcoop(*args, env=env)
        assert run.returncode == 0, (args, run.stderr)
        text = _RUN_TIME.sub("TIME", _VARYING.sub("", run.stdout.decode()))
        if args[0] == "dump":  # sizes and digests vary with blank node labels: names only
            text = " ".join(sorted(re.findall(r"\S+\.(?:ttl|nq\.gz)", text)))
        runs[" ".join(args)] = text
    listed = json.loads(lamcoop("graphs", "--format", "json", env=env).stdout)
    files = {}
    for path in sorted(dumps.iterdir()):
        if path.suffix != ".ttl" or path.name in _TIMED:
            files[path.name] = None
            continue
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        ground = {str(t) for t in triples if "_:" not in str(t)}
        files[path.name] = (len(triples), frozenset(ground))
    return {
        "runs": runs,
        "graphs": [(_RUN_TIME.sub("TIME", row["graph"]), row["triples"]) for row in listed],
        "dumps": files,
    }


def _lamcoop(cwd: Path):
    """Run the ``lamcoop`` script in ``cwd`` with ``env`` (no ``LAMCOOP_*`` of the caller)."""
    plain = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}

    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
        script = [str(VENV_BIN / "lamcoop"), *args]
        return subprocess.run(script, cwd=cwd, env={**plain, **env}, capture_output=True)

    return run


def embedded_outputs(tmp_path_factory, worker_id: str, root: Path) -> dict[str, object]:
    """:func:`_outputs` over a fresh embedded store, which both remote suites (this one and
    tests/test_remote_virtuoso.py) compare with: made once per run for all workers, its store
    and dumps copied to ``root`` (``store``, ``dumps-e``) for a server over them."""

    def make(made: Path) -> None:
        env = {"LAMCOOP_STORE": str(made / "store"), "LAMCOOP_DUMP_DIR": str(made / "dumps-e")}
        outputs = _outputs(_lamcoop(made), env, made / "dumps-e")
        (made / "outputs.pickle").write_bytes(pickle.dumps(outputs))

    made = made_once(tmp_path_factory, worker_id, "embedded-outputs", make)
    for name in ("store", "dumps-e"):
        shutil.copytree(made / name, root / name, ignore=shutil.ignore_patterns("lamcoop-*"))
    return pickle.loads((made / "outputs.pickle").read_bytes())


@pytest.fixture(scope="module")
def both(tmp_path_factory, worker_id):
    """A fresh Oxigraph server, and the embedded store's outputs (:func:`embedded_outputs`)."""
    root = tmp_path_factory.mktemp("remote-build")
    embedded = embedded_outputs(tmp_path_factory, worker_id, root)
    server = OxigraphServer(root / "oxigraph")
    try:
        yield root, server, embedded
    finally:
        server.stop()


def test_build_validate_audit_dump_agree(both, lamcoop):
    root, server, embedded = both
    remote = _outputs(
        lamcoop,
        {**remote_env(server, root / "state"), "LAMCOOP_DUMP_DIR": str(root / "dumps-r")},
        root / "dumps-r",
    )
    assert remote["graphs"] == embedded["graphs"]
    for command, text in embedded["runs"].items():  # type: ignore[attr-defined]
        assert remote["runs"][command] == text, command  # type: ignore[index]
    assert remote["dumps"] == embedded["dumps"]
    assert any(name.endswith(".ttl") for name in remote["dumps"])  # type: ignore[attr-defined]
    # Nothing of lamcoop's bookkeeping is left in the engine but the data version.
    left = [g for g in server.counts() if g.startswith("urn:lamcoop:")]
    assert left == [VERSION_GRAPH]


#: Pages and documents of a built store that a server over it answers.
SURFACES = (
    "/",
    "/list/institutions",
    "/search?q=library",
    "/audit",
    "/.well-known/void",
    "/dumps/",
    "/-/metrics",
    "/ontology",
    "/reconcile",
    "/doc/agreement/national-book-coordination-plan-1957",
)


def test_serve_answers_every_surface_over_the_built_remote_store(both, lamcoop):
    root, server, _embedded = both
    env = {**remote_env(server, root / "state"), "LAMCOOP_DUMP_DIR": str(root / "dumps-r")}
    if not (root / "state" / "index.sqlite").exists():  # run alone: build it here
        assert lamcoop("build", "--quiet", env=env).returncode == 0
    settings = {"state_dir": root / "state", "dump_dir": root / "dumps-r", "workers": 1}
    with RunningServer(server.query_url, root, settings) as running:
        for path in SURFACES:
            answer = requests.get(running.url + path, timeout=HTTP_DEADLINE)
            assert answer.status_code == 200, (path, answer.text[:300])
        doc = requests.get(
            running.url + SURFACES[-1], headers={"Accept": "text/turtle"}, timeout=HTTP_DEADLINE
        )
        assert "National book coordination plan" in doc.text


#: What the two servers' bodies may differ in: instants and dates of the runs (and the
#: audit runs they name), durations, the servers' own addresses, digests, blank node
#: labels, and the size of each dump file (blank node labels again: its triples are
#: compared by the test above).
_STORE_SPECIFIC = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"
    r"|\d{8}T\d{6}Z"
    r"|http://127\.0\.0\.1:\d+"
    r"|\b\d+(?:\.\d+)? (?:ms|s)\b"
    r"|\b[0-9a-f]{16,}\b"
    r"|_:\S+"
    r'|(?<=<td class="num">)[\d,]+(?=</td><td><code>)'
    r'|(?<=#byteSize> )"\d+"'
)
#: The surfaces compared, each with the media type asked for.
COMPARED = (
    ("/", "text/html"),
    ("/list/institutions", "text/html"),
    ("/list/agreements", "text/html"),
    ("/search?q=library", "text/html"),
    ("/search?q=library&format=json", "application/json"),
    ("/doc/agreement/national-book-coordination-plan-1957.ttl", "text/turtle"),
    ("/doc/agreement/national-book-coordination-plan-1957.html", "text/html"),
    ("/audit?format=json", "application/json"),
    ("/.well-known/void", "text/turtle"),
    ("/dumps/", "text/html"),
)


def _body(server: RunningServer, path: str, accept: str) -> object:
    """The body of ``path``, store-specific values blanked: Turtle as its sorted triples
    (the engines list statements in different orders), anything else as text."""
    answer = requests.get(server.url + path, headers={"Accept": accept}, timeout=HTTP_DEADLINE)
    assert answer.status_code == 200, (path, answer.text[:300])
    if accept != "text/turtle":
        return _STORE_SPECIFIC.sub("~", answer.text)
    triples = ox.parse(answer.content, format=ox.RdfFormat.TURTLE, base_iri=server.url + path)
    return sorted(_STORE_SPECIFIC.sub("~", str(t)) for t in triples)


def test_the_served_surfaces_agree_with_the_embedded_stores(both, lamcoop):
    """/, lists, search, documents, the audit, VoID and the dumps listing, served over the
    embedded store and over the Oxigraph server built alike, say the same."""
    root, server, _embedded = both
    remote_env_ = {**remote_env(server, root / "state"), "LAMCOOP_DUMP_DIR": str(root / "dumps-r")}
    if not (root / "state" / "index.sqlite").exists():  # run alone: build (and dump) here
        assert lamcoop("build", "--quiet", env=remote_env_).returncode == 0
        assert lamcoop("audit", env=remote_env_).returncode == 0
        assert lamcoop("dump", env=remote_env_).returncode == 0
    remote_settings = {"state_dir": root / "state", "dump_dir": root / "dumps-r", "workers": 1}
    with (
        RunningServer(root / "store", root, {"dump_dir": root / "dumps-e", "workers": 1}) as local,
        RunningServer(server.query_url, root, remote_settings) as remote,
    ):
        for path, accept in COMPARED:
            expected = _body(local, path, accept)
            assert expected, path
            assert _body(remote, path, accept) == expected, path
