"""Updates the engine runs and refuses: a 400 naming the graph, the store as it was.

Found by a fuzzing run of writes: ``DROP GRAPH``, ``CLEAR GRAPH`` or ``MOVE`` of a graph that
does not exist, and ``CREATE GRAPH`` of one that does (none ``SILENT``), were answered 500
"the server failed" on the embedded store: pyoxigraph refuses them with a ``RuntimeError``,
which no answer was made for. Over Oxigraph server they were 502 "the store failed" (it
answers them with a 500 and pyoxigraph's words; ``engine_errors.failure`` now knows them;
tested in tests/test_remote_serve.py). They are the request's errors, and the whole update
is undone.
"""

from __future__ import annotations

import pytest
import requests

from tests.servers import HTTP_DEADLINE, RunningServer

GRAPH = "urn:x-lamcoop-test:refused-update"
ABSENT = "urn:x-lamcoop-test:no-such-graph"
KEPT = "urn:x-lamcoop-test:kept-graph"


def _holds(server: RunningServer, graph: str) -> bool:
    answer = requests.get(
        server.url + "/sparql",
        params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    return bool(answer.json()["boolean"])


@pytest.mark.parametrize(
    ("update", "named"),
    [
        (f"DROP GRAPH <{ABSENT}>", ABSENT),
        (f"CLEAR GRAPH <{ABSENT}>", ABSENT),
        (f"MOVE <{ABSENT}> TO <{KEPT}>", ABSENT),
        (f"CREATE GRAPH <{KEPT}>", KEPT),
        (
            f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:x:a> <urn:x:b> 1 }} }} ; "
            f"DROP GRAPH <{ABSENT}>",
            ABSENT,
        ),
    ],
)
def test_an_update_the_engine_refuses_is_a_400_and_changes_nothing(http_server, update, named):
    http_server.update(
        f"DROP SILENT GRAPH <{GRAPH}> ; DROP SILENT GRAPH <{KEPT}> ; "
        f"INSERT DATA {{ GRAPH <{KEPT}> {{ <urn:x:k> <urn:x:b> 1 }} }}"
    )
    answer = http_server.send_update(update)
    assert answer.status_code == 400, answer.text
    assert f"<{named}>" in answer.text and "nothing was changed" in answer.text
    assert not _holds(http_server, GRAPH)  # the insert before the refused part is undone
    assert _holds(http_server, KEPT)
    assert http_server.send_update(f"DROP SILENT GRAPH <{ABSENT}>").status_code == 204
