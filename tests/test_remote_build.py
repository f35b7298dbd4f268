"""``lamcoop build``, ``validate``, ``audit`` and ``dump`` on a remote Oxigraph server give
what they give on the embedded store: the same graphs, reports and dumps."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from tests.remote_support import OxigraphServer, remote_env
from tests.servers import HTTP_DEADLINE, RunningServer

#: What differs from run to run: durations, the folder of the dumps, their size (blank
#: node labels).
_VARYING = re.compile(r"\d+(\.\d+)? s\)|in /\S+|\d+ bytes|\d{8}T\d{6}Z")
#: Dumps whose triples hold the time of the run (compared by name only).
_RUN = re.compile(r"audit-run-\d{8}T\d{6}Z")
_TIMED = {"provenance.ttl", "void.ttl", "audit.ttl", "lamcoop.nq.gz"}


def _outputs(lamcoop, env: dict[str, str], dumps: Path) -> dict[str, object]:
    """What the commands print, and what the dumps hold, comparable across stores."""
    runs = {}
    for args in (("build", "--quiet"), ("validate",), ("audit",), ("dump",)):
        run = lamcoop(*args, env=env)
        assert run.returncode == 0, (args, run.stderr)
        text = _VARYING.sub("", run.stdout.decode())
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
        # An audit run's graph is named by the time of the run: compared by count.
        "graphs": [(_RUN.sub("audit-run-…", row["graph"]), row["triples"]) for row in listed],
        "dumps": files,
    }


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The outputs of the commands over a fresh embedded store and a fresh Oxigraph server."""
    root = tmp_path_factory.mktemp("remote-build")
    server = OxigraphServer(root / "oxigraph")
    try:
        yield root, server
    finally:
        server.stop()


def test_build_validate_audit_dump_agree(both, lamcoop):
    root, server = both
    embedded = _outputs(
        lamcoop,
        {"LAMCOOP_STORE": str(root / "store"), "LAMCOOP_DUMP_DIR": str(root / "dumps-e")},
        root / "dumps-e",
    )
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
    # Nothing of lamcoop's bookkeeping is left in the engine.
    assert not [g for g in server.counts() if g.startswith("urn:lamcoop:")]


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
    root, server = both
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
