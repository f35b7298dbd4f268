"""The uwsgi packets the front writes to the workers (sparql_endpoint/front_uwsgi.py): the
variables uWSGI's HTTP router gave them, so the application sees the same requests."""

from __future__ import annotations

import pytest

from sparql_endpoint.front_heads import PACKET_LIMIT, refusal
from sparql_endpoint.front_uwsgi import packet, path_info, variables

SERVER = ("host", 8080)


def test_a_request_becomes_the_routers_variables():
    fields = [
        b"Host: example.org",
        b"Content-Type: text/turtle",
        b"Content-Length: 12",
        b"X-Custom-Thing:   spaced value",
        b"Accept: text/turtle",
        b"ACCEPT: application/rdf+xml",
    ]
    found = variables(
        packet(b"PUT /graph-store?graph=urn:x HTTP/1.1", fields, server=SERVER, client=("::1", 7))
    )
    assert found["REQUEST_METHOD"] == "PUT"
    assert found["REQUEST_URI"] == "/graph-store?graph=urn:x"
    assert found["PATH_INFO"] == "/graph-store"
    assert found["QUERY_STRING"] == "graph=urn:x"
    assert found["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert found["SCRIPT_NAME"] == ""
    assert (found["SERVER_NAME"], found["SERVER_PORT"]) == ("host", "8080")
    assert (found["REMOTE_ADDR"], found["REMOTE_PORT"]) == ("::1", "7")
    assert found["CONTENT_TYPE"] == "text/turtle" and found["CONTENT_LENGTH"] == "12"
    assert "HTTP_CONTENT_TYPE" not in found
    assert found["HTTP_HOST"] == "example.org"
    assert found["HTTP_X_CUSTOM_THING"] == "spaced value"
    assert found["HTTP_ACCEPT"] == "text/turtle, application/rdf+xml"


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        (b"/doc/institution/calis.ttl", b"/doc/institution/calis.ttl"),
        (b"/id/a%20b", b"/id/a b"),
        (b"/dumps/../../etc/passwd", b"/etc/passwd"),
        (b"/dumps/%2e%2e/x", b"/dumps/../x"),  # an encoded dot is no segment mark
        (b"//doc///a/./b/", b"/doc/a/b/"),
        (b"/%ff%00", b"/\xff\x00"),
        (b"/bad%zz", b"/bad%zz"),
    ],
)
def test_path_info_is_the_decoded_path_without_dot_segments(raw, decoded):
    assert path_info(raw) == decoded


def test_every_head_the_front_lets_through_fits_a_packet():
    # The front's refusal (414, 431) is reckoned on an upper bound of the packet: what it
    # lets through fits the workers' buffer whatever the fields are.
    line = b"GET /sparql?query=" + b"%41" * 8_000 + b" HTTP/1.1"
    fields = [b"X-F%d: " % n + b"v" * 300 for n in range(40)]
    assert refusal(line, fields) is None
    assert len(packet(line, fields, server=SERVER, client=("127.0.0.1", 1))) <= PACKET_LIMIT + 4
