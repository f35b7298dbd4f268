"""A file whose name is that of a graph lamcoop keeps.

``lamcoop load FILE`` puts a file in ``{base}graph/{its name}``. A file that happened to be
named ``ontology.ttl`` replaced the ontology (2,375 triples by the file's one, silently), an
``audit.csv`` register went into the audit's results graph (which the next audit replaces),
and ``seed-….nt`` passed a user's data off as the dataset of record. A name that makes one of
lamcoop's own graphs is now refused before anything is read, naming the graph and its role;
``--graph`` names the graph instead, and the store is as it was. Two files of one command
whose names make one graph are refused too: the second would replace the first.
"""

from __future__ import annotations

import pytest

from tests.hostile.conftest import refused_load, store_state_at

BASE = "https://w3id.org/lamcoop/"
ONE = "<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> <urn:x-lamcoop-test:c> .\n"
REGISTER = "id,title\r\nx-1,First\r\n"


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("ontology.nt", "ontology"),
        ("alignments.ttl", "alignments"),
        ("inferred.nt", "inferred"),
        ("audit.csv", "audit"),
        ("audit-run-20261207.nt", "audit-run"),
        ("void.nt", "void"),
        ("provenance.nt", "provenance"),
        ("seed-mine.nt", "record"),
        ("example-agreements.csv", "example"),
        ("shapes-mine.ttl", "shapes"),
    ],
)
def test_a_file_named_as_one_of_lamcoops_graphs_is_refused(cli_store, tmp_path, name, role):
    path = tmp_path / name
    path.write_text(REGISTER if name.endswith(".csv") else ONE, encoding="utf-8")
    output = refused_load(cli_store, str(path))
    graph = BASE + "graph/" + name.split(".")[0]
    assert f"refused, nothing loaded: its name makes the graph <{graph}>" in output
    assert f"lamcoop's own ({role}); name a graph for it with --graph" in output


@pytest.mark.parametrize("name", ["ontology.nt", "audit.csv"])
def test_the_same_file_loads_into_the_graph_named_for_it(cli_store, tmp_path, name):
    invoke, store = cli_store
    path = tmp_path / name
    path.write_text(REGISTER if name.endswith(".csv") else ONE, encoding="utf-8")
    result = invoke("load", "--graph", BASE + "graph/mine", str(path))
    assert result.exit_code == 0, result.output
    assert BASE + "graph/mine" in store_state_at(store)


def test_two_files_of_one_command_sharing_a_graph_name_are_refused(cli_store, tmp_path):
    """``lamcoop load 2023/register.csv 2024/register.csv`` loaded the first, then replaced
    it with the second in the graph both names make: one register was silently lost."""
    invoke, _store = cli_store
    paths = []
    for year in ("2023", "2024"):
        (tmp_path / year).mkdir()
        paths.append(tmp_path / year / "register.csv")
        paths[-1].write_text(REGISTER.replace("x-1", f"x-{year}"), encoding="utf-8")
    output = refused_load(cli_store, *map(str, paths), exit_code=2)
    assert f"{paths[0]} and {paths[1]} both go to the graph <{BASE}graph/register>" in output
    appended = invoke("load", "--append", *map(str, paths))
    assert appended.exit_code == 0, appended.output
    found = invoke("query", "SELECT ?s WHERE { GRAPH ?g { ?s a ?t } } ORDER BY ?s").output
    assert "agreement/x-2023>" in found and "agreement/x-2024>" in found
