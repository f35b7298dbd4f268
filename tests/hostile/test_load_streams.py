"""``lamcoop load`` from a pipe or a device: ``/dev/stdin``, a named pipe, ``<(zcat f.gz)``.

The loader read a file three times (its first bytes, the parser's read, a second thread's
checksum); a pipe gives its bytes once, so the parser got what the others left: a reload of
a graph through ``cat data.nt | lamcoop load --format nt /dev/stdin`` answered "0 triples",
exit 0, and replaced the graph with nothing. A pipe is now read once, through the reader
that hashes on the way (``loading._load_streamed``)."""

from __future__ import annotations

import gzip
import os
import threading

import pytest

GRAPH = "urn:x-lamcoop-test:streamed"
DATA = b"<urn:x-a> <urn:x-b> <urn:x-c> .\n<urn:x-a> <urn:x-b> <urn:x-d> .\n"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"


def _count(lamcoop) -> str:
    done = lamcoop("query", "--format", "csv", COUNT)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode().split()[-1]


@pytest.mark.parametrize("body", [DATA, gzip.compress(DATA, mtime=0)], ids=["plain", "gzip"])
def test_a_graph_loaded_from_stdin_holds_what_was_sent(lamcoop, tmp_path, body):
    first = tmp_path / "data.nt"
    first.write_bytes(DATA)
    assert lamcoop("load", "--graph", GRAPH, str(first)).returncode == 0
    done = lamcoop("load", "--format", "nt", "--graph", GRAPH, "/dev/stdin", input=body)
    assert done.returncode == 0, done.stderr
    assert b"2 triples in" in done.stdout
    assert _count(lamcoop) == "2"


def test_a_named_pipe_is_read_once(lamcoop, tmp_path):
    pipe = tmp_path / "data.nt"
    os.mkfifo(pipe)

    def write() -> None:
        with pipe.open("wb") as handle:
            handle.write(DATA)

    writer = threading.Thread(target=write)
    writer.start()
    done = lamcoop("load", "--graph", GRAPH, str(pipe), timeout=60)
    writer.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert _count(lamcoop) == "2"


def test_rdf_xml_from_stdin_is_checked_and_loaded(lamcoop):
    rdfxml = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:p="urn:x-p#"><rdf:Description rdf:about="urn:x-a"><p:q>v</p:q>'
        b"</rdf:Description></rdf:RDF>"
    )
    done = lamcoop("load", "--format", "rdfxml", "--graph", GRAPH, "/dev/stdin", input=rdfxml)
    assert done.returncode == 0, done.stderr
    assert _count(lamcoop) == "1"


def test_a_broken_stream_changes_nothing(lamcoop, tmp_path):
    first = tmp_path / "data.nt"
    first.write_bytes(DATA)
    assert lamcoop("load", "--graph", GRAPH, str(first)).returncode == 0
    done = lamcoop("load", "--format", "nt", "--graph", GRAPH, "/dev/stdin", input=b"bad data")
    assert done.returncode == 1
    assert b"/dev/stdin:1:1: syntax error" in done.stderr
    assert _count(lamcoop) == "2"


def test_a_table_from_a_named_pipe_needs_its_kind_named(lamcoop, tmp_path):
    """Telling a table's kind reads its head, which a pipe gives once: the import then found
    the rest of it only."""
    pipe = tmp_path / "register.csv"
    os.mkfifo(pipe)
    refused = lamcoop("load", str(pipe), timeout=60)
    assert refused.returncode == 1
    assert b"a pipe is read once: name the kind of table with --as" in refused.stderr

    def write() -> None:
        with pipe.open("wb") as handle:
            handle.write(b"id,title\nx-1,First\nx-2,Second\n")

    writer = threading.Thread(target=write)
    writer.start()
    done = lamcoop("load", "--as", "agreements", str(pipe), timeout=60)
    writer.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"2 rows: 2 loaded" in done.stdout
