"""Audit runs kept over time, on the command line: each run in its dated graph with its
provenance, the latest audit left as ``/audit`` shows it, runs listed and compared
(``lamcoop audit --runs``, ``--compare A B``) by identifier, word or time, exactly."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest

from graph_loader.audit.run_ids import display
from graph_loader.graphs import Purpose, Role, role_of
from graph_loader.store import open_store
from tests.audit_history_support import (
    BASE,
    EXPECTED_AGREEMENTS,
    EXPECTED_TOTALS,
    History,
    expected_text,
    history_copy,
    lamcoop,
    rows_of,
)
from tests.conftest import snapshot_at

PROV = "http://www.w3.org/ns/prov#"
LAMC = "https://w3id.org/lamcoop/ontology#"


@pytest.fixture(scope="module")
def history(tmp_path_factory, worker_id) -> History:
    return history_copy(tmp_path_factory, worker_id, "audit-history")


@pytest.fixture
def copied(history, tmp_path) -> History:
    """A copy of the history's store that a test may write to."""
    shutil.copytree(history.store, tmp_path / "store")
    return History(tmp_path / "store", history.first, history.second)


def cli(history: History, *args: str) -> str:
    return lamcoop(history.store.parent, "--store", str(history.store), *args).stdout.decode()


def test_each_run_has_its_dated_graph_with_provenance(history):
    store = open_store(history.store, read_only=True)
    try:
        runs = [g.iri for g in store.graphs() if role_of(g.iri, base_iri=BASE) is Role.AUDIT_RUN]
        assert runs == [
            BASE + f"graph/audit-run-{history.first}",
            BASE + f"graph/audit-run-{history.second}",
        ]
        rows = list(
            store.query(
                f"""PREFIX prov: <{PROV}> PREFIX lamc: <{LAMC}>
                SELECT ?g ?run ?generated ?started ?ended ?data ?profile ?shapes
                WHERE {{ GRAPH ?g {{
                  ?g prov:generatedAtTime ?generated ; prov:wasGeneratedBy ?run .
                  ?run a lamc:AuditRun , prov:Activity ; prov:startedAtTime ?started ;
                    prov:endedAtTime ?ended ; lamc:dataVersion ?data ;
                    lamc:profileVersion ?profile ; lamc:auditProfile ?shapes }} }}""",
                substitutions={ox.Variable("g"): ox.NamedNode(runs[1])},
            )
        )
        assert len(rows) == 1
        row = rows[0]
        assert row["run"].value == BASE + f"id/audit-run/{history.second}"
        assert row["shapes"].value == BASE + "graph/shapes-agreement-audit"
        started = row["started"].value
        assert started.startswith(display(history.second)[:19].replace("Z", ""))
        assert row["started"].value <= row["ended"].value <= row["generated"].value
        versions = [
            (r["data"].value, r["profile"].value)
            for r in store.query(
                f"PREFIX lamc: <{LAMC}> SELECT ?g ?data ?profile WHERE {{ GRAPH ?g {{ "
                "?run lamc:dataVersion ?data ; lamc:profileVersion ?profile } }",
            )
        ]
        data_versions = {d for d, _p in versions}
        assert len(versions) == 2 and len(data_versions) == 2, "the register changed"
        assert len({p for _d, p in versions}) == 1, "the profile did not"
        # The latest audit (what /audit shows) is one run, the second.
        current = list(
            store.query(
                f"PREFIX lamc: <{LAMC}> SELECT ?g ?a WHERE {{ GRAPH ?g {{ "
                "?r lamc:auditedAgreement ?a } }",
                substitutions={ox.Variable("g"): ox.NamedNode(BASE + "graph/audit")},
            )
        )
        assert sorted(r["a"].value for r in current) == sorted(a[0] for a in EXPECTED_AGREEMENTS)
    finally:
        store.close()


def test_runs_are_listed_in_text_and_json(history):
    listed = json.loads(cli(history, "audit", "--runs", "--format", "json"))
    assert [(r["id"], r["agreements"], r["completeness"]) for r in listed] == [
        (history.first, 2, 0.208333),
        (history.second, 3, 0.194444),
    ]
    assert listed[0]["started"] == display(history.first)
    text = cli(history, "audit", "--runs").splitlines()
    assert text[1].split() == [history.first, display(history.first), "2", "20.8", "%"]
    assert text[2].split() == [history.second, display(history.second), "3", "19.4", "%"]


def test_compare_prints_exactly_what_changed(history):
    got = cli(history, "audit", "--compare", "previous", "latest")
    started = (display(history.first), display(history.second))
    assert got == expected_text(history.first, history.second, started)


def test_compare_as_json(history):
    data = json.loads(
        cli(history, "audit", "--compare", history.first, "latest", "--format", "json")
    )
    assert data["a"]["id"] == history.first and data["b"]["id"] == history.second
    assert data["totals"] == EXPECTED_TOTALS
    assert rows_of(data["agreements"]) == EXPECTED_AGREEMENTS
    added = data["agreements"][0]
    assert added["gaps"]["a"] == [] and len(added["gaps"]["b"]) == 11
    assert data["profile"] == {"same": True, "components_added": [], "components_removed": []}
    assert data["graphs"]["same"] is True
    by_component = {c["id"]: (c["gaps_closed"], c["new_gaps"]) for c in data["components"]}
    assert by_component["coordinator"] == (1, 0) and by_component["funding"] == (0, 1)
    t = data["totals"]
    assert t["gaps"]["b"] == (
        t["gaps"]["a"]
        - t["gaps_closed"]
        + t["new_gaps"]
        + t["gaps_of_added"]
        - t["gaps_of_removed"]
    )


def test_runs_named_by_time(history):
    """A run's second names it; its day names both runs when they fell on the same day."""
    second = display(history.first)[:19]  # 2026-12-06T19:40:12
    data = json.loads(cli(history, "audit", "--compare", second, "latest", "--format", "json"))
    assert data["a"]["id"] == history.first
    spaced = second.replace("T", " ") + "Z"
    data = json.loads(
        cli(history, "audit", "--compare", spaced, history.second, "--format", "json")
    )
    assert data["a"]["id"] == history.first
    day = second[:10]
    done = lamcoop_status(history, "audit", "--compare", day, "latest")
    if display(history.second).startswith(day):
        assert done.returncode == 2
        err = done.stderr.decode()
        assert "--compare A" in err and "could be 2 audit runs" in err
        assert history.first in err and history.second in err
    else:  # the runs straddled midnight
        assert done.returncode == 0


def lamcoop_status(history: History, *args: str):
    """``lamcoop`` over the history's store, whatever its exit status."""
    return lamcoop(history.store.parent, "--store", str(history.store), *args, check=False)


@pytest.mark.parametrize(
    ("a", "b", "said"),
    [
        ("1999-01-01", "latest", "--compare A"),
        ("latest", "20000101T000000Z", "--compare B"),
        ("2026-13-45", "latest", "is not a time"),
        ("yesterday", "latest", "is not an audit run"),
    ],
)
def test_unknown_runs_are_errors_naming_the_argument(history, a, b, said):
    before = snapshot_at(history.store)
    done = lamcoop_status(history, "audit", "--compare", a, b)
    assert done.returncode == 2
    assert said in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode()
    assert snapshot_at(history.store) == before


def test_compare_refuses_other_formats_and_graphs(history):
    done = lamcoop_status(history, "audit", "--compare", "previous", "latest", "--format", "csv")
    assert (
        done.returncode == 2 and "--runs and --compare print text or json" in done.stderr.decode()
    )
    done = lamcoop_status(history, "audit", "--runs", "--graph", BASE + "graph/register")
    assert done.returncode == 2 and "--graph" in done.stderr.decode()


def test_a_rerun_finding_the_same_keeps_nothing_new(copied):
    before = snapshot_at(copied.store)
    out = cli(copied, "audit")
    assert f"Same findings as audit run {copied.second}" in out
    assert snapshot_at(copied.store) == before


def test_runs_stay_out_of_the_dumps_and_index_and_void_counts_them(copied):
    cli(copied, "dump")
    names = {
        f["name"]
        for f in json.loads((copied.store.parent / "dumps" / ".manifest.json").read_text())
    }
    assert names and not any("audit-run" in n for n in names), names
    assert "audit.ttl" in names
    store = open_store(copied.store, read_only=True)
    try:
        subsets = {
            r["s"].value
            for r in store.query(
                "SELECT ?g ?s WHERE { GRAPH ?g { ?d <http://rdfs.org/ns/void#subset> ?s } }",
                substitutions={ox.Variable("g"): ox.NamedNode(BASE + "graph/void")},
            )
        }
        assert BASE + "graph/audit" in subsets
        # VoID describes what the SPARQL endpoint serves: the runs too.
        assert BASE + f"graph/audit-run-{copied.first}" in subsets
    finally:
        store.close()
    for purpose in (Purpose.INDEX, Purpose.AUDIT, Purpose.DUMPS, Purpose.INTEGRITY):
        assert not purpose.covers(BASE + f"graph/audit-run-{copied.first}", base_iri=BASE)
    for purpose in (Purpose.QUERY, Purpose.DESCRIBE, Purpose.VOID):
        assert purpose.covers(BASE + f"graph/audit-run-{copied.first}", base_iri=BASE)


def test_graphs_folds_the_runs_into_one_line(history):
    text = cli(history, "graphs")
    assert "audit-run-2" not in text
    assert "in 2 kept audit runs" in text
    every = cli(history, "graphs", "--all")
    assert f"audit-run-{history.first}" in every and f"audit-run-{history.second}" in every
    rows = json.loads(cli(history, "graphs", "--format", "json"))
    roles = {r["graph"]: r["role"] for r in rows}
    assert roles[BASE + f"graph/audit-run-{history.first}"] == "audit-run"
    assert roles[BASE + "graph/audit"] == "audit"


def test_a_rebuilt_index_finds_the_agreements_not_their_runs(copied):
    """The run graphs label each agreement's result with the agreement's label; the index
    (search, counts) reads data graphs only, so the label finds the agreement alone."""
    from graph_loader import index
    from graph_loader.index.db import open_reading
    from graph_loader.index.read import counts
    from graph_loader.index.search import search

    store = open_store(copied.store)
    try:
        index.rebuild(store, base_iri=BASE)
        conn = open_reading(store)
        assert conn is not None
        try:
            found = search(conn, "Shared cataloguing", lang="en")
            assert [m.iri for m in found.matches] == [BASE + "id/agreement/mou-1"]
            assert dict(counts(conn))["agreements"] == 3
        finally:
            conn.close()
    finally:
        store.close()
