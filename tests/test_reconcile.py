"""``/reconcile``: the Reconciliation Service API 0.2 over a real store, through the Flask
app and a real ``lamcoop serve``; every response validated against the W3C JSON schemas
(offline: the Swagger schema the manifest references is in ../shared too)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from tests.reconcile_support import (
    INST,
    LAMC,
    make_store,
    reconcile_client,
    schema_validator,
    valid,
)
from tests.servers import RunningServer


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("reconcile") / "store")


@pytest.fixture(scope="module")
def client(store_dir):
    with reconcile_client(store_dir) as made:
        yield made


def reconcile(client, queries: dict, **params) -> dict:
    valid("reconciliation-query-batch", queries)
    response = client.post("/reconcile", data={"queries": json.dumps(queries)}, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return valid("reconciliation-result-batch", response.get_json())


def test_manifest_validates_and_names_every_service(client):
    manifest = valid("manifest", client.get("/reconcile").get_json())
    assert manifest["versions"] == ["0.2"]
    assert {t["name"] for t in manifest["defaultTypes"]} >= {"Library", "Archive", "Museum"}
    assert set(manifest["suggest"]) == {"entity", "type", "property"}


def test_labels_in_every_language_and_spelling_match(client):
    answers = reconcile(
        client,
        {
            "q0": {"query": "Peking University Library"},
            "q1": {"query": "北京大學圖書館"},  # traditional characters
            "q2": {"query": "سازمان اسناد و كتابخانه ملي ايران"},  # Arabic kaf and yeh
            "q3": {"query": "peking-university library", "type": LAMC + "Library"},
        },
    )
    for key in ("q0", "q1", "q3"):
        top = answers[key]["result"][0]
        assert (top["id"], top["match"]) == (INST + "pku", True), key
    assert answers["q0"]["result"][0]["score"] == 100
    assert answers["q2"]["result"][0]["id"] == INST + "nlai"
    assert answers["q2"]["result"][0]["match"] is True


def test_identifiers_match_exactly_and_ties_are_never_a_match(client):
    answers = reconcile(
        client,
        {
            "isil": {"query": "whatever", "properties": [{"pid": "isil", "v": "xx-2"}]},
            "wd": {"query": "", "properties": [{"pid": "wikidata", "v": "Q7158"}]},
            # The item's page as a browser shows it (was no candidate: only the entity IRI's
            # http prefix was taken off).
            "wd-page": {
                "query": "",
                "properties": [{"pid": "wikidata", "v": "https://www.wikidata.org/wiki/Q7158"}],
            },
            "tie": {"query": "Central Library"},
            "near": {"query": "Central Library", "type": LAMC + "Museum"},
        },
    )
    assert [(c["id"], c["match"]) for c in answers["isil"]["result"]] == [
        (INST + "central-b", True)
    ]
    assert answers["wd"]["result"][0]["id"] == INST + "pku"
    assert answers["wd-page"]["result"][0]["id"] == INST + "pku"
    tie = answers["tie"]["result"]
    assert {c["id"] for c in tie[:2]} == {INST + "central-a", INST + "central-b"}
    assert not any(c["match"] for c in tie)
    near = answers["near"]["result"]
    assert [c["id"] for c in near] == [INST + "museum"] and near[0]["match"] is False
    assert near[0]["score"] < 95


def test_openrefine_flow_get_queries_then_extension(client):
    got = client.get("/reconcile", query_string={"queries": json.dumps({"q0": {"query": "CALIS"}})})
    calis = valid("reconciliation-result-batch", got.get_json())["q0"]["result"][0]["id"]
    proposal = client.get("/reconcile/properties", query_string={"type": LAMC + "Library"})
    props = [
        p["id"]
        for p in valid("data-extension-property-proposal", proposal.get_json())["properties"]
    ]
    extend = {"ids": [INST + "pku", calis], "properties": [{"id": p} for p in props]}
    response = client.post("/reconcile", data={"extend": json.dumps(extend)})
    data = valid("data-extension-response", response.get_json())
    pku = data["rows"][INST + "pku"]
    assert pku["isil"] == [{"str": "CN-100871"}] and pku["wikidata"] == [{"str": "Q7158"}]
    assert pku["label-zh"] == [{"str": "北京大学图书馆"}] and pku["label-fa"] == []
    assert pku["country"] == [{"str": "CN"}] and pku["city"] == [{"str": "Beijing"}]
    assert pku["member-of"] == [{"id": calis, "name": "CALIS"}]
    assert {"id": LAMC + "Library", "name": "Library"} in pku["type"]


def test_suggest_and_preview(client):
    entities = client.get("/reconcile/suggest/entity", query_string={"prefix": "pek"})
    found = valid("suggest-entities-response", entities.get_json())["result"]
    assert [e["id"] for e in found] == [INST + "pku"]
    types = valid(
        "suggest-types-response", client.get("/reconcile/suggest/type?prefix=mus").get_json()
    )
    assert [t["name"] for t in types["result"]] == ["Museum"]
    props = client.get("/reconcile/suggest/property?prefix=isi").get_json()
    assert valid("suggest-properties-response", props)["result"][0]["id"] == "isil"
    card = client.get("/reconcile/preview", query_string={"id": INST + "nlai", "lang": "fa"})
    html = card.get_data(as_text=True)
    assert card.status_code == 200 and "IR-NLAI" in html
    assert "سازمان اسناد" in html


@pytest.mark.parametrize(
    ("lang", "page", "words"),
    [
        ("fa", '<html lang="fa" dir="rtl">', ["<dt>نوع</dt>", ">نهاد</bdi>", "، "]),
        ("zh-Hans", '<html lang="zh-Hans" dir="ltr">', ["<dt>类型</dt>", ">机构</bdi>", "、"]),
        ("en", '<html lang="en" dir="ltr">', ["<dt>Type</dt>", ">institution</bdi>", ", "]),
    ],
)
def test_the_preview_card_is_in_the_readers_language(client, lang, page, words):
    """The card OpenRefine shows a person: its words and the types' names (the ontology's
    labels) in the reader's language, laid out right to left in Persian. (The words and
    types were English in every language, and the Persian card had no direction.)"""
    card = client.get("/reconcile/preview", query_string={"id": INST + "pku", "lang": lang})
    html = card.get_data(as_text=True)
    assert card.status_code == 200 and html.startswith(f"<!doctype html>{page}")
    for word in words:
        assert word in html, (word, html)
    assert '<bdi dir="ltr">CN-100871</bdi>' in html


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"queries": "{not json"}, "queries: not JSON at line 1 column 2"),
        ({"queries": "[]"}, "expected a JSON object of queries"),
        ({"queries": '{"q0": {"query": "x", "limit": 0}}'}, "queries.q0.limit"),
        ({"queries": '{"q0": {"query": 5}}'}, "queries.q0.query: expected a string"),
        ({"extend": '{"ids": ["x"], "properties": [{"id": "salary"}]}'}, "unknown property"),
    ],
)
def test_bad_requests_are_400_with_the_place(client, data, expected):
    response = client.post("/reconcile", data=data)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert expected in response.get_data(as_text=True)


def test_a_real_server_answers_openrefine_and_cors(store_dir, tmp_path):
    with RunningServer(store_dir, tmp_path, {"workers": 1}) as server:
        url = server.url + "/reconcile"
        manifest = requests.get(url, headers={"Origin": "https://openrefine.example"}, timeout=60)
        assert manifest.headers["Access-Control-Allow-Origin"] == "*"
        valid("manifest", manifest.json())
        batch = {"q0": {"query": "Peking University Library", "type": LAMC + "Institution"}}
        answer = requests.post(url, data={"queries": json.dumps(batch)}, timeout=60)
        assert valid("reconciliation-result-batch", answer.json())["q0"]["result"][0]["match"]


def test_a_client_reaches_every_service_the_manifest_names(store_dir, tmp_path):
    """The manifest named its preview and suggest services under the request's own path
    (``/reconcilereconcile/preview``): OpenRefine's previews and suggestions were 404s."""
    with RunningServer(store_dir, tmp_path, {"workers": 1}) as server:
        manifest = requests.get(server.url + "/reconcile", timeout=60).json()
        preview = manifest["preview"]["url"].replace("{{id}}", INST + "pku")
        assert requests.get(preview, timeout=60).status_code == 200, preview
        services = [*manifest["suggest"].values(), manifest["extend"]["propose_properties"]]
        for named in services:
            url = named["service_url"] + named["service_path"]
            answer = requests.get(url, params={"prefix": "Peking", "type": LAMC + "Institution"})
            assert answer.status_code == 200, (url, answer.text)
            assert answer.json(), url


def test_the_schemas_can_fail():
    """The validators are real: documents that break the 0.2 schemas are refused."""
    assert list(schema_validator("manifest").iter_errors({"versions": ["0.2"]}))
    bad = {"q0": {"result": [{"id": "x", "name": "y", "score": "high", "match": True}]}}
    assert list(schema_validator("reconciliation-result-batch").iter_errors(bad))
    assert list(schema_validator("data-extension-response").iter_errors({"rows": {}}))
