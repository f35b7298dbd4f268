"""The audit's history and an agreement's audit page, as a Persian or Chinese reader reads them.

A run's results carried the agreement's label untagged, as an English reader saw it when the
run was made: the comparison of two runs named agreements in English on a Persian or Chinese
page. Each result now keeps the labels readers of English, Persian and Chinese saw (tagged as
the data tags them), and a comparison picks the reader's. The comparison named components by
their ids; an agreement's page showed what it states as raw lexical forms.
"""

from __future__ import annotations

import re

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


def test_the_comparison_names_components_and_runs_as_a_persian_reader_reads_them(two_runs):
    """The comparison named components by their ids (``parties``), joined them with a Latin
    comma and set run names and times out of order right to left; its figures' headers
    were aligned away from the figures."""
    with service_client(two_runs) as client:
        page = client.get("/audit/compare", headers={"Accept-Language": "fa"}).text
    assert '<span data-component="parties">طرف‌ها</span>' in page  # the new gap, by its label
    assert re.search(r'<code id="run-b" dir="ltr">[^<]+</code> \(<time [^>]*dir="ltr">', page)
    header = re.search(r'<table id="components"><thead><tr>(.*?)</tr>', page)
    assert header and header.group(1).count('<th class="num">') == 4


def test_an_agreements_audit_page_shows_what_it_states_as_a_persian_reader_writes_it(two_runs):
    """The page showed raw lexical forms (``2001-12-01``) and marked no language: a date in
    the reader's words and digits now, an English text marked English."""
    with service_client(two_runs) as client:
        page = client.get("/audit/full?lang=fa").text
    present = page.split('<table id="present">', 1)[1].split("</table>", 1)[0]
    assert re.search(r'title="2001-12-01 \(xsd:date\)">[^<]*۲۰۰۱', present)
    assert '<bdi lang="en" dir="ltr">A hosts the catalogue.</bdi>' in present
    assert "<bdi>" not in present  # no isolate without its direction
