"""A kept audit run names each agreement as readers of every language saw it.

A run's results carried the agreement's label untagged, as an English reader saw it when the
run was made: the comparison of two runs named agreements in English on a Persian or Chinese
page. Each result now keeps the labels readers of English, Persian and Chinese saw (tagged as
the data tags them), and a comparison picks the reader's.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import service_client

from graph_loader.audit.compare import compare_runs
from graph_loader.audit.run import run_audit
from graph_loader.audit.runs import list_runs, read_run, run_graph
from graph_loader.store import open_store
from graph_loader.vocab import RDFS
from tests.audit_support import COMPONENTS, agreement, load_shipped, load_turtle, settings

FULL = [c for c in COMPONENTS if c != "staffing"]
NAMES = {"en": "Agreement full", "fa": "توافق‌نامهٔ کامل", "zh-Hans": "完整的协议"}
#: The agreement's names beside its English one (and a German one no reader is served).
NAMED = 'agr:full skos:prefLabel "توافق‌نامهٔ کامل"@fa , "完整的协议"@zh-Hans , "Voll"@de .\n'


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Two kept runs: the agreement lost a component between them."""
    store, s = open_store(tmp_path_factory.mktemp("run-labels") / "store"), settings()
    load_shipped(store, s)
    for components in (FULL, FULL[1:]):
        load_turtle(store, agreement("full", components) + NAMED)
        run_audit(store, s)
    yield store
    store.close()


def test_a_kept_result_holds_the_label_of_each_readers_language(two_runs):
    s = settings()
    latest = list_runs(two_runs, s)[-1].id
    labels = {
        (q.object.value, q.object.language)
        for q in two_runs.quads(run_graph(s, latest))
        if q.predicate == ox.NamedNode(RDFS + "label")
    }
    assert labels == {
        ("Agreement full", "en"),
        ("توافق‌نامهٔ کامل", "fa"),
        ("完整的协议", "zh-hans"),
    }


@pytest.mark.parametrize("lang", list(NAMES))
def test_a_kept_run_names_the_agreement_for_the_reader(two_runs, lang):
    s = settings()
    run = read_run(two_runs, s, list_runs(two_runs, s)[-1].id, lang=lang)
    assert run is not None
    assert [r.label for r in run.results.values()] == [NAMES[lang]]
    changed = compare_runs(two_runs, s, "previous", "latest", lang=lang)["agreements"]
    assert [row["label"] for row in changed] == [NAMES[lang]]


@pytest.mark.parametrize("lang", ["fa", "zh-Hans"])
def test_the_comparison_page_names_the_agreement_in_the_readers_language(two_runs, lang):
    with service_client(two_runs) as client:
        page = client.get("/audit/compare", headers={"Accept-Language": lang})
        assert page.status_code == 200
        assert NAMES[lang] in page.text
        assert NAMES["en"] not in page.text
        data = client.get("/audit/compare?format=json", headers={"Accept-Language": lang})
        assert [row["label"] for row in data.json["agreements"]] == [NAMES[lang]]
        assert "Accept-Language" in data.headers["Vary"]


def test_an_unchanged_rerun_is_not_kept_again(two_runs):
    """The labels of every language do not make a run differ from the last one."""
    s = settings()
    before = [h.id for h in list_runs(two_runs, s)]
    audit = run_audit(two_runs, s)
    assert audit.kept_new is False
    assert [h.id for h in list_runs(two_runs, s)] == before
