"""The command line: query in every format, errors without tracebacks, progress only on a tty."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph_loader.store import open_store
from tests.conftest import synthetic_nt
from tests.servers import VENV_BIN

EX = "http://example.org/"
DATA = (
    f'<{EX}calis> <{EX}name> "CALIS" .\n'
    f"<{EX}calis> <{EX}member> <{EX}pku> .\n"
    f"<{EX}calis> <{EX}member> <{EX}thu> .\n"
    f'<{EX}pku> <{EX}name> "Peking University Library"@en .\n'
)
SELECT = f"SELECT ?m WHERE {{ <{EX}calis> <{EX}member> ?m }} ORDER BY ?m"
CONSTRUCT = f"CONSTRUCT {{ ?s <{EX}hasMember> ?m }} WHERE {{ ?s <{EX}member> ?m }}"
MEMBERS = [EX + "pku", EX + "thu"]


@pytest.fixture
def loaded(invoke, tmp_path):
    """A store (./lamcoop-store in the test's directory) holding DATA."""
    path = tmp_path / "consortia.nt"
    path.write_text(DATA, encoding="utf-8")
    result = invoke("load", str(path))
    assert result.exit_code == 0, result.output
    return invoke


def _select_values(fmt: str, body: bytes) -> list[str]:
    parsed = ox.parse_query_results(body, format=_results_format(fmt))
    return [row["m"].value for row in parsed]


def _results_format(fmt: str) -> ox.QueryResultsFormat:
    return {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[fmt]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_in_every_results_format(loaded, fmt):
    result = loaded("query", "--format", fmt, SELECT)
    assert result.exit_code == 0, result.output
    body = result.stdout_bytes
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows == [["m"], *([m] for m in MEMBERS)]
    else:
        assert _select_values(fmt, body) == MEMBERS
    if fmt == "json":
        assert json.loads(body)["head"]["vars"] == ["m"]


@pytest.mark.parametrize(
    ("fmt", "syntax"),
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("rdfxml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_in_every_graph_format(loaded, fmt, syntax):
    result = loaded("query", "--format", fmt, CONSTRUCT)
    assert result.exit_code == 0, result.output
    triples = {
        (t.subject.value, t.object.value) for t in ox.parse(result.stdout_bytes, format=syntax)
    }
    assert triples == {(EX + "calis", m) for m in MEMBERS}


def test_ask_and_default_formats(loaded):
    ask = loaded("query", "--format", "json", f"ASK {{ <{EX}calis> ?p ?o }}")
    assert json.loads(ask.stdout)["boolean"] is True
    default_select = loaded("query", SELECT)
    assert default_select.stdout.splitlines()[0] == "?m"
    default_graph = loaded("query", CONSTRUCT)
    assert len(list(ox.parse(default_graph.stdout_bytes, format=ox.RdfFormat.TURTLE))) == 2


def test_query_from_file_and_stdin(loaded, tmp_path):
    query_file = tmp_path / "members.rq"
    query_file.write_text(SELECT, encoding="utf-8")
    from_file = loaded("query", "--format", "json", "--file", str(query_file))
    assert _select_values("json", from_file.stdout_bytes) == MEMBERS
    from_stdin = loaded("query", "--format", "json", "--file", "-", input=SELECT)
    assert _select_values("json", from_stdin.stdout_bytes) == MEMBERS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("SELEC * WHERE { ?s ?p ?o }",), "query syntax error"),
        (("--format", "turtle", SELECT), "not a results format"),
        (("--format", "csv", CONSTRUCT), "unknown RDF syntax"),
        (("--format", "tsv", CONSTRUCT), "this query returns a graph"),
        ((), "give the query as an argument or with --file"),
    ],
)
def test_query_mistakes_are_clear_errors(loaded, lamcoop, tmp_path, args, message):
    done = lamcoop("query", *args)
    err = done.stderr.decode()
    assert done.returncode != 0
    assert message in err
    assert "Traceback" not in err


def test_load_of_a_file_of_unknown_extension_asks_for_format(invoke, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(DATA, encoding="utf-8")
    refused = invoke("load", str(notes))
    assert refused.exit_code != 0
    assert "cannot tell the format of notes.txt; use --format" in refused.output
    assert "syntax error" not in refused.output and "Traceback" not in refused.output
    named = invoke("load", "--format", "nt", str(notes))
    assert named.exit_code == 0, named.output
    assert "4 triples" in named.output


def test_query_syntax_error_names_the_place(loaded):
    result = loaded("query", "SELECT ?s WHERE {\n ?s ?p \n}")
    assert result.exit_code != 0
    assert "query syntax error" in result.output
    assert "at 3:2" in result.output


def test_python_m_graph_loader_has_the_data_commands_only(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "graph_loader", "--help"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    text = done.stdout.decode()
    for command in ("build", "load", "graphs", "query", "settings"):
        assert f"  {command} " in text
    assert "serve" not in text
    assert "python -m graph_loader" in text


def test_lamcoop_help_and_version(lamcoop):
    help_text = lamcoop("--help").stdout.decode()
    assert "load" in help_text and "query" in help_text
    version = lamcoop("--version")
    assert version.returncode == 0 and b"lamcoop" in version.stdout


# -- the progress bar -------------------------------------------------------------------------


def _run_with_tty_stderr(args: list[str], cwd: Path) -> tuple[int, bytes, bytes]:
    """Run with stderr on a pseudo-terminal (stdout a pipe); return code, stdout, stderr."""
    leader, follower = pty.openpty()
    # A new pty is 0x0; a bar on a zero-width terminal draws nothing.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    captured = bytearray()
    deadline = time.monotonic() + 600  # for a load that hangs; never reached otherwise
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            captured += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    out = process.stdout.read()
    process.stdout.close()
    return process.wait(timeout=600), out, bytes(captured)


@pytest.mark.slow
def test_progress_bar_on_a_terminal_only(medium_nt, tmp_path):
    def load(*args: str) -> list[str]:
        return [str(VENV_BIN / "lamcoop"), "--store", str(tmp_path / args[0]), "load", *args[1:]]

    # The bar shows once a file has been read for half a second (tqdm's delay, so that quick
    # loads do not flash one): 100k triples are read quicker than that on a quiet machine,
    # 400k take several times as long.
    longer = synthetic_nt(tmp_path / "longer.nt", 400_000)
    code, out, err = _run_with_tty_stderr(load("tty", str(longer)), tmp_path)
    assert code == 0, err
    assert b"longer.nt:" in err and b"%|" in err, err[-500:]
    assert b"triples in" in out and b"%|" not in out

    code, _, quiet_err = _run_with_tty_stderr(load("quiet", "--quiet", str(medium_nt)), tmp_path)
    assert code == 0 and b"%|" not in quiet_err

    piped = subprocess.run(load("piped", str(medium_nt)), cwd=tmp_path, capture_output=True)
    assert piped.returncode == 0 and piped.stderr == b""


# -- build --------------------------------------------------------------------------------------


def _graphs_as_rdflib(store_path: Path) -> dict[str, rdflib.Graph]:
    """Every graph of the store, as rdflib graphs (to compare up to blank-node labels)."""
    store = open_store(store_path)
    try:
        lines: dict[str, list[str]] = {}
        for quad in store.quads():
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            lines.setdefault(str(quad.graph_name), []).append(f"{triple} .")
    finally:
        store.close()
    return {
        name: rdflib.Graph().parse(data="\n".join(found), format="nt")
        for name, found in lines.items()
    }


@pytest.mark.slow
def test_build_twice_gives_the_same_store(lamcoop, tmp_path):
    """Unchanged sources are skipped by checksum, so even provenance times stay the same.
    Generated descriptions may use fresh blank nodes, so graphs compare as RDF graphs do:
    equal up to the labels of blank nodes."""
    first = lamcoop("build")
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    steps = [line.split(":", 1)[0] for line in first.stdout.decode().splitlines()]
    # VoID is written once, last, after the dumps it describes.
    assert steps.count("void") == 1 and steps[-1] == "void", steps
    assert steps.index("dumps") < steps.index("void")
    once = _graphs_as_rdflib(tmp_path / "lamcoop-store")
    assert once, "the build wrote no graph"
    again = lamcoop("build")
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert b"0 loaded" in again.stdout
    twice = _graphs_as_rdflib(tmp_path / "lamcoop-store")
    assert sorted(twice) == sorted(once)
    for name, graph in once.items():
        assert len(twice[name]) == len(graph), name
        assert isomorphic(twice[name], graph), f"{name} differs after a second build"
