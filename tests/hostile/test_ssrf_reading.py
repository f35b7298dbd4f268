"""The SERVICE/LOAD reader against Oxigraph itself, and the network sandbox in a process of
its own.

Every text of the SSRF corpus is run by pyoxigraph (in this process, no sandbox) against a
real recording endpoint on 127.0.0.1: whatever Oxigraph calls must be among what
:func:`~sparql_endpoint.sparql_reach.reach` reports, so the allow-list check sees every call.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from sparql_endpoint import network_sandbox
from sparql_endpoint.query_text import inspect, refusals
from sparql_endpoint.sparql_reach import TooIntricate, reach
from tests.hostile.outbound_support import Recorder, Slammer
from tests.hostile.ssrf_corpus import CORPUS, Case


@pytest.fixture(scope="module")
def recorder():
    with Recorder() as running:
        yield running


def _run(text: str, kind: str, base: str) -> None:
    store = ox.Store()
    try:
        if kind == "query":
            result = store.query(text, base_iri=base + "sparql")
            if not isinstance(result, ox.QueryBoolean):
                list(result)
        else:
            store.update(text, base_iri=base + "sparql")
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass  # a syntax error, or an unbound SERVICE variable: what was called is recorded


@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.text[:50])
def test_every_call_oxigraph_makes_is_reported(recorder, case: Case):
    text = case.at(recorder.base)
    before = len(recorder.requests)
    _run(text, case.kind, recorder.base)
    called = {recorder.base[:-1] + path for path in recorder.requests[before:]}
    assert bool(called) == case.calls, called
    reported = reach(text, base_iri=recorder.base + "sparql")
    targets = {*reported.services, *reported.loads}
    assert called <= {iri.split("#")[0] for iri in targets}
    if case.found is not None:
        assert sorted(targets) == sorted(
            found.replace("/", recorder.base, 1) if found.startswith("/") else found
            for found in case.found
        )


def test_a_variable_endpoint_is_refused_whatever_the_allow_list():
    info = inspect("SELECT * { SERVICE ?where { } VALUES ?where { <http://a.org/> } }")
    for allowlist in (["*"], ["http://a.org/"], []):
        reasons = refusals(info, known_graphs=frozenset(), allowlist=allowlist)
        assert [reason.english() for reason in reasons] == [
            "SERVICE ?where is not allowed on this server: its endpoint is a variable"
        ]


def test_an_allowed_prefix_does_not_cover_another_host():
    info = inspect("PREFIX a: <http://a.org.evil/> SELECT * { SERVICE a:x { } }")
    assert info.services == ("http://a.org.evil/x",)
    assert refusals(info, known_graphs=frozenset(), allowlist=["http://a.org/"])


def test_a_text_too_intricate_to_read_is_reported_so():
    """Each escaped quote may open a string that runs to the end: reading them all would
    take time growing with the square of the length, so the reader stops and says so."""
    text = "SELECT * { SERVICE <http://a/> {} } " + "\\'" * 200_000
    with pytest.raises(TooIntricate):
        reach(text, base_iri=None)
    assert inspect(text).intricate
    many = "SELECT * { " + "SERVICE <" * 20_000 + " }"
    with pytest.raises(TooIntricate):
        reach(many, base_iri=None)


SANDBOXED_CHILD = """
import json, socket, sys
import pyoxigraph as ox
from sparql_endpoint import network_sandbox
network_sandbox.install()
found = {}
for name in ("AF_INET", "AF_INET6", "AF_PACKET", "AF_NETLINK"):
    try:
        kind = socket.SOCK_RAW if name == "AF_PACKET" else socket.SOCK_DGRAM
        socket.socket(getattr(socket, name), kind).close()
        found[name] = "opened"
    except OSError as exc:
        found[name] = exc.errno
unix = socket.socket(socket.AF_UNIX)
found["AF_UNIX"] = "opened"
unix.close()
for sock in socket.socketpair():
    sock.close()
found["socketpair"] = "opened"
try:
    list(ox.Store().query("SELECT * { SERVICE <" + sys.argv[1] + "sparql> { } }"))
    found["service"] = "answered"
except OSError as exc:
    found["service"] = type(exc).__name__
print(json.dumps(found))
"""


@pytest.mark.skipif(network_sandbox.unavailable() is not None, reason="no seccomp here")
def test_a_sandboxed_process_opens_unix_sockets_only(repo_root):
    with Slammer() as listener:
        child = subprocess.run(
            [sys.executable, "-c", SANDBOXED_CHILD, listener.base],
            cwd=repo_root,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        accepted = listener.accepted
    found = json.loads(child.stdout)
    eacces = 13
    assert found == {
        "AF_INET": eacces,
        "AF_INET6": eacces,
        "AF_PACKET": eacces,
        "AF_NETLINK": eacces,
        "AF_UNIX": "opened",
        "socketpair": "opened",
        "service": "PermissionError",
    }
    assert accepted == 0


def test_the_sandbox_is_off_only_for_an_allow_list_or_when_disabled():
    from graph_loader.settings import resolve_settings

    def state(**overrides: object) -> network_sandbox.SandboxState:
        settings = resolve_settings(config_file=None, environ={}, overrides=overrides)
        return network_sandbox.check_before_serving(settings)

    assert state(service_allowlist="http://a.org/") == network_sandbox.SandboxState(
        False, "off: service_allowlist is set"
    )
    assert state(network_sandbox="false").detail == "off: network_sandbox is false"
    if network_sandbox.unavailable() is None:
        assert state() == network_sandbox.SandboxState(True, "active")
    else:
        with pytest.raises(network_sandbox.SandboxError, match="network_sandbox = false"):
            state()


def test_a_text_too_intricate_to_read_is_refused_outside_the_sandbox(example_reader):
    """In-process (no sandbox), what cannot be read for SERVICE and LOAD is not run."""
    from tests.conftest import service_client
    from tests.hostile.conftest import store_state

    before = store_state(example_reader)
    text = "SELECT * { SERVICE <http://127.0.0.1:1/> {} } " + "\\'" * 200_000
    with service_client(example_reader) as client:
        response = client.post(
            "/sparql", data=text.encode(), headers={"Content-Type": "application/sparql-query"}
        )
    assert response.status_code == 400
    assert "too intricate to be checked for SERVICE and LOAD" in response.text
    assert store_state(example_reader) == before


def test_a_dataset_graph_cannot_write_into_the_update(store):
    """``using-graph-uri`` is written into the update as ``USING <...>``: one that is no IRI
    (here, one that closes the ``<`` and adds a LOAD) is refused before anything runs."""
    from tests.conftest import service_client
    from tests.hostile.conftest import store_state

    store.update("INSERT DATA { GRAPH <urn:x-lamcoop-test:g> { <urn:a> <urn:b> <urn:c> } }")
    before = store_state(store)
    update = "INSERT { GRAPH <urn:x-lamcoop-test:g> { ?s ?p 1 } } WHERE { ?s ?p ?o }"
    graph = "urn:x-lamcoop-test:g> WHERE {} ; LOAD <http://127.0.0.1:1/x> ; INSERT {} USING <urn:x"
    with service_client(store, update_token="t") as client:
        response = client.post(
            "/sparql",
            query_string={"using-graph-uri": graph},
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer t"},
        )
    assert response.status_code == 400
    assert "is not an absolute IRI" in response.text
    assert store_state(store) == before
