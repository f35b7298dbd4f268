"""Talking to a real server in the hostile-request tests: its store's state over HTTP, and
requests sent as they are on the wire."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import requests

from tests.servers import HTTP_DEADLINE, RunningServer

#: N-Triples' media type.
NT = "application/n-triples"

STATE_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def served_state(server: RunningServer, *, without_void: bool = False) -> dict[str, int]:
    """Graph -> quad count of a real server, read over HTTP (``without_void``: the VoID
    graph, which every write rewrites, left out)."""
    response = requests.post(
        server.url + "/sparql",
        data={"query": STATE_QUERY},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 200, response.text
    rows = response.json()["results"]["bindings"]
    state = {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    if without_void:
        return {g: n for g, n in state.items() if not g.endswith("/graph/void")}
    return state


def pieces(data: bytes, size: int) -> Iterator[bytes]:
    """``data`` in pieces of ``size`` bytes: ``requests`` sends a generator in chunks."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def raw_request(server: RunningServer, head: str, body: bytes) -> tuple[int, str]:
    """Send ``head`` (request line and headers, without the blank line) and ``body`` as they
    are on one connection; the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=HTTP_DEADLINE) as sock:
        sock.sendall(head.encode() + b"\r\nHost: x\r\n\r\n" + body)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"\n"):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    status_line, _, rest = answer.decode("latin-1").partition("\r\n")
    return int(status_line.split()[1]), rest.partition("\r\n\r\n")[2]


def chunked_put(server: RunningServer, graph: str) -> str:
    """The head of a chunked PUT of N-Triples to ``graph`` (without Host and the blank line)."""
    return (
        f"PUT /graph-store?graph={graph} HTTP/1.1\r\nContent-Type: {NT}\r\n"
        f"Authorization: Bearer {server.token}\r\nTransfer-Encoding: chunked"
    )
