"""Reconciliation requests read from the store only what their answer needs.

Found by a fuzzing run over a server with the Wikidata/ISIL and IMLS registries and the 1M
synthetic file: ``/reconcile/1.0-draft/preview?b=0`` (no ``id``) took 22 to 25 s, once in
each worker, holding it meanwhile: the first reconciliation request of a process (and the
first after each write) read every typed entity's labels and identifiers from the store to
build an index in memory. Reconciliation now reads the store's text index, kept in step
with every write; the store itself is asked only for the class hierarchy and the ontology's
labels (the preview card's names of types; each once per data version) and for the related
entities of an extended one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader import index, reconciliation
from graph_loader.settings import resolve_settings
from graph_loader.store import OxigraphStore, open_store
from sparql_endpoint.app import close_app, create_app
from sparql_endpoint.linked_data.entities import TERM_LABELS_QUERY
from sparql_endpoint.reconcile import _RELATED
from tests.reconcile_support import BASE, INST, LAMC, make_store

#: Institutions beyond the seed's: a whole-store read would see each of them.
MANY = 3000


class Recording(OxigraphStore):
    """The real store, noting the text of every query it is asked."""

    def __init__(self, path: Path):
        super().__init__(ox.Store.read_only(str(path)), read_only=True, path=path)
        self.asked: list[str] = []

    def query(self, sparql: str, **options):  # type: ignore[override]
        self.asked.append(sparql)
        return super().query(sparql, **options)


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> Recording:
    path = make_store(tmp_path_factory.mktemp("reconcile-reads") / "store")
    store = open_store(path)
    lines = [f"<{INST}many-{n}> a <{LAMC}PublicLibrary> ; " for n in range(MANY)]
    data = "\n".join(
        f'{line}<http://www.w3.org/2000/01/rdf-schema#label> "Town Library {n}"@en .'
        for n, line in enumerate(lines)
    )
    store.replace_graph(data.encode(), graph=BASE + "graph/many", format=ox.RdfFormat.TURTLE)
    index.rebuild(store, base_iri=BASE)
    store.close()
    return Recording(path)


@pytest.fixture
def client(recording):
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": "unused"})
    app = create_app(settings, store=recording)
    yield app.test_client()
    close_app(app)


def test_every_reconciliation_request_reads_only_classes_and_related(client, recording):
    batch = {
        "q0": {"query": "Town Library 17"},
        "q1": {"query": "library town 1234", "type": LAMC + "Library", "limit": 3},
        "q2": {"query": "", "properties": [{"pid": "isil", "v": "cn-100871"}]},
        "q3": {"query": "", "properties": [{"pid": "wikidata", "v": "q7158"}]},
    }
    extend = {"ids": [INST + "pku", INST + "many-5"], "properties": [{"id": "member-of"}]}
    requests = [
        ("post", "/reconcile", {"data": {"queries": json.dumps(batch)}}),
        ("get", "/reconcile/suggest/entity", {"query_string": {"prefix": "town lib"}}),
        ("get", "/reconcile/preview", {"query_string": {"b": "0"}}),
        ("get", "/reconcile/1.0-draft/preview", {"query_string": {"id": INST + "many-9"}}),
        ("post", "/reconcile", {"data": {"extend": json.dumps(extend)}}),
        ("get", "/reconcile/1.0-draft/suggest/entity", {"query_string": {"prefix": "peki"}}),
    ]
    recording.asked.clear()
    answers = [getattr(client, method)(path, **options) for method, path, options in requests]
    assert [a.status_code for a in answers] == [200, 200, 404, 200, 200, 200]
    found = answers[0].get_json()
    assert found["q0"]["result"][0]["id"] == INST + "many-17"
    assert found["q0"]["result"][0]["match"] is True
    # "town" and "library" are each in more than COMMON entities' labels: only "1234" brings
    # a candidate, and its words are all the query's.
    assert [(c["id"], c["score"]) for c in found["q1"]["result"]] == [(INST + "many-1234", 90.0)]
    assert found["q2"]["result"][0]["id"] == found["q3"]["result"][0]["id"] == INST + "pku"
    assert len(answers[1].get_json()["result"]) == 10
    assert "Town Library 9" in answers[3].get_data(as_text=True)
    rows = answers[4].get_json()["rows"]
    assert rows[INST + "pku"]["member-of"] == [{"id": INST + "calis", "name": "CALIS"}]
    classes = [q for q in recording.asked if q == reconciliation._CLASSES]
    terms = [q for q in recording.asked if q == TERM_LABELS_QUERY]  # the ontology graph's
    related = [q for q in recording.asked if q == _RELATED]
    assert len(classes) == len(terms) == 1  # once for this version of the data
    assert len(related) == 2  # one per extended entity
    assert len(recording.asked) == 1 + 1 + 2, recording.asked
