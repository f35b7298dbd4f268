"""What a remote engine refuses, answered as the embedded store answers it, over Oxigraph
server and Virtuoso.

Found while testing tests/hostile/test_update_refused.py over the remote stores:

- Oxigraph server answers an update naming a graph that does not exist (DROP, CLEAR, MOVE)
  or one that does (CREATE) with a 500 and pyoxigraph's words, which lamcoop took for the
  engine's failure: a 502 "the store failed". It is a 400 naming the graph now
  (``engine_errors.failure``).
- A syntax error named the line after the one at fault: the engine reads the text after the
  BASE line lamcoop puts first ("error at 3:16" for line 2). A query's error is now given
  in pyoxigraph's words about the client's text (``executor.results.syntax_refusal``), an
  update's place counted without that line (``engine_errors.lines_before``).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE, RunningServer

ENGINES = ["remote_http_server", "virtuoso_http_server"]
GRAPH = "urn:x-lamcoop-test:remote-refusals"


@pytest.fixture(params=ENGINES)
def server(request) -> RunningServer:
    return request.getfixturevalue(request.param)


def test_an_update_the_engine_refuses_is_a_400(server, request):
    """A DROP of a graph that does not exist: a 400 naming it. Oxigraph server undoes the
    whole update; Virtuoso keeps the operations before the refused one (docs/remote-store.md,
    "Atomicity on Virtuoso"; tests/hostile/test_virtuoso_refusals.py)."""
    oxigraph = "virtuoso" not in request.node.callspec.params["server"]
    server.update(f"DROP SILENT GRAPH <{GRAPH}>")
    before = served_state(server) if oxigraph else None
    absent = "urn:x-lamcoop-test:no-such-graph"
    answer = server.send_update(
        f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:a> <urn:x:b> 1 }} }} ; DROP GRAPH <{absent}>"
    )
    assert answer.status_code == 400, answer.text
    assert f"<{absent}>" in answer.text
    if oxigraph:
        assert served_state(server) == before


def test_a_query_syntax_error_names_the_place_in_the_text_as_sent(server):
    text = "SELECT ?s\nWHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as embedded:
        ox.Store().query(text)
    for accept in ("application/sparql-results+json", "text/csv"):
        answer = requests.post(
            server.url + "/sparql",
            data={"query": text},
            headers={"Accept": accept},
            timeout=HTTP_DEADLINE,
        )
        assert answer.status_code == 400, answer.text
        assert str(embedded.value) in answer.text and "at 2:" in answer.text


def test_an_update_syntax_error_names_the_line_in_the_text_as_sent(server):
    """Oxigraph server's "error at 2:…", Virtuoso's "line 2"."""
    answer = server.send_update("INSERT DATA {\n  <urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> }")
    assert answer.status_code == 400, answer.text
    assert "error at 2:" in answer.text or "line 2" in answer.text, answer.text
