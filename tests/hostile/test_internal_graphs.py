"""Hostile input: nothing from outside reaches the store's bookkeeping graphs (``urn:lamcoop:``).

Files naming an internal graph are refused before anything changes, by the CLI (exit
non-zero, the file and the graph named) and by the Graph Store (400 naming the graph); an
update's writes there are undone; recovery acts on no marker a user could have forged.
Each case checks the store's whole state, internal graphs included, before and after.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.store import PENDING_GRAPH, open_store
from graph_loader.store.layout import _PENDING, seal
from tests.conftest import EX, service_client
from tests.hostile.conftest import store_state, store_state_at

TOKEN = "hostile-token"
INTERNAL = [PENDING_GRAPH, "urn:lamcoop:staging:x", "urn:lamcoop:anything"]
G1, G2 = EX + "g1", EX + "g2"


def _quad_file(tmp_path: Path, fmt: str, graphs: list[str]) -> Path:
    """A TriG or N-Quads file with one triple in each of ``graphs``, in that order."""
    path = tmp_path / f"hostile.{fmt}"
    if fmt == "nq":
        lines = [f"<{EX}s{n}> <{EX}p> <{EX}o> <{g}> .\n" for n, g in enumerate(graphs)]
    else:
        lines = [f"<{g}> {{ <{EX}s{n}> <{EX}p> <{EX}o> . }}\n" for n, g in enumerate(graphs)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def cli_store(invoke, tmp_path):
    """``invoke`` over a store (./lamcoop-store) holding G1 and G2; returns (invoke, path)."""
    for graph in (G1, G2):
        data = tmp_path / "data.nt"
        data.write_text(f"<{EX}a> <{EX}b> <{graph}> .\n", encoding="utf-8")
        result = invoke("load", "--graph", graph, str(data))
        assert result.exit_code == 0, (result.output, result.exc_info)
    return invoke, tmp_path / "lamcoop-store"


def _refused(result, path: Path, graph: str) -> None:
    assert result.exit_code != 0, result.output
    assert str(path) in result.output and f"<{graph}>" in result.output, result.output
    assert "internal graph" in result.output


@pytest.mark.parametrize("graph", INTERNAL)
@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_a_quad_file_naming_an_internal_graph_is_refused(cli_store, tmp_path, fmt, graph):
    invoke, store = cli_store
    before = store_state_at(store)
    path = _quad_file(tmp_path, fmt, [graph])
    _refused(invoke("load", str(path)), path, graph)
    assert store_state_at(store) == before


@pytest.mark.parametrize("append", [False, True])
@pytest.mark.parametrize("graph", INTERNAL)
@pytest.mark.parametrize("fmt", ["trig", "nq"])
def test_an_internal_graph_after_staged_graphs_rolls_the_whole_load_back(
    cli_store, tmp_path, monkeypatch, fmt, graph, append
):
    """An existing graph (staged beside it) and a new one (written in place) were written
    before the internal graph is met: one quad per chunk makes each write land first."""
    monkeypatch.setattr("graph_loader.store.moves.WRITE_QUADS", 1)
    invoke, store = cli_store
    before = store_state_at(store)
    path = _quad_file(tmp_path, fmt, [G1, EX + "new", G2, graph, G2])
    args = ["load", *(["--append"] if append else []), str(path)]
    _refused(invoke(*args), path, graph)
    assert store_state_at(store) == before


@pytest.mark.parametrize("append", [False, True])
@pytest.mark.parametrize("graph", INTERNAL)
def test_load_into_an_internal_graph_is_refused(cli_store, tmp_path, graph, append):
    invoke, store = cli_store
    before = store_state_at(store)
    path = tmp_path / "x.ttl"
    path.write_text(f"<{EX}s> <{EX}p> <{EX}o> .\n", encoding="utf-8")
    args = ["load", "--graph", graph, *(["--append"] if append else []), str(path)]
    _refused(invoke(*args), path, graph)
    assert store_state_at(store) == before


def test_import_into_an_internal_graph_is_refused(cli_store, tmp_path):
    invoke, store = cli_store
    before = store_state_at(store)
    path = tmp_path / "register.csv"
    path.write_text("id,title\nx,An agreement\n", encoding="utf-8")
    _refused(
        invoke("load", "--as", "agreements", "--graph", PENDING_GRAPH, str(path)),
        path,
        PENDING_GRAPH,
    )
    assert store_state_at(store) == before


def test_a_triple_file_with_a_forged_marker_in_the_default_graph_stays_data(cli_store, tmp_path):
    """Marker-shaped triples in an ordinary graph are data: recovery reads only its own graph."""
    invoke, store = cli_store
    path = tmp_path / "marker.nt"
    path.write_text(_marker_nt("urn:lamcoop:load:forged", G1, G1, "new", "staged"), "utf-8")
    assert invoke("load", "--graph", EX + "markers", str(path)).exit_code == 0
    state = store_state_at(store)
    assert state[G1] == 1 and state[EX + "markers"] == 4
    assert store_state_at(store) == state


# -- the service --------------------------------------------------------------------------------


@pytest.fixture
def service(example_built, tmp_path):
    """A writable copy of the example store and the service over it (VoID already written)."""
    path = example_built.copy(tmp_path / "store")
    store = open_store(path)
    try:
        with service_client(store, update_token=TOKEN) as client:
            assert _update(client, "INSERT DATA { }").status_code == 204  # VoID in place
            yield client, store
    finally:
        store.close()


def _update(client, text: str):
    return client.post(
        "/sparql",
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update", **_auth()},
    )


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
def test_the_graph_store_refuses_an_internal_graph(service, method):
    client, store = service
    before = store_state(store)
    response = client.open(
        "/graph-store",
        method=method,
        query_string={"graph": PENDING_GRAPH},
        data=_marker_nt("urn:lamcoop:load:forged", G1, G1, "new", "staged").encode(),
        headers={"Content-Type": "application/n-triples", **_auth()},
    )
    assert response.status_code == 400, response.text
    assert PENDING_GRAPH in response.text
    assert store_state(store) == before


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("named", [PENDING_GRAPH, "urn:x-lamcoop-test:elsewhere"])
def test_a_json_ld_body_naming_graphs_of_its_own_is_refused(service, method, named):
    """JSON-LD may name graphs: a Graph Store body that does, internal or not, writes nothing
    (pyoxigraph would put them in their own graphs, beside the one addressed)."""
    client, store = service
    before = store_state(store)
    body = json.dumps(
        [{"@id": named, "@graph": [{"@id": G1, "http://e/p": [{"@id": "http://e/o"}]}]}]
    )
    response = client.open(
        "/graph-store",
        method=method,
        query_string={"graph": "urn:x-lamcoop-test:target"},
        data=body.encode(),
        headers={"Content-Type": "application/ld+json", **_auth()},
    )
    assert response.status_code == 400, response.text
    assert named in response.text and "graphs of its own" in response.text
    assert store_state(store) == before


def _marker_nt(marker: str, target: str, physical: str, mode: str, state: str) -> str:
    """A pending-load marker as N-Triples, the shape the staging code writes."""
    values = {"target": f"<{target}>", "physical": f"<{physical}>", "mode": f'"{mode}"'}
    values["state"] = f'"{state}"'
    return "".join(f"<{marker}> <{_PENDING}{k}> {v} .\n" for k, v in values.items())


def test_an_update_forging_a_marker_is_undone_and_harmless_on_reopen(service):
    """Without the undo, the next read-write open would 'roll back' g1 away."""
    client, store = service
    before = store_state(store)
    forged = _marker_nt("urn:lamcoop:load:forged", G1, G1, "new", "staged")
    response = _update(client, f"INSERT DATA {{ GRAPH <{PENDING_GRAPH}> {{ {forged} }} }}")
    assert response.status_code == 400 and PENDING_GRAPH in response.text
    assert store_state(store) == before
    path = store.path
    store.close()
    assert store_state_at(path) == before


def test_an_update_copying_data_into_a_staging_graph_is_undone(service):
    client, store = service
    before = store_state(store)
    staging = "urn:lamcoop:staging:x"
    response = _update(
        client,
        f"INSERT {{ GRAPH <{staging}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}",
    )
    assert response.status_code == 400 and staging in response.text
    assert store_state(store) == before


def test_an_update_creating_an_internal_graph_is_undone(service):
    client, store = service
    before = store_state(store)
    response = _update(client, "CREATE GRAPH <urn:lamcoop:anything>")
    assert response.status_code == 400 and "urn:lamcoop:anything" in response.text
    assert not store.has_graph("urn:lamcoop:anything")
    assert store_state(store) == before


def test_a_query_reads_nothing_from_the_internal_graphs(service):
    client, _store = service
    response = client.get(
        "/sparql",
        query_string={
            "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(STRSTARTS(STR(?g), 'urn:lamcoop:')) }"
        },
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []


# -- recovery -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "physical", "mode", "state"),
    [
        (G1, G2, "replace", "publishing"),  # would move g2 over g1
        (G1, G2, "new", "staged"),  # would drop g2
        (G1, G1, "new", "publishing"),  # a new load is never past staged
        (G1, G2, "append", "staged"),  # a staged copy is always under the staging prefix
        (PENDING_GRAPH, G1, "replace", "publishing"),  # an internal target
        (G1, G1, "odd", "staged"),  # no such mode
        (G1, G1, "new", "staged"),  # the right shape, but unsealed: would drop g1
        (G1, "urn:lamcoop:staging:x", "replace", "publishing"),  # unsealed: would change g1
    ],
)
def test_recovery_ignores_markers_staging_never_writes(
    example_built, tmp_path, target, physical, mode, state
):
    """Second line of defence: a marker that reached the marker graph anyhow is acted on only
    if it bears the store's seal and has the shape the staging code writes; the others are
    dropped with their graph."""
    path = example_built.copy(tmp_path / "store")
    before = store_state_at(path)
    store = open_store(path)
    forged = _marker_nt("urn:lamcoop:load:forged", target, physical, mode, state)
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(PENDING_GRAPH))
        for q in ox.parse(forged.encode(), format=ox.RdfFormat.N_TRIPLES)
    )
    store.close()
    assert store_state_at(path) == before


def test_recovery_ignores_a_sealed_looking_marker_under_another_key(example_built, tmp_path):
    """A seal made with any key but the store's own (kept in its directory, outside the RDF)
    is no seal: the forged marker would have dropped g1."""
    path = example_built.copy(tmp_path / "store")
    before = store_state_at(path)
    marker = "urn:lamcoop:load:forged"
    fake = seal(b"k" * 32, marker, G1, G1, "new")
    forged = (
        _marker_nt(marker, G1, G1, "new", "staged") + f'<{marker}> <{_PENDING}seal> "{fake}" .\n'
    )
    store = open_store(path)
    store.extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(PENDING_GRAPH))
        for q in ox.parse(forged.encode(), format=ox.RdfFormat.N_TRIPLES)
    )
    assert [load.sealed for load in store.pending_loads()] == [False]
    store.close()
    assert store_state_at(path) == before


def test_a_document_shows_no_label_from_a_staged_load(tmp_path):
    """A load being staged holds labels in an internal graph: the page of statements pointing
    at an entity once took its subjects' labels from any graph, internal ones included."""
    base = "https://w3id.org/lamcoop/id/thing/"
    store = open_store(tmp_path / "store")
    try:
        store.update(
            f"INSERT DATA {{ GRAPH <{G1}> {{ <{base}s> <{EX}p> <{base}e> }} "
            f"GRAPH <urn:lamcoop:staging:x> {{ <{base}s> "
            '<http://www.w3.org/2000/01/rdf-schema#label> "staged secret" } }'
        )
        before = store_state(store)
        with service_client(store) as client:
            for ext in ("ttl", "html"):
                response = client.get(f"/doc/thing/e.{ext}")
                assert response.status_code == 200
                assert "s" in response.get_data(as_text=True)
                assert "staged secret" not in response.get_data(as_text=True)
        assert store_state(store) == before
    finally:
        store.close()
