"""Deeply nested and long-chained queries and updates (issue #13, item 2): 3,000 nested
groups used to crash a worker (SIGSEGV), and a flood of them kept ``/-/health`` down.

Every construct of :mod:`tests.hostile.deep_queries`, 1,000, 10,000 and 100,000 deep, goes
to a real server: the answer is a 400 naming the limit or a correct answer (204 for the
update that deletes nothing); never a dropped connection, never a 5xx, never a worker
killed by a signal, and the store is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from tests.conftest import example_store, service_client
from tests.hostile.conftest import store_state
from tests.hostile.deep_queries import CONSTRUCTS
from tests.hostile.flood_support import FLOOD_QUERIES, flood
from tests.hostile.request_support import served_state
from tests.servers import HTTP_DEADLINE, RunningServer

TOKEN = "depth-token"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: What uWSGI's master logs when a worker dies of a signal (SIGSEGV, SIGABRT...).
KILLED = "killed by signal"
XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[RunningServer]:
    """A real server (two workers, a 5 s time limit: no construct may need it) over a small
    store."""
    workdir = tmp_path_factory.mktemp("depth-server")
    example_store(workdir / "store", things=50)
    settings = {"workers": 2, "query_timeout": 5, "update_token": TOKEN, "max_rows": 0}
    with RunningServer(workdir / "store", workdir, settings) as running:
        yield running


def _send(server: RunningServer, text: str) -> requests.Response:
    update = text.startswith(("INSERT", "DELETE"))
    headers = {"Content-Type": UPDATE_TYPE if update else QUERY_TYPE}
    if update:
        headers["Authorization"] = f"Bearer {TOKEN}"
    return requests.post(
        server.url + "/sparql", data=text.encode(), headers=headers, timeout=HTTP_DEADLINE
    )


@pytest.mark.parametrize("depth", [1000, 10_000, 100_000])
@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
def test_a_deep_query_is_refused_or_answered_never_a_crash(server, construct, depth):
    before = served_state(server)
    response = _send(server, CONSTRUCTS[construct](depth))
    if response.status_code == 400:
        assert "limit) at character" in response.text
    elif construct.startswith("update"):  # a sequence of deletes of nothing
        assert response.status_code == 204, response.text
        # Every write rewrites the VoID description; nothing else may have changed.
        before = {g: n for g, n in before.items() if not g.endswith("/graph/void")}
        assert served_state(server, without_void=True) == before
    else:
        assert response.status_code == 200, response.text
        _assert_correct(construct, depth, response.json())
    assert KILLED not in server.output()
    if response.status_code != 204:
        assert served_state(server) == before


def _assert_correct(construct: str, depth: int, result: dict) -> None:
    """The answers that can be told from the construct alone are right."""
    rows = result["results"]["bindings"]
    if construct == "plus":  # 1 + 1 + ... : depth + 1
        assert rows == [{"x": {"type": "literal", "value": str(depth + 1), "datatype": XSD_INT}}]
    elif construct == "values":  # one row per value
        assert len(rows) == depth
    elif construct == "or":  # false || false || ... keeps nothing
        assert rows == []


@pytest.mark.parametrize("construct", ["braces", "parens", "str", "exists"])
def test_the_worst_constructs_past_the_limit_are_refused(server, construct):
    # The constructs that cost the engine most stack per level (crashing at 854 to 4,687
    # levels on an 8 MiB stack), just past the nesting limit: 400 naming it.
    response = _send(server, CONSTRUCTS[construct](129))
    assert response.status_code == 400
    assert "(the nesting limit)" in response.text


def test_a_deep_query_by_get_is_refused(server):
    before = served_state(server)
    text = CONSTRUCTS["braces"](3000)
    response = requests.get(f"{server.url}/sparql?query={quote(text)}", timeout=HTTP_DEADLINE)
    assert response.status_code == 400
    assert "the nesting limit" in response.text
    assert served_state(server) == before


def test_a_deep_update_in_a_form_is_refused_before_it_runs(server):
    before = served_state(server)
    response = requests.post(
        server.url + "/sparql",
        data={"update": CONSTRUCTS["update_bnodes"](5000)},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert response.status_code == 400
    assert "the nesting limit" in response.text
    assert served_state(server) == before


def test_a_flood_of_deep_queries_leaves_health_answering(server):
    before = served_state(server)
    seen = flood(server, seconds=4, clients=4, poll_timeout=30)
    assert seen.statuses and set(seen.statuses) == {"400"}, seen.statuses
    assert len(seen.health) >= 5
    assert all(status == 200 for _, status in seen.health), seen.health
    assert KILLED not in server.output()
    assert served_state(server) == before


def test_in_thread_mode_refuses_the_same(example_built, tmp_path):
    from graph_loader.store import open_store

    store = open_store(example_built.copy(tmp_path / "store"))
    try:
        before = store_state(store)
        with service_client(store, update_token=TOKEN) as client:
            for text in FLOOD_QUERIES:
                response = client.post("/sparql", data=text, content_type=QUERY_TYPE)
                assert response.status_code == 400
                assert "limit) at character" in response.get_data(as_text=True)
            update = CONSTRUCTS["update_collection"](10_000)
            response = client.post(
                "/sparql",
                data=update,
                content_type=UPDATE_TYPE,
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            assert response.status_code == 400
        assert store_state(store) == before
    finally:
        store.close()


def test_the_workers_run_on_the_large_stack(server):
    # The second defence: every process of the server has the raised stack limit, which
    # `lamcoop serve` set before it started itself again (so the kernel laid it out).
    import resource

    from sparql_endpoint.allocator import SERVED_STACK_BYTES

    hard = resource.getrlimit(resource.RLIMIT_STACK)[1]
    wanted = SERVED_STACK_BYTES if hard == resource.RLIM_INFINITY else min(SERVED_STACK_BYTES, hard)
    for pid in server.processes():
        limits = Path(f"/proc/{pid}/limits").read_text()
        line = next(row for row in limits.splitlines() if row.startswith("Max stack size"))
        assert int(line.split()[3]) == wanted, (pid, line)


@pytest.mark.parametrize("unit", ["a", "a.", "ab-", "é"])
def test_a_long_run_of_name_characters_is_read_in_one_pass(server, unit):
    """Found by fuzzing: 200,000 letters sent as a query (or an update) kept a worker busy
    for minutes, until uWSGI killed it, and the client got no answer. The nesting check's
    pattern for a prefixed name tried every position of the run, each time reading the rest
    of it. It now starts a prefixed name only where a name begins: one pass, a 400 at once
    (the text is no SPARQL)."""
    text = (unit * (200_000 // len(unit) + 1))[:200_000]
    for update in (False, True):
        headers = {"Content-Type": UPDATE_TYPE if update else QUERY_TYPE}
        if update:
            headers["Authorization"] = f"Bearer {TOKEN}"
        response = requests.post(
            server.url + "/sparql", data=text.encode(), headers=headers, timeout=HTTP_DEADLINE
        )
        assert response.status_code == 400, response.text[:300]
        assert "syntax error" in response.text or "limit) at character" in response.text
    assert KILLED not in server.output() and "HARAKIRI" not in server.output()
