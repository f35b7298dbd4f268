"""Reconciliation queries the specifications' schemas allow, which the services refused.

Both schemas (0.2 and the 1.0 draft) let a property value be a string, a number, a boolean
or an entity (``{"id": ..., "name": ...}``), or a list of them; 0.2 lets ``type`` be a list
with ``type_strict``; the draft has a ``matchType`` of ``id``. Each was a 400 ("expected
{'pid': ..., 'v': '...'}", "expected a type id (a string)", "expected 'name' or 'property'"),
and the schema's own valid examples ``multi-values.json`` and ``no-query-string.json`` were
refused. Each is read now (:mod:`sparql_endpoint.reconcile_values`), each valid example of
both schemas is answered 200 with a valid result, each invalid one of the draft is still a
400, and a value of no allowed shape is a 400 naming its JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED_DIR
from tests.reconcile_support import INST, LAMC, make_store, reconcile_client, valid

CONFORMANCE = SHARED_DIR / "conformance" / "reconciliation"
DRAFT = "1.0-draft"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with reconcile_client(make_store(tmp_path_factory.mktemp("reconcile-spec") / "store")) as made:
        yield made


def _examples(version: str, kind: str) -> list[Path]:
    folder = CONFORMANCE / version / "examples" / "reconciliation-query-batch" / kind
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _needs_examples(version: str, kind: str) -> list[Path]:
    found = _examples(version, kind)
    if not found:
        pytest.skip(f"{CONFORMANCE / version} is absent (CI places ../shared beside the clone)")
    return found


def _batch(client, queries: dict) -> dict:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)
    return valid("reconciliation-result-batch", response.get_json())


def _ids(answer: dict) -> list[str]:
    return [c["id"] for c in answer["result"]]


@pytest.mark.parametrize("version", ["0.2", DRAFT])
def test_every_valid_example_of_the_schema_is_answered(client, version):
    for example in _needs_examples(version, "valid"):
        batch = json.loads(example.read_text(encoding="utf-8"))
        if version == DRAFT:
            response = client.post("/reconcile/1.0-draft/match", json=batch)
        else:
            response = client.post("/reconcile", data={"queries": json.dumps(batch)})
        assert response.status_code == 200, (example.name, response.get_data(as_text=True))
        valid("reconciliation-result-batch", response.get_json(), version)


def test_every_invalid_draft_example_is_still_a_400(client):
    for example in _needs_examples(DRAFT, "invalid"):
        response = client.post(
            "/reconcile/1.0-draft/match", data=example.read_bytes(), content_type="application/json"
        )
        assert response.status_code == 400, (example.name, response.get_data(as_text=True))


def test_property_values_of_every_shape_match(client):
    answers = _batch(
        client,
        {
            "list": {"properties": [{"pid": "isil", "v": ["XX-9", "XX-1"]}]},
            "entity": {"properties": [{"pid": "isil", "v": {"id": "XX-2", "name": "B"}}]},
            "number": {"query": "Central Library", "properties": [{"pid": "size", "v": 7}]},
            "unknown-only": {"properties": [{"pid": "size", "v": True}]},
        },
    )
    assert _ids(answers["list"]) == [INST + "central-a"]
    assert _ids(answers["entity"]) == [INST + "central-b"]
    assert {INST + "central-a", INST + "central-b"} <= set(_ids(answers["number"]))
    assert _ids(answers["unknown-only"]) == []


def test_several_types_with_type_strict(client):
    types = [LAMC + "Library", LAMC + "Museum"]
    answers = _batch(
        client,
        {
            "any": {"query": "Central", "type": types, "limit": 10},
            "all": {"query": "Central", "type": types, "type_strict": "all", "limit": 10},
        },
    )
    assert INST + "museum" in _ids(answers["any"])
    assert INST + "central-a" in _ids(answers["any"])
    assert _ids(answers["all"]) == []


def test_a_draft_condition_by_id(client):
    batch = {
        "queries": [
            {
                "conditions": [
                    {"matchType": "id", "propertyValue": [INST + "nlai", INST + "no-such"]}
                ]
            }
        ]
    }
    response = client.post("/reconcile/1.0-draft/match", json=batch)
    assert response.status_code == 200, response.get_data(as_text=True)
    candidates = valid("reconciliation-result-batch", response.get_json(), DRAFT)["results"]
    assert [(c["id"], c["match"]) for c in candidates[0]["candidates"]] == [(INST + "nlai", True)]


@pytest.mark.parametrize(
    ("queries", "place"),
    [
        ({"q0": {"query": "x", "properties": [{"pid": "isil", "v": [["XX-1"]]}]}}, "v[0]"),
        ({"q0": {"query": "x", "properties": [{"pid": "isil", "v": {"name": "no id"}}]}}, ".v:"),
        ({"q0": {"query": "x", "type": [1, 2]}}, "queries.q0.type:"),
        ({"q0": {"query": "x", "type_strict": "most"}}, "queries.q0.type_strict:"),
    ],
)
def test_a_value_of_no_allowed_shape_is_a_400_naming_its_place(client, queries, place):
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 400
    assert place in response.get_data(as_text=True)
