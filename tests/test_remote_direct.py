"""A new graph loaded into Oxigraph server in one atomic bulk request
(``graph_loader/store/remote_direct.py``): published whole with its provenance, counted as
the engine holds it, and never half there, whether the loader or the engine stops.

The engine's side of the bargain (an upload without a transaction is ingested only once
its whole body is read) is tested on the engine itself, with a body cut short and with the
engine killed while a body is halfway sent.
"""

from __future__ import annotations

import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from graph_loader.index.facts import ISIL, SAME_AS
from graph_loader.vocab import RDF, RDFS, SKOS
from tests.conftest import synthetic_nt
from tests.remote_support import OxigraphServer, remote_env
from tests.servers import HTTP_DEADLINE, VENV_BIN

TARGET = "urn:x-lamcoop-test:direct"
VERSION_GRAPH = "urn:lamcoop:data-version"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"
INTEGER = "<http://www.w3.org/2001/XMLSchema#integer>"


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "oxigraph")
    yield server
    server.stop()


def _described(server: OxigraphServer, graph: str) -> list[str]:
    """The ``void:triples`` values the provenance holds for ``graph``."""
    rows = server.select(f"SELECT ?n WHERE {{ GRAPH ?p {{ <{graph}> <{VOID_TRIPLES}> ?n }} }}")
    return sorted(row["n"] for row in rows)


def test_a_new_graph_is_published_whole_with_its_provenance(lamcoop, oxigraph, tmp_path):
    data = tmp_path / "new.nt"
    data.write_text(
        f'<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:n> "01"^^{INTEGER} .\n'
        f'<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:n> "1"^^{INTEGER} .\n'
        '<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "x" .\n'
        '<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "x" .\n'
        "<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:c> _:k .\n"
        '_:k <urn:x-lamcoop-test:b> "y"@en .\n'
    )
    env = remote_env(oxigraph, tmp_path / "state")
    run = lamcoop("load", "--graph", TARGET, str(data), env=env)
    assert run.returncode == 0, run.stderr
    # Counted as the engine holds it: "01" and "1" are one integer, a repeated line once.
    assert f"4 triples in <{TARGET}>" in run.stdout.decode()
    counts = oxigraph.counts()
    assert counts[TARGET] == 4
    assert _described(oxigraph, TARGET) == ["4"]
    assert not [g for g in counts if g.startswith("urn:lamcoop:") and g != VERSION_GRAPH]
    # One version value (the older one tidied away), one stamp for the graph, and a fresh
    # token for each (by which nodes tell this write from another's at once).
    rows = oxigraph.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{VERSION_GRAPH}> {{ ?s ?p ?o }} }}")
    assert sorted(row["p"].rsplit("#", 1)[1] for row in rows) == [
        "token",
        "token",
        "version",
        "written",
    ]


def test_the_index_of_a_new_graph_is_what_reading_it_back_gives(lamcoop, oxigraph, tmp_path):
    """A new graph's index facts come from the triples the loader read, not from reading the
    graph back: they are the very rows a rebuild from the engine gives (literals as the
    engine holds them, each statement once, only what the index's rule keeps)."""
    x, rdfs, skos = "urn:x-lamcoop-test:", RDFS, SKOS
    data = tmp_path / "facts.nt"
    data.write_text(
        f"<{x}a> <{RDF}type> <{x}Library> .\n"
        f'<{x}a> <{RDF}type> "not a class" .\n'
        f'<{x}a> <{rdfs}label> "Bibliothèque"@FR .\n'
        f'<{x}a> <{rdfs}label> "Bibliothèque"@FR .\n'
        f'<{x}a> <{skos}altLabel> "کتابخانه"@fa .\n'
        f'<{x}a> <{ISIL}> "01"^^{INTEGER} .\n'
        f"<{x}a> <{SAME_AS}> <http://www.wikidata.org/entity/Q42> .\n"
        f"<{x}a> <{SAME_AS}> <{x}elsewhere> .\n"
        f'_:b <{rdfs}label> "no entity" .\n'
        f"<{x}b> <{x}knows> <{x}a> .\n"
    )
    env = remote_env(oxigraph, tmp_path / "state")
    assert lamcoop("load", "--graph", TARGET, str(data), env=env).returncode == 0

    def facts() -> list[tuple]:
        with sqlite3.connect(tmp_path / "state" / "index.sqlite") as db:
            return sorted(db.execute("SELECT * FROM fact WHERE graph = ?", (TARGET,)))

    loaded = facts()
    assert lamcoop("refresh", "--all", env=env).returncode == 0
    assert loaded == facts()
    # Replaced (the staged way, the graph existing): indexed from the new file alike.
    second = tmp_path / "second.nt"
    second.write_text(
        data.read_text().replace("Bibliothèque", "Library") + f"<{x}e> <{RDF}type> <{x}L> .\n"
    )
    assert lamcoop("load", "--graph", TARGET, str(second), env=env).returncode == 0
    replaced = facts()
    assert lamcoop("refresh", "--all", env=env).returncode == 0
    assert replaced == facts() != loaded
    assert ("l", "Library") in {(f[2], f[4]) for f in replaced}
    assert sorted((f[1].removeprefix(x), f[2], f[4], f[5]) for f in loaded) == [
        ("a", "i", "1", ""),
        ("a", "i", "Q42", ""),
        ("a", "l", "Bibliothèque", "fr"),
        ("a", "l", "کتابخانه", "fa"),
        ("a", "t", f"{x}Library", ""),
    ]


def test_an_engine_stopped_during_a_new_graphs_upload_leaves_the_index_as_it_was(
    lamcoop, oxigraph, tmp_path
):
    """A new graph is indexed from the file once its one request is published: the engine
    stopped while the request is on its way fails the load, naming the engine, and leaves
    the index exactly as it was."""
    env = remote_env(oxigraph, tmp_path / "state")
    small = tmp_path / "small.nt"
    small.write_text(f'<urn:x-lamcoop-test:a> <{RDFS}label> "Alpha" .\n')
    loaded = lamcoop("load", "--graph", "urn:x-lamcoop-test:small", str(small), env=env)
    assert loaded.returncode == 0, loaded.stderr
    index = tmp_path / "state" / "index.sqlite"
    before = _index_rows(index)
    assert any(row[4] == "Alpha" for row in before["fact"])
    data = synthetic_nt(tmp_path / "big.nt", 200_000)
    command = [str(VENV_BIN / "lamcoop"), "load", "--quiet", "--graph", TARGET, str(data)]
    environ = {**_plain(), **env}
    loader = subprocess.Popen(command, env=environ, cwd=tmp_path, stderr=subprocess.PIPE)
    deadline = time.monotonic() + HTTP_DEADLINE
    while not oxigraph.counts().get("urn:lamcoop:pending-loads"):  # its request follows
        assert loader.poll() is None and time.monotonic() < deadline, loader.communicate()
        time.sleep(0.01)
    oxigraph.kill()
    _out, err = loader.communicate(timeout=HTTP_DEADLINE)
    assert loader.returncode != 0, err
    assert f"cannot reach http://127.0.0.1:{oxigraph.port}/" in err.decode()
    assert _index_rows(index) == before


def _index_rows(index: Path) -> dict[str, list[tuple]]:
    """Every row of the index's tables (term ids aside), sorted."""
    columns = {"fact": "*", "entry": "*", "meta": "*", "term": "iri, norm, text, lang, ident"}
    with sqlite3.connect(index) as db:
        return {t: sorted(db.execute(f"SELECT {c} FROM {t}")) for t, c in columns.items()}


def test_a_graph_with_an_earlier_description_is_published_the_staged_way(
    lamcoop, oxigraph, tmp_path
):
    """A graph dropped on the engine directly keeps its description: the load must replace
    it, which one additive request cannot, so it goes through staging."""
    env = remote_env(oxigraph, tmp_path / "state")
    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    first.write_text('<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "1" .\n')
    second.write_text(
        '<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "1" .\n'
        '<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> "2" .\n'
    )
    assert lamcoop("load", "--graph", TARGET, str(first), env=env).returncode == 0
    dropped = requests.post(f"{oxigraph.url}/update", data={"update": f"DROP GRAPH <{TARGET}>"})
    assert dropped.ok
    assert TARGET not in oxigraph.counts() and _described(oxigraph, TARGET) == ["1"]
    run = lamcoop("load", "--graph", TARGET, str(second), env=env)
    assert run.returncode == 0, run.stderr
    assert oxigraph.counts()[TARGET] == 2
    assert _described(oxigraph, TARGET) == ["2"]
    assert not [g for g in oxigraph.counts() if g.startswith("urn:lamcoop:staging:")]


def _half_upload(server: OxigraphServer, framing: str) -> socket.socket:
    """A no_transaction Graph Store upload of 20,000 quads whose body is sent only up to a
    line halfway (valid N-Quads so far), declared whole by its length or sent in chunks
    without the last one; the connection is left open."""
    g, p = ox.NamedNode(TARGET), ox.NamedNode("urn:x-lamcoop-test:p")
    quads = [ox.Quad(ox.NamedNode(f"urn:x-lamcoop-test:s{i}"), p, ox.Literal(str(i)), g)
             for i in range(20_000)]  # fmt: skip
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    half = body[: body.rfind(b"\n", 0, len(body) // 2) + 1]
    if framing == "length":
        framed, header = half, f"Content-Length: {len(body)}"
    else:
        framed, header = (
            f"{len(half):x}\r\n".encode() + half + b"\r\n",
            "Transfer-Encoding: chunked",
        )
    head = (
        f"POST /store?no_transaction HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/n-quads\r\n{header}\r\n\r\n"
    ).encode()
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE)
    connection.sendall(head + framed)
    return connection


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_an_upload_cut_short_adds_nothing(oxigraph, framing):
    """The loader gone halfway through its body (the connection closed at a line end):
    nothing lands."""
    before = oxigraph.counts()
    connection = _half_upload(oxigraph, framing)
    connection.shutdown(socket.SHUT_WR)
    reply = connection.recv(200)  # the engine answers (an error) or just closes
    connection.close()
    assert not reply.startswith(b"HTTP/1.1 2")
    assert oxigraph.counts() == before


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_an_engine_stopped_halfway_through_an_upload_adds_nothing(oxigraph, framing):
    before = oxigraph.counts()
    connection = _half_upload(oxigraph, framing)
    oxigraph.kill()
    connection.close()
    oxigraph.start()
    assert oxigraph.counts() == before


def test_a_killed_loader_of_a_new_graph_leaves_nothing_or_everything(lamcoop, oxigraph, tmp_path):
    """The loader killed at moments spread over its run: each time the store holds either
    nothing of the load or all of it with its provenance, never a part."""
    data = synthetic_nt(tmp_path / "load.nt", 40_000)
    env = remote_env(oxigraph, tmp_path / "state")
    whole = lamcoop("load", "--quiet", "--graph", TARGET, str(data), env=env)
    assert whole.returncode == 0, whole.stderr
    size = oxigraph.counts()[TARGET]
    command = [str(VENV_BIN / "lamcoop"), "load", "--quiet", "--graph", TARGET, str(data)]
    delay = 0.2
    for _ in range(5):
        assert lamcoop("graphs", env=env).returncode == 0  # recovers what a kill left
        dropped = requests.post(f"{oxigraph.url}/update", data={"update": "DROP SILENT ALL"})
        assert dropped.ok
        loader = subprocess.Popen(command, env={**_plain(), **env}, cwd=tmp_path)
        time.sleep(delay)
        loader.send_signal(signal.SIGKILL)
        loader.wait(timeout=HTTP_DEADLINE)
        assert lamcoop("graphs", env=env).returncode == 0
        counts = oxigraph.counts()
        if TARGET in counts:
            assert counts[TARGET] == size and _described(oxigraph, TARGET) == [str(size)]
        else:
            assert _described(oxigraph, TARGET) == []
            assert not [g for g in counts if not g.startswith("urn:lamcoop:")]
        delay *= 1.8


def _plain() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
