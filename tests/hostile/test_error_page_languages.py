"""The server's reason on an error page, in the reader's language.

A browser reading in Persian or Chinese got an error page whose heading and advice were
translated, but whose reason was English alone for many refusals: a filter of the audit
naming nothing audited, an agreement slug not audited, a page past the last of the audit
runs, an ``/id/`` path that is no IRI, the VoID description or the ontology not yet built,
a store busy or failing, a run of ``/audit/compare`` that is unknown, ambiguous or not a
time. Each was raised with a bare English string; each is now a message of the catalogues,
shown in the reader's language beside the server's English line (a run's reason and what
is kept are parts of the line, each translated).

The translated line also wrote the message's own text as markup: ``nothing is known about
<%(iri)s>`` came out as ``<<bdi dir="ltr">…</bdi>>``. The translation is text now, escaped
as the English line is; only the values are isolates.
"""

from __future__ import annotations

import html
import re
import urllib.parse

import pytest
from conftest import service_client

from graph_loader.audit import run_ids, selection
from graph_loader.audit.run import run_audit
from graph_loader.audit.runs import list_runs
from graph_loader.store import open_store
from sparql_endpoint.linked_data.audit_exports import FILTER_REASONS
from sparql_endpoint.linked_data.audit_history import RUN_REASONS
from tests.audit_support import load_shipped, load_turtle, settings
from tests.audit_web_support import AGREEMENTS, INST, WORLD
from tests.hostile.conftest import store_state

BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
#: A query whose SERVICE call fails (nothing listens on port 9 of the loopback).
OUTBOUND = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
#: Three English words in a row: the reason left untranslated (values are isolated apart).
ENGLISH = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2}")
SAID = re.compile(r'<p class="said">(.*?)</p>', re.S)
ISOLATE = re.compile(r'<bdi dir="ltr">.*?</bdi>', re.S)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    store, s = open_store(tmp_path_factory.mktemp("error-languages") / "store"), settings()
    load_shipped(store, s)
    # Two kept runs (each found something the other did not) started in one day, which
    # names both; a third is made when the first two were either side of midnight.
    for kept in range(3):
        load_turtle(store, WORLD + "".join(AGREEMENTS[: len(AGREEMENTS) - kept % 2]))
        run_audit(store, s)
        if kept and _day(store, -1) == _day(store, -2):
            break
    yield store
    store.close()


def _day(store, which: int) -> str:
    return run_ids.display(list_runs(store, settings())[which].id)[:10]


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """A store with nothing built: no audit, no VoID, no ontology."""
    store = open_store(tmp_path_factory.mktemp("error-languages-bare") / "store")
    yield store
    store.close()


AUDITED = [
    ("/audit?institution=" + urllib.parse.quote(INST + "nobody"), 400, "institution"),
    ("/audit?consortium=" + urllib.parse.quote(INST + "a"), 400, "consortium"),
    ("/audit?country=XX", 400, "country"),
    ("/audit?institution=", 400, "institution"),
    ("/audit?country=" + "I" * 5000, 400, "country"),
    ("/audit?country=IR&country=CN", 400, "country"),
    ("/audit/nothing-audited", 404, "nothing-audited"),
    ("/audit/lonely?country=IR", 404, "lonely"),
    ("/audit/runs?page=99", 404, "99"),
    ("/id/thing/%3Cscript%3E", 404, "thing/%3Cscript%3E"),
    ("/id/thing/a|b", 400, "/id/"),  # sent raw: no valid IRI as sent nor as decoded
    ("/id/institution/nobody", 404, "institution/nobody"),
    ("/audit/compare?a=garbage", 400, "garbage"),
    ("/audit/compare?a=2026-02-30", 400, "2026-02-30"),
    ("/audit/compare?b=" + "9" * 300, 400, "999…"),
    ("/audit/compare?a=20200101T000000Z", 404, "20200101T000000Z"),
    ("/audit/compare?b=2020-01-01T10:00", 404, "2020-01-01T10:00"),
    ("/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p }"), 400, "1:"),
    ("/sparql?query=" + urllib.parse.quote(OUTBOUND), 400, "127.0.0.1:9"),
    ("/sparql?query=" + urllib.parse.quote("SELECT * FROM <http://x/no> {}"), 400, "x/no"),
    ("/sparql?query=" + urllib.parse.quote("INSERT DATA {}"), 400, "update="),
    ("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", 400, "query="),
    ("/sparql?update=CLEAR%20ALL", 400, "POST"),
    ("/graph-store?graph=" + urllib.parse.quote(INST + "none"), 404, INST + "none"),
    ("/graph-store?graph=relative", 400, "relative"),
    ("/graph-store?graph=urn:lamcoop:state", 400, "urn:lamcoop:state"),
    ("/graph-store", 400, "?default"),
    ("/search?q=x&format=bogus", 400, "bogus"),
    ("/audit?format=" + "x" * 300, 400, "jsonld"),
]
BARE = [
    ("/audit", 404, "lamcoop audit"),
    ("/.well-known/void", 404, "lamcoop build"),
    ("/ontology", 404, "lamcoop build"),
    ("/reconcile?queries=" + urllib.parse.quote('{"q0": {"query": "x"}}'), 503, "lamcoop refresh"),
]


def _reason(client, path: str, lang: str) -> tuple[int, str]:
    raw = {"REQUEST_URI": path} if "|" in path else {}  # the target as a client sent it
    headers = {"Accept": BROWSER, "Accept-Language": lang}
    reply = client.get(path, headers=headers, environ_overrides=raw)
    assert "Traceback" not in reply.text
    found = SAID.search(reply.text)
    assert found, f"{path} ({lang}): no reason in the reader's language\n{reply.text}"
    return reply.status_code, found.group(1)


def _check(store, cases, lang: str) -> None:
    before = store_state(store)
    with service_client(store) as client:
        for path, status, value in cases:
            code, said = _reason(client, path, lang)
            assert code == status, (path, said)
            assert value in html.unescape(said), (path, said)
            words = ISOLATE.sub(" ", said)
            assert not ENGLISH.search(html.unescape(words)), (path, said)
            assert "<" not in ISOLATE.sub("", said), (path, said)  # only the isolates are markup
    assert store_state(store) == before


@pytest.mark.parametrize("lang", ["fa", "zh-Hans"])
def test_a_refusal_on_the_built_store_reads_in_the_readers_language(audited, lang):
    _check(audited, AUDITED, lang)


@pytest.mark.parametrize("lang", ["fa", "zh-Hans"])
def test_a_run_that_names_several_reads_in_the_readers_language(audited, lang):
    """Ambiguous, with the runs listed; and the runs kept, after a reason that found none."""
    day = _day(audited, -1)
    cases = [
        (f"/audit/compare?a={day}", 400, run_ids.display(list_runs(audited, settings())[-1].id))
    ]
    cases.append(("/audit/compare?a=1999-01-01", 404, day))  # what is kept: to the last run
    _check(audited, cases, lang)


@pytest.mark.parametrize("lang", ["fa", "zh-Hans"])
def test_a_refusal_on_an_unbuilt_store_reads_in_the_readers_language(bare, lang):
    _check(bare, BARE, lang)


@pytest.mark.parametrize("lang", ["fa", "zh-Hans"])
def test_a_format_the_page_cannot_be_served_in_reads_in_the_readers_language(audited, lang):
    """406: a browser asking for HTML alone where none is served (a result, a graph)."""
    before = store_state(audited)
    with service_client(audited) as client:
        for path in ("/sparql?query=ASK%7B%7D", "/graph-store?default"):
            reply = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
            assert reply.status_code == 406, path
            said = SAID.search(reply.text)
            assert said and "application/" in said.group(1), (path, reply.text)
            words = html.unescape(ISOLATE.sub(" ", said.group(1)))
            assert not ENGLISH.search(words), (path, said.group(1))
    assert store_state(audited) == before


def test_the_english_line_is_unchanged_for_other_clients(audited):
    with service_client(audited) as client:
        reply = client.get("/audit?country=XX", headers={"Accept": "text/plain"})
        assert reply.status_code == 400
        assert "country: no audited agreement has a party in 'XX'" in reply.text
        reply = client.get("/audit/runs?page=99", headers={"Accept": "application/json"})
        assert "page 99 is past the last page of the audit runs" in reply.text


def test_a_runs_english_line_is_unchanged_for_other_clients(audited):
    with service_client(audited) as client:
        reply = client.get("/audit/compare?a=garbage", headers={"Accept": "application/json"})
        assert reply.status_code == 400
        assert reply.text == (
            "400 Bad Request: a: 'garbage' is not an audit run: use latest, previous, a run "
            "identifier (20261206T194012Z) or a time (2026-12-06, 2026-12-06T19:40)\n"
        )
        reply = client.get("/audit/compare?b=1999-01-01", headers={"Accept": "application/json"})
        assert reply.status_code == 404
        assert "b: no audit run started at '1999-01-01': " in reply.text
        assert f"kept, from {_day(audited, 0)}" in reply.text


def test_every_run_reason_has_its_page_message():
    """Every reason a run is refused, and both sayings of what is kept, have their page
    message, word for word the command line's (a KeyError would be a 500)."""
    assert set(RUN_REASONS) == {*run_ids.REASONS, run_ids.NONE_KEPT, run_ids.KEPT}
    for reason, message in RUN_REASONS.items():
        assert message == reason


def test_every_filter_reason_has_its_page_message():
    """The pages' messages of the audit filters' reasons are the reasons with the parameter
    before them: one per reason, none left without (a KeyError would be a 500)."""
    assert set(FILTER_REASONS) == set(selection.REASONS)
    for reason, message in FILTER_REASONS.items():
        assert message == "%(name)s: " + reason
