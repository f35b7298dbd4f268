"""``lamcoop query`` with a query file that is not UTF-8, and with results that hold
characters XML cannot carry.

A query file saved in Latin-1 ended in a Python traceback (UnicodeDecodeError); it is an
error naming the file, line and column now. ``--format xml`` and ``--format rdfxml`` wrote
a literal's U+0001 as it is, so the output was no XML; it is U+FFFD there now, as on the
server (:mod:`graph_loader.xml_text`), and JSON keeps it."""

from __future__ import annotations

import json
import xml.dom.minidom

import pytest
import rdflib

QUERY = 'SELECT ("bell\\u0007 \\u0001 end" AS ?x) {}'
GRAPH_QUERY = 'CONSTRUCT { <urn:x-a> <urn:x-b> "bell\\u0007 \\u0001 end" } WHERE {}'


def test_a_query_file_that_is_not_utf8_is_refused_naming_its_place(cli_store, tmp_path):
    invoke, _store = cli_store
    path = tmp_path / "latin1.rq"
    path.write_bytes(b'SELECT ?x WHERE {\n  BIND("caf\xe9" AS ?x)\n}\n')
    result = invoke("query", "--file", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"{path}:2:12: not UTF-8 text" in result.output


def test_a_query_file_with_a_byte_order_mark_runs(cli_store, tmp_path):
    invoke, _store = cli_store
    path = tmp_path / "marked.rq"
    path.write_bytes(b'\xef\xbb\xbfSELECT ("ok" AS ?x) {}')
    result = invoke("query", "--file", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "ok"}}
    ]


def test_xml_results_are_xml(cli_store):
    invoke, _store = cli_store
    result = invoke("query", QUERY, "--format", "xml")
    assert result.exit_code == 0, result.output
    literal = xml.dom.minidom.parseString(result.stdout_bytes).getElementsByTagName("literal")
    assert literal[0].firstChild.data == "bell\ufffd \ufffd end"


def test_rdf_xml_is_xml(cli_store):
    invoke, _store = cli_store
    result = invoke("query", GRAPH_QUERY, "--format", "rdfxml")
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(data=result.stdout_bytes, format="xml")
    assert [str(o) for o in graph.objects()] == ["bell\ufffd \ufffd end"]


@pytest.mark.parametrize("fmt", ["json", "tsv"])
def test_other_formats_keep_the_characters(cli_store, fmt):
    invoke, _store = cli_store
    result = invoke("query", QUERY, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "\x01" in result.stdout or "\\u0001" in result.stdout
