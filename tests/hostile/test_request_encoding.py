"""Requests whose text is not UTF-8, sent to a real server: a path, a query parameter or a
form field holding a byte such as Latin-1's ``é`` (``%E9``).

werkzeug keeps such a parameter's bytes percent-encoded as text and puts U+FFFD in a path:
``SELECT ("caf%E9" AS ?x) {}`` answered 200 with the literal ``caf%E9``, a search for
``%FF`` searched for the three characters, and an update sent in a Latin-1 form was
answered "the form has neither query= nor update=". Each is now a 400 naming the place and
the byte (:mod:`sparql_endpoint.request_encoding`), in the reader's language on a page, and
the store is as it was. A Graph Store body declared in another charset (Latin-1 Turtle,
RDF/XML with its ISO-8859-1 prolog) was parsed as UTF-8 and refused as a syntax error; it is
a 415 naming the charset, as a SPARQL body already was."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import HTTP_TOKEN
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE

JSON = {"Accept": "application/sparql-results+json"}

NOT_UTF8 = [
    ("/sparql?query=SELECT+%28%22caf%E9%22+AS+%3Fx%29+%7B%7D", "query=", "0xE9 at byte 13 "),
    ("/search?q=%FF&format=json", "q=", "0xFF at byte 1 "),
    ("/search?q%E9=1", "q\\xe9", "0xE9 at byte 2 "),
    (
        "/reconcile?queries=%7B%22q0%22%3A%7B%22query%22%3A%22%E9%22%7D%7D",
        "queries=",
        "0xE9 at byte 17 ",
    ),
    ("/?lang=fa%FF", "lang=", "0xFF at byte 3 "),
]


@pytest.mark.parametrize(("target", "field", "where"), NOT_UTF8)
def test_a_query_string_that_is_not_utf8_is_a_400_naming_the_parameter(
    http_server, target, field, where
):
    response = requests.get(http_server.url + target, timeout=HTTP_DEADLINE, headers=JSON)
    assert response.status_code == 400, response.text
    assert "the query string is not UTF-8" in response.text
    assert f"{where}of {field}" in response.text


@pytest.mark.parametrize("path", ["/doc/institution/caf%E9.ttl", "/id/caf%E9", "/dumps/%FF"])
def test_a_path_that_is_not_utf8_is_a_400_naming_the_byte(http_server, path):
    response = requests.get(http_server.url + path, timeout=HTTP_DEADLINE, allow_redirects=False)
    assert response.status_code == 400, response.text
    assert "the path is not UTF-8: byte 0x" in response.text


def test_an_update_in_a_latin1_form_changes_nothing(http_server):
    before = served_state(http_server)
    body = b"update=INSERT+DATA+%7B+GRAPH+%3Chttp%3A%2F%2Fx%2Fg%3E+%7B+%3Chttp%3A%2F%2Fx%2Fa%3E"
    body += b"+%3Chttp%3A%2F%2Fx%2Fp%3E+%22caf\xe9%22+%7D+%7D"
    response = requests.post(
        http_server.url + "/sparql",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"Bearer {HTTP_TOKEN}",
        },
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400, response.text
    assert "the form body is not UTF-8: byte 0xE9" in response.text
    assert "of update=" in response.text
    assert served_state(http_server) == before


def test_the_same_text_in_utf8_is_answered(http_server):
    target = "/sparql?query=SELECT+%28%22caf%C3%A9%22+AS+%3Fx%29+%7B%7D"
    response = requests.get(http_server.url + target, timeout=HTTP_DEADLINE, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"] == [{"x": {"type": "literal", "value": "café"}}]


@pytest.mark.parametrize(
    ("lang", "words"), [("fa", "رشتهٔ پرس‌وجوی نشانی UTF-8 نیست"), ("zh", "查询字符串不是 UTF-8")]
)
def test_a_reader_is_told_in_their_language(http_server, lang, words):
    response = requests.get(
        http_server.url + "/search?q=caf%E9",
        headers={"Accept": "text/html", "Accept-Language": lang},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/html")
    assert words in response.text


@pytest.mark.parametrize(
    ("media_type", "body"),
    [
        ("text/turtle; charset=iso-8859-1", b'<http://x/a> <http://x/p> "caf\xe9" .'),
        ("application/n-triples; charset=windows-1252", b'<http://x/a> <http://x/p> "caf\xe9" .'),
        (
            "application/rdf+xml; charset=ISO-8859-1",
            b'<?xml version="1.0" encoding="ISO-8859-1"?><rdf:RDF xmlns:rdf="http://www.w3.org/'
            b'1999/02/22-rdf-syntax-ns#" xmlns:p="http://x/"><rdf:Description rdf:about="http:'
            b'//x/a"><p:p>caf\xe9</p:p></rdf:Description></rdf:RDF>',
        ),
    ],
)
def test_a_graph_sent_in_another_charset_is_a_415_naming_it(http_server, media_type, body):
    """A Graph Store body declared in a charset other than UTF-8 was parsed as UTF-8 and
    refused as a syntax error; every body of the service is UTF-8, as a SPARQL body is."""
    before = served_state(http_server)
    response = requests.put(
        http_server.url + "/graph-store?graph=http://x/latin1",
        data=body,
        headers={"Content-Type": media_type, "Authorization": f"Bearer {HTTP_TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 415, response.text
    charset = media_type.split("charset=")[1]
    assert f"send the body as UTF-8, not {charset}" in response.text
    assert served_state(http_server) == before


def test_a_multipart_graph_part_in_another_charset_is_a_415_naming_the_part(http_server):
    before = served_state(http_server)
    part = ("old.ttl", b'<http://x/a> <http://x/p> "caf\xe9" .', "text/turtle; charset=latin1")
    response = requests.post(
        http_server.url + "/graph-store?graph=http://x/latin1",
        files={"file": part},
        headers={"Authorization": f"Bearer {HTTP_TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 415, response.text
    assert "send part 'old.ttl' as UTF-8, not latin1" in response.text
    assert served_state(http_server) == before


def test_a_form_declared_in_another_charset_is_a_415(http_server):
    response = requests.post(
        http_server.url + "/sparql",
        data=b"query=SELECT+%28%22caf%E9%22+AS+%3Fx%29+%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=ISO-8859-1"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 415, response.text
    assert "send the body as UTF-8, not ISO-8859-1" in response.text
