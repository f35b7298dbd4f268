"""Hostile data for the consistency check: malformed OWL in a user's graph, and a check that
runs out of time. Either gives a clear report and an exit status, never a traceback, and
``lamcoop consistency`` (without ``--record``) leaves the store exactly as it was."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.hostile.conftest import CLI_GRAPH, store_state_at

OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
BAD = "urn:x-lamcoop-test:malformed"
#: A class expression whose list is a literal, a union of a non-list, sameAs a literal and an
#: integer that is not one: OWL the reasoners must read without falling over.
MALFORMED = f"""<urn:x-lamcoop-test:C> <{OWL}intersectionOf> "not a list" .
<urn:x-lamcoop-test:C> <{OWL}equivalentClass> <urn:x-lamcoop-test:D> .
<urn:x-lamcoop-test:D> <{OWL}unionOf> <urn:x-lamcoop-test:nil> .
<urn:x-lamcoop-test:x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:x-lamcoop-test:C> .
<urn:x-lamcoop-test:x> <{OWL}sameAs> "lit" .
<urn:x-lamcoop-test:x> <urn:x-lamcoop-test:year> "abc"^^<{XSD}integer> .
"""


@pytest.mark.skipif(shutil.which("java") is None, reason="needs Java (default-jre-headless)")
def test_malformed_owl_in_a_user_graph_gives_a_clear_report(cli_store, tmp_path):
    invoke, store = cli_store
    (tmp_path / "bad.nt").write_text(MALFORMED, encoding="utf-8")
    assert invoke("load", "--graph", BAD, str(tmp_path / "bad.nt")).exit_code == 0
    before = store_state_at(store)
    result = invoke("consistency", "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    report = json.loads(result.output)
    # The ill-typed integer makes the data inconsistent; the graph is named.
    assert result.exit_code == 1 and report["status"] == "inconsistent"
    assert [c["graph"] for c in report["culprits"]] == [BAD]
    assert CLI_GRAPH in {g["iri"] for g in report["graphs"]}
    assert store_state_at(store) == before


def test_a_check_out_of_time_says_so_and_exits_2(cli_store):
    invoke, store = cli_store
    before = store_state_at(store)
    result = invoke("--setting", "consistency_timeout", "0.1", "consistency")
    assert result.exit_code == 2, result.output
    assert result.output.startswith("consistency: timeout")
    assert "no time left" in result.output and "Traceback" not in result.output
    assert store_state_at(store) == before


def test_a_bad_setting_for_the_check_is_a_usage_error(cli_store):
    invoke, store = cli_store
    before = store_state_at(store)
    result = invoke("--setting", "consistency_max_triples", "-5", "consistency")
    assert result.exit_code == 2
    assert "consistency_max_triples" in result.output and "must not be negative" in result.output
    assert store_state_at(store) == before
