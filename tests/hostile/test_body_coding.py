"""Request bodies with a content coding (``Content-Encoding``), sent to a real server.

A gzip body was parsed as text (a 400 "syntax error at line 1, column 1"), and a body in a
coding nobody decodes (``br``) was taken as it was, the header ignored: a client could not
upload a graph compressed, and a mislabelled body was loaded as something else. gzip and
deflate are decoded now, within ``max_body_bytes`` on what they unpack to (a small body
that unpacks to a gigabyte is a 413, and nothing is written), and another coding is a 415
naming it (:mod:`sparql_endpoint.body_coding`)."""

from __future__ import annotations

import gzip
import zlib

import pytest
import requests

from tests.conftest import HTTP_TOKEN
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE

GRAPH = "urn:x-lamcoop-test:coded"
DATA = b"<urn:x-a> <urn:x-b> <urn:x-c> .\n<urn:x-a> <urn:x-b> <urn:x-d> .\n"


def _put(server, body: bytes, coding: str) -> requests.Response:
    return requests.put(
        server.url + "/graph-store",
        params={"graph": GRAPH},
        data=body,
        headers={
            "Content-Type": "application/n-triples",
            "Content-Encoding": coding,
            "Authorization": f"Bearer {HTTP_TOKEN}",
        },
        timeout=HTTP_DEADLINE,
    )


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(DATA, mtime=0)),
        ("x-gzip", gzip.compress(DATA, mtime=0)),
        ("deflate", zlib.compress(DATA)),
    ],
    ids=["gzip", "x-gzip", "deflate"],  # the same names in every worker of a parallel run
)
def test_a_compressed_graph_is_decoded(http_server, coding, body):
    answer = _put(http_server, body, coding)
    assert answer.status_code in (201, 204), answer.text
    assert served_state(http_server)[GRAPH] == 2
    http_server.update(f"DROP SILENT GRAPH <{GRAPH}>")


def test_a_compressed_query_is_decoded(http_server):
    answer = requests.post(
        http_server.url + "/sparql",
        data=gzip.compress(b'SELECT ("\xc3\xa9" AS ?x) {}'),
        headers={
            "Content-Type": "application/sparql-query",
            "Content-Encoding": "gzip",
            "Accept": "application/sparql-results+json",
        },
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"]["bindings"][0]["x"]["value"] == "é"


@pytest.mark.parametrize(
    ("coding", "body", "status", "says"),
    [
        ("br", DATA, 415, "Content-Encoding 'br' is not decoded here"),
        ("gzip", DATA, 400, "the body is not gzip data"),
        (
            "gzip",
            gzip.compress(DATA, mtime=0)[:20],
            400,
            "the gzip body ends before its compressed data",
        ),
        ("gzip", gzip.compress(b"\n" * (16 << 20), mtime=0), 413, "unpacks to more than"),
    ],
    ids=["br", "not-gzip", "cut-short", "bomb"],
)
def test_a_body_that_cannot_be_decoded_changes_nothing(http_server, coding, body, status, says):
    before = served_state(http_server)
    answer = _put(http_server, body, coding)
    assert answer.status_code == status, answer.text
    assert says in answer.text
    assert served_state(http_server) == before


def test_a_get_that_names_a_coding_but_has_no_body_is_answered(http_server):
    answer = requests.get(
        http_server.url + "/sparql",
        params={"query": "ASK {}"},
        headers={"Content-Encoding": "gzip", "Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["boolean"] is True
