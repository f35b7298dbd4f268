"""Hostile RDF input within bounds: byte order marks, huge tokens, bad UTF-8, remote contexts.

A UTF-8 byte order mark in front of Turtle, N-Triples, N-Quads or TriG used to be refused
with an invisible character in the message; now it is skipped in every syntax. A token over
pyoxigraph's 16 MiB buffer used to end in a ``MemoryError`` traceback; a remote JSON-LD
``@context`` and bad UTF-8 were refused without a place. Now each names file, line and
column (over HTTP, the line and column in the request body), and the store is unchanged.
"""

from __future__ import annotations

import gzip
import socket
from pathlib import Path

import pytest
import requests

from graph_loader.bounded import BOM, TOKEN_LIMIT
from graph_loader.store import open_store
from tests.conftest import service_client
from tests.hostile.conftest import CLI_GRAPH, store_state, store_state_at
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE

T = "urn:x-lamcoop-test:"
TOKEN = "hostile-token"
TRIPLE = f'<{T}s> <{T}p> "bom" .\n'
XML = (
    '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    f'xmlns:t="{T}"><rdf:Description rdf:about="{T}s"><t:p>bom</t:p></rdf:Description>'
    "</rdf:RDF>\n"
)
#: One triple in each syntax, by file extension, and its media type (triples syntaxes only:
#: the Graph Store takes graphs).
WITH_BOM = {
    "ttl": (f"@prefix t: <{T}> .\nt:s t:p 'bom' .\n", "text/turtle"),
    "nt": (TRIPLE, "application/n-triples"),
    "nq": (TRIPLE, None),
    "trig": (f"{{ {TRIPLE} }}\n", None),
    "rdf": (XML, "application/rdf+xml"),
    "jsonld": (f'{{"@id": "{T}s", "{T}p": "bom"}}\n', "application/ld+json"),
}
#: Good lines before the hostile one, so that the line number means something.
PREFIX = f"<{T}a> <{T}b> <{T}c> .\n"
#: Over pyoxigraph's buffer, built in the file (never in a literal of this module).
HUGE = TOKEN_LIMIT + (1 << 20)


def refused(result, path: Path, place: str) -> None:
    assert result.exit_code == 1, result.output
    assert f"{path}:{place}:" in result.output, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("extension", sorted(WITH_BOM))
@pytest.mark.parametrize("packed", [False, True], ids=["plain", "gzip"])
def test_a_byte_order_mark_is_skipped_in_every_syntax(cli_store, tmp_path, extension, packed):
    invoke, store = cli_store
    before = store_state_at(store)
    data = BOM + WITH_BOM[extension][0].encode()
    path = tmp_path / f"marked.{extension}{'.gz' if packed else ''}"
    path.write_bytes(gzip.compress(data) if packed else data)
    graph = f"{T}marked"
    result = invoke("load", "--graph", graph, str(path))
    assert result.exit_code == 0, result.output
    assert store_state_at(store) == {**before, graph: 1, **_provenance(store, before)}
    opened = open_store(store)
    try:
        assert [q.object.value for q in opened.quads(graph)] == ["bom"]
    finally:
        opened.close()


def _provenance(store: Path, before: dict[str, int]) -> dict[str, int]:
    """The graphs a good load adds to or changes besides its own (its provenance)."""
    after = store_state_at(store)
    return {g: n for g, n in after.items() if g != f"{T}marked" and before.get(g) != n}


@pytest.mark.parametrize("extension", [e for e, (_, m) in WITH_BOM.items() if m])
def test_the_graph_store_skips_a_byte_order_mark(http_server, extension):
    text, media_type = WITH_BOM[extension]
    graph = f"{T}marked-{extension}"
    response = requests.put(
        f"{http_server.url}/graph-store",
        params={"graph": graph},
        data=BOM + text.encode(),
        headers={"Content-Type": media_type, "Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    try:
        assert response.status_code == 201, response.text
        assert served_state(http_server)[graph] == 1
    finally:
        http_server.update(f"DROP SILENT GRAPH <{graph}>")


def huge_tokens() -> dict[str, tuple[bytes, int]]:
    """Documents whose second line holds a token over the limit, with its column."""
    start = f"<{T}s> <{T}p> "
    column = len(start) + 1
    return {
        "iri": ((start + f"<{T}").encode() + b"x" * HUGE + b"> .\n", column),
        "literal": (start.encode() + b'"' + b"x" * HUGE + b'" .\n', column),
        "long-literal": (start.encode() + b'"""' + b"x y\n" * (HUGE // 4) + b'""" .\n', column),
    }


@pytest.mark.parametrize("kind", ["iri", "literal", "long-literal"])
def test_a_token_over_the_limit_is_refused_with_its_place(cli_store, tmp_path, kind):
    invoke, store = cli_store
    before = store_state_at(store)
    hostile, column = huge_tokens()[kind]
    path = tmp_path / "huge.nt" if kind != "long-literal" else tmp_path / "huge.ttl"
    path.write_bytes(PREFIX.encode() + hostile)
    result = invoke("load", "--graph", CLI_GRAPH, str(path))
    refused(result, path, f"2:{column}")
    assert "over the limit" in result.output
    assert store_state_at(store) == before


def test_the_graph_store_refuses_a_token_over_the_limit_with_its_place(example_built, tmp_path):
    """In-process (the default body limit, 10 MiB, is below the token limit; an operator
    may raise it): the place in the body, no 500."""
    store = open_store(example_built.copy(tmp_path / "store"))
    try:
        before = store_state(store)
        hostile, column = huge_tokens()["literal"]
        settings = {"update_token": TOKEN, "max_body_bytes": 2 * HUGE}
        with service_client(store, **settings) as client:
            response = client.put(
                "/graph-store",
                query_string={"graph": f"{T}huge"},
                data=PREFIX.encode() + hostile,
                headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
            )
        assert response.status_code == 400, response.text
        assert f"line 2, column {column} of the request body" in response.text, response.text
        assert store_state(store) == before
    finally:
        store.close()


BAD_UTF8 = PREFIX.encode() + PREFIX.encode() + f'<{T}s> <{T}p> "ab'.encode() + b'\xff\xfe" .\n'
BAD_UTF8_COLUMN = len(f'<{T}s> <{T}p> "ab') + 1


@pytest.mark.parametrize("extension", ["nt", "ttl"])
def test_invalid_utf8_in_the_middle_is_refused_with_its_place(cli_store, tmp_path, extension):
    invoke, store = cli_store
    before = store_state_at(store)
    path = tmp_path / f"broken.{extension}"
    path.write_bytes(BAD_UTF8)
    result = invoke("load", "--graph", CLI_GRAPH, str(path))
    refused(result, path, f"3:{BAD_UTF8_COLUMN}")
    assert "UTF-8" in result.output
    assert store_state_at(store) == before


def test_the_graph_store_names_the_place_of_invalid_utf8(http_server):
    before = served_state(http_server)
    response = requests.put(
        f"{http_server.url}/graph-store",
        params={"graph": f"{T}broken"},
        data=BAD_UTF8,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {http_server.token}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400, response.text
    assert f"line 3, column {BAD_UTF8_COLUMN} of the request body" in response.text
    assert served_state(http_server) == before


def test_a_remote_jsonld_context_is_refused_with_its_place_and_never_fetched(cli_store, tmp_path):
    invoke, store = cli_store
    before = store_state_at(store)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        port = listener.getsockname()[1]
        path = tmp_path / "remote.jsonld"
        path.write_text(
            f'{{\n  "@context": "http://127.0.0.1:{port}/context.jsonld",\n'
            f'  "@id": "{T}s", "p": "o"\n}}\n',
            encoding="utf-8",
        )
        result = invoke("load", "--graph", CLI_GRAPH, str(path))
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    refused(result, path, "2:15")
    assert "remote JSON-LD @context" in result.output
    assert store_state_at(store) == before


def test_the_graph_store_refuses_a_remote_jsonld_context_with_its_place(http_server):
    before = served_state(http_server)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        port = listener.getsockname()[1]
        body = f'{{\n  "@context": "http://127.0.0.1:{port}/c.jsonld",\n  "@id": "{T}s"}}\n'
        response = requests.put(
            f"{http_server.url}/graph-store",
            params={"graph": f"{T}remote"},
            data=body.encode(),
            headers={
                "Content-Type": "application/ld+json",
                "Authorization": f"Bearer {http_server.token}",
            },
            timeout=HTTP_DEADLINE,
        )
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    assert response.status_code == 400, response.text
    assert "line 2, column 15 of the request body" in response.text, response.text
    assert "remote JSON-LD @context" in response.text
    assert served_state(http_server) == before
