"""Text function calls a remote store cannot expand (tests/test_remote_text.py has those it
can): a 400 naming the call, no traceback, and the engine's graphs as they were."""

from __future__ import annotations

import pytest
import requests

from tests.hostile.conftest import served_state
from tests.servers import HTTP_DEADLINE

PREFIX = "PREFIX text: <https://w3id.org/lamcoop/text#>\n"
GRAPH = "urn:x-lamcoop-test:remote-text"
HOSTILE = {
    "words from a variable": (
        "SELECT ?s WHERE { ?x ?p ?l BIND(text:score(?x, ?l) AS ?s) }",
        "text:score(?x, ?l)",
    ),
    "words an IRI": (
        "SELECT ?s WHERE { ?x ?p ?l FILTER(text:matches(?l, <urn:x-lamcoop-test:w>)) }",
        "literal",
    ),
    "three arguments": (
        'SELECT ?s WHERE { ?x ?p ?l BIND(text:score(?x, "a", "b") AS ?s) }',
        "text:score",
    ),
    "not SPARQL": ('SELECT ?s WHERE { BIND(text:score(?x, "a") AS ?s) ', "line"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_call_the_remote_store_cannot_expand_is_a_400(remote_http_server, name):
    server = remote_http_server
    server.update(
        f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x-lamcoop-test:x> <urn:x-lamcoop-test:p> "a" }} }}'
    )
    before = served_state(server)
    query, named = HOSTILE[name]
    answer = requests.post(
        server.url + "/sparql",
        data={"query": PREFIX + query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code == 400, answer.text
    assert named in answer.text
    assert "Traceback" not in answer.text
    assert served_state(server) == before
