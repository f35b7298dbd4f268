"""Broken or refused loads of a new graph into Oxigraph server, which go in one bulk request
(``graph_loader/store/remote_direct.py``): the place named, no traceback, a non-zero exit,
and the engine's graphs exactly as they were (nothing is sent for a file that does not read
to its end; a refused request lands nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_loader.settings import resolve_settings
from graph_loader.store import Store, open_configured
from tests.hostile.conftest import store_state
from tests.remote_support import OxigraphServer, remote_env

KEPT = "urn:x-lamcoop-test:kept"
NEW = "urn:x-lamcoop-test:new"
GOOD = "<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> <urn:x-lamcoop-test:c> .\n"


@pytest.fixture
def engine(lamcoop, tmp_path: Path) -> Iterator[tuple[dict[str, str], Store]]:
    """An Oxigraph server holding one graph; lamcoop's settings for it, and a store open."""
    server = OxigraphServer(tmp_path / "oxigraph")
    env = remote_env(server, tmp_path / "state")
    kept = tmp_path / "kept.nt"
    kept.write_text(GOOD)
    assert lamcoop("load", "--graph", KEPT, str(kept), env=env).returncode == 0
    store = open_configured(resolve_settings(environ=env, config_file=None))
    yield env, store
    store.close()
    server.stop()


@pytest.mark.parametrize(
    ("name", "text", "place"),
    [
        ("late.nt", GOOD * 30_000 + "<urn:x-lamcoop-test:a> oops\n", "line 30001"),
        (
            "broken.ttl",
            "@prefix ex: <urn:x-lamcoop-test:> .\nex:a ex:b ex:c .\nex:a ex:b .\n",
            "line 3",
        ),
        ("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="urn:x">\n<oops', "bad.rdf"),
    ],
)
def test_a_broken_new_graph_names_its_place_and_sends_nothing(
    lamcoop, engine, tmp_path, name, text, place
):
    env, store = engine
    before = store_state(store)
    source = tmp_path / name
    source.write_text(text)
    run = lamcoop("load", "--graph", NEW, str(source), env=env)
    assert run.returncode != 0
    err = run.stderr.decode()
    assert name in err and place in err
    assert b"Traceback" not in run.stderr
    assert store_state(store) == before


def test_a_refused_bulk_request_lands_nothing(lamcoop, engine, tmp_path):
    """The Graph Store endpoint is wrong (404) for a new graph's one request."""
    env, store = engine
    before = store_state(store)
    source = tmp_path / "new.nt"
    source.write_text(GOOD)
    wrong = {**env, "LAMCOOP_STORE_GRAPH_STORE": env["LAMCOOP_STORE"].replace("/query", "/nowhere")}
    run = lamcoop("load", "--graph", NEW, str(source), env=wrong)
    assert run.returncode != 0
    assert "/nowhere answered 404" in run.stderr.decode()
    assert b"Traceback" not in run.stderr
    assert store_state(store) == before


def test_an_internal_graph_is_refused_before_anything_is_read(lamcoop, engine, tmp_path):
    env, store = engine
    before = store_state(store)
    source = tmp_path / "new.nt"
    source.write_text(GOOD)
    run = lamcoop("load", "--graph", "urn:lamcoop:new-internal", str(source), env=env)
    assert run.returncode != 0
    assert "internal graph" in run.stderr.decode()
    assert b"Traceback" not in run.stderr
    assert store_state(store) == before
