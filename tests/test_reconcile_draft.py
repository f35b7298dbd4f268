"""``/reconcile/1.0-draft``: the Reconciliation Service API 1.0 draft over a real store, every
response validated against the draft's JSON schemas, names tagged with ``lang`` and ``dir``."""

from __future__ import annotations

import pytest

from tests.reconcile_support import INST, LAMC, make_store, reconcile_client, valid

DRAFT = "1.0-draft"
URL = "/reconcile/1.0-draft"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with reconcile_client(make_store(tmp_path_factory.mktemp("reconcile-draft") / "store")) as made:
        yield made


def name(text: str) -> dict:
    return {"conditions": [{"matchType": "name", "propertyValue": text}]}


def test_manifest_validates(client):
    manifest = valid("manifest", client.get(URL).get_json(), DRAFT)
    assert manifest["versions"] == [DRAFT] and manifest["dir"] == "ltr"


def test_match_tags_names_with_language_and_direction(client):
    batch = {
        "queries": [
            name("سازمان اسناد و كتابخانه ملي ايران"),
            name("北京大学图书馆"),
            {
                "conditions": [
                    {"matchType": "property", "propertyId": "isil", "propertyValue": "XX-1"}
                ]
            },
            {**name("Central Library"), "type": LAMC + "Library"},
        ]
    }
    valid("reconciliation-query-batch", batch, DRAFT)
    response = client.post(URL + "/match", json=batch, headers={"Accept-Language": "fa"})
    results = valid("reconciliation-result-batch", response.get_json(), DRAFT)["results"]
    nlai = results[0]["candidates"][0]
    assert (nlai["id"], nlai["match"], nlai["lang"], nlai["dir"]) == (
        INST + "nlai",
        True,
        "fa",
        "rtl",
    )
    pku = client.post(
        URL + "/match", json={"queries": [name("北京大学图书馆")]}, query_string={"lang": "zh-Hans"}
    )
    top = pku.get_json()["results"][0]["candidates"][0]
    assert (top["id"], top["lang"], top["dir"]) == (INST + "pku", "zh-Hans", "ltr")
    assert [c["id"] for c in results[2]["candidates"]] == [INST + "central-a"]
    assert not any(c["match"] for c in results[3]["candidates"])


def test_suggest_extend_and_preview(client):
    found = client.get(URL + "/suggest/entity", query_string={"prefix": "سازمان", "lang": "fa"})
    found = found.get_json()
    assert valid("suggest-entities-response", found, DRAFT)["result"][0]["dir"] == "rtl"
    valid("suggest-types-response", client.get(URL + "/suggest/type?prefix=li").get_json(), DRAFT)
    valid(
        "suggest-properties-response",
        client.get(URL + "/suggest/property?prefix=la").get_json(),
        DRAFT,
    )
    proposal = client.get(URL + "/extend/propose", query_string={"type": LAMC + "Library"})
    props = [
        p["id"]
        for p in valid("data-extension-property-proposal", proposal.get_json(), DRAFT)["properties"]
    ]
    query = {"ids": [INST + "nlai", INST + "pku"], "properties": [{"id": p} for p in props]}
    valid("data-extension-query", query, DRAFT)
    data = valid(
        "data-extension-response", client.post(URL + "/extend", json=query).get_json(), DRAFT
    )
    nlai = {p["id"]: p["values"] for p in data["rows"][0]["properties"]}
    assert nlai["label-fa"] == [
        {"str": "سازمان اسناد و کتابخانهٔ ملی ایران", "lang": "fa", "dir": "rtl"}
    ]
    assert nlai["isil"] == [{"str": "IR-NLAI"}]
    card = client.get(URL + "/preview", query_string={"id": INST + "pku", "lang": "zh-Hans"})
    assert card.status_code == 200 and "北京大学图书馆" in card.get_data(as_text=True)


def test_bad_batches_are_400_with_the_place(client):
    bad = {"queries": [name("x"), {"conditions": [{"matchType": "fuzzy", "propertyValue": "x"}]}]}
    response = client.post(URL + "/match", json=bad)
    assert response.status_code == 400
    assert "queries[1].conditions[0].matchType" in response.get_data(as_text=True)
    assert client.post(URL + "/match", data="{nope").status_code == 400
