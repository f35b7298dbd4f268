"""``lamcoop build``, ``validate``, ``audit``, ``dump`` and ``serve`` over Virtuoso open
source 7 against the embedded store (see docs/remote-store.md, "Virtuoso").

Everything agrees but what rests on ``sh:class`` through a subclass chain: Virtuoso 7.2
evaluates a transitive path (``rdfs:subClassOf*`` or ``+``) inside ``MINUS`` or ``NOT
EXISTS`` wrongly when its start is a value from outside (tested here, directly against
the engine), so the integrity check and the audit's "parties" component report parties
typed ``lamc:Library`` (a subclass of ``lamc:Institution``) as not institutions.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import requests

from graph_loader.store.remote_version import VERSION_GRAPH
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer
from tests.test_remote_build import COMPARED, SURFACES, _body, _outputs, embedded_outputs
from tests.virtuoso_support import virtuoso_env

#: Graphs whose contents rest on the audit (differs, see the module) or the time of the run.
_AUDIT = ("/graph/audit",)
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
#: Served surfaces that differ from the embedded store's over Virtuoso, all by the audit's
#: results (see the module): the home page's chart of the gaps, the audit, and the counts
#: of the audit graph in VoID and in the dumps listing (pinned by
#: :func:`_differs_by_the_audit`). Entity pages used to differ by the order of a property's
#: values (each engine's own order): lamcoop orders them itself now.
_DIFFERING = ("/", "/audit?format=json", "/.well-known/void", "/dumps/")
_VOID = "http://rdfs.org/ns/void#"
_AUDIT_GRAPH = "https://w3id.org/lamcoop/graph/audit"


@pytest.fixture(scope="module")
def built(virtuoso_server, tmp_path_factory, worker_id):
    """The outputs of the commands over the session's Virtuoso, and over a fresh embedded
    store (made once per run, tests/test_remote_build.py's :func:`embedded_outputs`)."""
    root = tmp_path_factory.mktemp("virtuoso-build")
    embedded = embedded_outputs(tmp_path_factory, worker_id, root)
    virtuoso_server.reset()
    plain = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    codes: dict[str, int] = {}

    def lamcoop(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
        """Run lamcoop; ``validate``'s exit code 1 (does not conform) is kept in ``codes``
        and passed on as 0, so that ``_outputs`` compares what it printed (the embedded
        store's validate exits 0: ``_outputs`` requires it)."""
        script = [str(VENV_BIN / "lamcoop"), *args]
        run = subprocess.run(script, cwd=root, env={**plain, **env}, capture_output=True)
        codes[args[0]] = run.returncode
        if args == ("validate",) and run.returncode == 1 and not run.stderr:
            run.returncode = 0
        return run

    env = {
        **virtuoso_env(virtuoso_server, root / "state"),
        "LAMCOOP_DUMP_DIR": str(root / "dumps-v"),
    }
    remote = _outputs(lamcoop, env, root / "dumps-v")
    assert codes["validate"] == 1  # see the module
    return root, env, embedded, remote


def _published(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [(g, n) for g, n in rows if not any(part in g for part in _AUDIT)]


def test_build_graphs_and_dumps_agree_with_the_embedded_store(built, virtuoso_server):
    _root, _env, embedded, remote = built
    assert _published(remote["graphs"]) == _published(embedded["graphs"])
    assert len(remote["graphs"]) == len(embedded["graphs"])  # an audit run graph each
    assert remote["dumps"] == embedded["dumps"]
    assert remote["runs"]["dump"] == embedded["runs"]["dump"]
    # Nothing of lamcoop's bookkeeping is left in the engine but the data version.
    left = [g for g in virtuoso_server.counts() if g.startswith("urn:lamcoop:")]
    assert left == [VERSION_GRAPH]


def test_validate_and_audit_differ_only_by_the_subclass_chains(built):
    _root, _env, embedded, remote = built
    assert embedded["runs"]["validate"].startswith("Conforms: True")
    found = remote["runs"]["validate"]
    assert found.startswith("Conforms: False")
    kinds = {line.split(": ", 1)[1] for line in found.splitlines() if line.startswith("Viol")}
    assert kinds == {"ClassConstraintComponent"}, found
    assert "path: <https://w3id.org/lamcoop/ontology#party>" in found
    mine, theirs = remote["runs"]["audit"].splitlines(), embedded["runs"]["audit"].splitlines()
    assert len(mine) == len(theirs)
    assert mine[0].startswith("Agreements audited: 4;") and theirs[0].startswith(
        "Agreements audited: 4;"
    )


def test_virtuoso_misjudges_a_transitive_path_in_minus(virtuoso_server, built):
    """The engine's own answer (no lamcoop): a library party is an institution through
    ``lamc:Library rdfs:subClassOf lamc:Institution``, yet MINUS keeps it."""
    o = "https://w3id.org/lamcoop/ontology#"
    query = (
        f"SELECT ?v WHERE {{ ?f <{o}party> ?v "
        f"MINUS {{ ?v a ?x . ?x <{_SUBCLASS}>+ <{o}Institution> }} }}"
    )
    direct = f"ASK {{ <{o}Library> <{_SUBCLASS}> <{o}Institution> }}"
    ask = requests.post(
        virtuoso_server.query_url,
        data={"query": direct},
        headers={"Accept": "text/csv"},
        timeout=HTTP_DEADLINE,
    )
    assert ask.text.splitlines()[1] == "1"
    answer = requests.post(
        virtuoso_server.query_url,
        data={"query": query},
        headers={"Accept": "text/csv"},
        timeout=HTTP_DEADLINE,
    )
    assert "example-library" in answer.text  # the engine's error: embedded gives no row


@pytest.fixture(scope="module")
def serving(built, virtuoso_server):
    """``lamcoop serve`` over the built Virtuoso, for the module's tests of what it serves."""
    root, env, _embedded, _remote = built
    settings = {
        "state_dir": Path(env["LAMCOOP_STATE_DIR"]),
        "dump_dir": root / "dumps-v",
        "workers": 1,
        "store_engine": "virtuoso",
        "store_user": env["LAMCOOP_STORE_USER"],
        "store_password": env["LAMCOOP_STORE_PASSWORD"],
    }
    with RunningServer(virtuoso_server.query_url, root, settings) as running:
        yield running


def test_serve_answers_every_surface_over_virtuoso(serving):
    for path in SURFACES:
        answer = requests.get(serving.url + path, timeout=HTTP_DEADLINE)
        assert answer.status_code == 200, (path, answer.text[:300])
    doc = requests.get(
        serving.url + SURFACES[-1], headers={"Accept": "text/turtle"}, timeout=HTTP_DEADLINE
    )
    assert "National book coordination plan" in doc.text
    found = requests.get(serving.url + "/search?q=library", timeout=HTTP_DEADLINE)
    assert "/id/institution/" in found.text


def test_the_served_surfaces_agree_with_the_embedded_stores(built, serving):
    """The surfaces tests/test_remote_build.py compares for Oxigraph server, served over
    the embedded store and over Virtuoso built alike, say the same (store-specific values
    blanked), but for :data:`_DIFFERING`; the others are the same."""
    root, _env, embedded, remote = built
    local_settings = {"dump_dir": root / "dumps-e", "workers": 1}
    differing = []
    with RunningServer(root / "store", root, local_settings) as local:
        for path, accept in COMPARED:
            expected = _body(local, path, accept)
            assert expected, path
            found = _body(serving, path, accept)
            if found != expected:
                differing.append((path, _first_difference(expected, found)))
                _differs_by_the_audit(path, expected, found, _audit_more(embedded, remote))
    assert [p for p, _d in differing] == list(_DIFFERING), differing


def _audit_more(embedded: dict, remote: dict) -> int:
    """How many more triples Virtuoso's audit graph holds (its spurious "parties" gaps)."""
    counts = [dict(outputs["graphs"])[_AUDIT_GRAPH] for outputs in (embedded, remote)]
    assert counts[1] > counts[0], counts
    return counts[1] - counts[0]


def _differs_by_the_audit(path: str, expected: object, found: object, more: int) -> None:
    """What ``path`` says over Virtuoso differs from the embedded store's only by the
    audit's results, ``more`` triples more in the audit graph."""
    if path == "/":  # the chart of the audit's gaps, and nothing else
        chart = re.compile(r"<svg.*?</svg>", re.S)
        assert chart.sub("", str(found)) == chart.sub("", str(expected))
    elif path == "/.well-known/void":  # counts only, the audit graph's by ``more``
        changed = set(expected) ^ set(found)  # type: ignore[call-overload]
        counts = [f"<{_VOID}{c}>" for c in ("triples", "entities", "distinctSubjects")]
        other = [t for t in changed if not any(c in t for c in counts)]
        assert not other, other
        counted = f"<{_AUDIT_GRAPH}> <{_VOID}triples> "
        audit = [
            [int(t.split('"')[1]) for t in b if t.startswith(counted)] for b in (expected, found)
        ]  # type: ignore[union-attr]
        assert audit[1][0] - audit[0][0] == more, audit
    elif path == "/dumps/":  # the audit graph's file and the file of all graphs, by ``more``
        row = re.compile(r'href="/dumps/([^"]+)" download>.*?<td class="num">([\d,]+)</td>', re.S)
        listed = [
            {f: int(n.replace(",", "")) for f, n in row.findall(str(b))} for b in (expected, found)
        ]
        changed = {f: listed[1][f] - n for f, n in listed[0].items() if listed[1][f] != n}
        assert changed == {"lamcoop.nq.gz": more, "audit.ttl": more}, changed
    elif path == "/audit?format=json":  # the "parties" gaps: one more per agreement with parties
        said = re.compile(r'"component": "([\w-]+)"')
        gaps = [Counter(said.findall(str(b))) for b in (expected, found)]
        assert gaps[1] - gaps[0] == Counter({"parties": 3}) and not gaps[0] - gaps[1], gaps


def _first_difference(expected: object, found: object) -> str:
    """The first lines that differ between two bodies (text, or lists of triples)."""
    a = expected.splitlines() if isinstance(expected, str) else list(expected)  # type: ignore[call-overload]
    b = found.splitlines() if isinstance(found, str) else list(found)  # type: ignore[call-overload]
    lines = [x for x in difflib.unified_diff(a, b, lineterm="", n=0) if x[:1] in "+-"]
    return "\n".join(lines[2:8])
