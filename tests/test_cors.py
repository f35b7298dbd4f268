"""CORS as a browser script meets it: reads and token-bearing writes from another origin,
the response headers it may read, a preflight it may keep, and origins not allowed."""

from __future__ import annotations

import pytest

from tests.app_support import DATA_GRAPH, small_app

ORIGIN = "https://reader.example"
TOKEN = "cors-test-token"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with small_app(tmp_path_factory.mktemp("cors"), update_token=TOKEN) as running:
        yield running


def preflight(client, path: str, method: str, headers: str):
    return client.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_a_write_with_a_token_may_come_from_another_origin(client, method):
    answer = preflight(client, "/graph-store", method, "authorization, content-type")
    assert answer.status_code == 200
    assert method in answer.headers["Access-Control-Allow-Methods"]
    allowed = answer.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert int(answer.headers["Access-Control-Max-Age"]) >= 600


def test_a_cross_origin_put_without_the_token_is_still_refused(client):
    reply = client.put(
        "/graph-store",
        query_string={"graph": DATA_GRAPH},
        data="<http://e/a> <http://e/p> <http://e/b> .",
        headers={"Origin": ORIGIN, "Content-Type": "text/turtle"},
    )
    assert reply.status_code == 401
    assert reply.headers["Access-Control-Allow-Origin"] == "*"  # the script may read why


def test_scripts_may_read_the_headers_linked_data_clients_use(client):
    reply = client.get("/doc/thing/a.ttl", headers={"Origin": ORIGIN})
    exposed = {h.strip().lower() for h in reply.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"link", "etag", "location", "content-location", "last-modified"} <= exposed
    assert reply.headers["Link"] and reply.headers["ETag"]


def test_origins_not_listed_get_no_cors_headers(tmp_path):
    with small_app(tmp_path, cors_origins="https://only.example") as client:
        other = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in other.headers
        listed = client.get(
            "/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://only.example"}
        )
        assert listed.headers["Access-Control-Allow-Origin"] == "https://only.example"
        assert "Origin" in listed.headers["Vary"]
