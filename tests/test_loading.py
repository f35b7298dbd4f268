"""Loading every RDF syntax into its own graph, with provenance; broken input changes nothing."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import snapshot

from graph_loader import __version__
from graph_loader.loading import LoadError, load_bytes, load_file
from graph_loader.provenance import read_sources

BASE = "https://w3id.org/lamcoop/"
EX = "http://example.org/"

#: Five triples with IRIs, a blank node, plain, tagged and typed literals.
TRIPLES = [
    ox.Triple(ox.NamedNode(EX + "calis"), ox.NamedNode(EX + "name"), ox.Literal("CALIS")),
    ox.Triple(
        ox.NamedNode(EX + "calis"), ox.NamedNode(EX + "label"), ox.Literal("网", language="zh-hans")
    ),
    ox.Triple(
        ox.NamedNode(EX + "calis"),
        ox.NamedNode(EX + "members"),
        ox.Literal("1200", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ),
    ox.Triple(ox.NamedNode(EX + "calis"), ox.NamedNode(EX + "centre"), ox.BlankNode("c1")),
    ox.Triple(ox.BlankNode("c1"), ox.NamedNode(EX + "name"), ox.Literal("Peking University")),
]

SYNTAXES = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdf": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def serialized(fmt: ox.RdfFormat) -> bytes:
    """The five triples in ``fmt`` (in the default graph for the quad syntaxes)."""
    if fmt.supports_datasets:
        return ox.serialize(
            [ox.Quad(t.subject, t.predicate, t.object) for t in TRIPLES], format=fmt
        )
    return ox.serialize(TRIPLES, format=fmt)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def graph_iri(name: str) -> str:
    return f"{BASE}graph/{name}"


@pytest.mark.parametrize("gz", ["", ".gz"], ids=["plain", "gzip"])
@pytest.mark.parametrize("ext", sorted(SYNTAXES))
def test_every_syntax_loads_from_its_extension(store, tmp_path, ext, gz):
    path = write(tmp_path / f"sample.{ext}{gz}", serialized(SYNTAXES[ext]))
    result = load_file(store, path, base_iri=BASE)
    assert result.graphs == {graph_iri("sample"): len(TRIPLES)}
    assert store.triple_count(graph_iri("sample")) == len(TRIPLES)
    labels = store.query(
        "SELECT ?l WHERE { GRAPH ?g { ?s <http://example.org/label> ?l } }",
    )
    assert [row["l"] for row in labels] == [ox.Literal("网", language="zh-hans")]
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(SYNTAXES))
def test_format_flag_overrides_the_extension(store, tmp_path, name):
    path = write(tmp_path / "upload.data.gz", serialized(SYNTAXES[name]))
    result = load_file(store, path, base_iri=BASE, format=SYNTAXES[name], graph=EX + "g")
    assert result.graphs == {EX + "g": len(TRIPLES)}


def test_quad_syntax_names_its_own_graphs(store, tmp_path):
    quads = [
        ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("1")),
        ox.Quad(
            ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("2"), ox.NamedNode(EX + "g1")
        ),
        ox.Quad(
            ox.NamedNode(EX + "b"), ox.NamedNode(EX + "p"), ox.Literal("3"), ox.NamedNode(EX + "g1")
        ),
    ]
    path = write(tmp_path / "mixed.trig", ox.serialize(quads, format=ox.RdfFormat.TRIG))
    result = load_file(store, path, base_iri=BASE)
    assert result.graphs == {graph_iri("mixed"): 1, EX + "g1": 2}
    sources = read_sources(store, BASE)
    assert sources[EX + "g1"]["source"] == "mixed.trig"
    assert sources[EX + "g1"]["triples"] == "2"


def test_provenance_records_source_checksum_time_count_version(store, tmp_path):
    path = write(tmp_path / "agreements.ttl.gz", serialized(ox.RdfFormat.TURTLE))
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    load_file(store, path, base_iri=BASE)
    after = dt.datetime.now(dt.UTC)
    recorded = read_sources(store, BASE)[graph_iri("agreements")]
    assert recorded["source"] == "agreements.ttl.gz"
    assert recorded["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert recorded["triples"] == str(len(TRIPLES))
    assert recorded["loaderVersion"] == __version__
    when = dt.datetime.fromisoformat(recorded["generatedAtTime"].replace("Z", "+00:00"))
    assert before <= when <= after


def test_graphs_command_shows_provenance_in_text_and_json(invoke, tmp_path):
    path = write(tmp_path / "registry.nt", serialized(ox.RdfFormat.N_TRIPLES))
    assert invoke("load", str(path)).exit_code == 0
    listed = invoke("graphs", "--format", "json")
    assert listed.exit_code == 0, listed.output
    rows = {row["graph"]: row for row in json.loads(listed.stdout)}
    row = rows[graph_iri("registry")]
    assert row["triples"] == len(TRIPLES)
    assert row["source"] == "registry.nt"
    assert row["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert row["loaderVersion"] == __version__
    assert row["generatedAtTime"].startswith(str(dt.datetime.now(dt.UTC).year))
    text = invoke("graphs").stdout
    assert graph_iri("registry") in text
    assert "from registry.nt" in text and row["sha256"][:16] in text


def test_replace_is_the_default_and_append_adds(store, tmp_path):
    first = write(tmp_path / "one.nt", b"<http://ex/a> <http://ex/p> <http://ex/b> .\n")
    second = write(tmp_path / "two.nt", b"<http://ex/a> <http://ex/p> <http://ex/c> .\n")
    load_file(store, first, base_iri=BASE, graph=EX + "g")
    load_file(store, second, base_iri=BASE, graph=EX + "g")
    assert store.triple_count(EX + "g") == 1
    result = load_file(store, first, base_iri=BASE, graph=EX + "g", replace=False)
    assert result.graphs == {EX + "g": 2}
    assert read_sources(store, BASE)[EX + "g"]["triples"] == "2"


def test_skip_unchanged_does_not_reload(store, tmp_path):
    path = write(tmp_path / "same.ttl", serialized(ox.RdfFormat.TURTLE))
    first = load_file(store, path, base_iri=BASE, skip_unchanged=True)
    before = snapshot(store)
    again = load_file(store, path, base_iri=BASE, skip_unchanged=True)
    assert not first.skipped and again.skipped
    assert snapshot(store) == before
    path.write_bytes(path.read_bytes() + b"<http://ex/x> <http://ex/y> 1 .\n")
    assert not load_file(store, path, base_iri=BASE, skip_unchanged=True).skipped


def test_load_bytes_records_provenance_like_a_file(store):
    data = serialized(ox.RdfFormat.N_TRIPLES)
    result = load_bytes(
        store,
        data,
        name="generated.nt",
        graph=EX + "gen",
        format=ox.RdfFormat.N_TRIPLES,
        base_iri=BASE,
    )
    assert result.graphs == {EX + "gen": len(TRIPLES)}
    assert read_sources(store, BASE)[EX + "gen"]["sha256"] == hashlib.sha256(data).hexdigest()


def test_load_bytes_skips_unchanged_data_by_the_same_rule_as_files(store):
    data = serialized(ox.RdfFormat.N_TRIPLES)
    options = dict(name="gen.nt", graph=EX + "gen", format=ox.RdfFormat.N_TRIPLES, base_iri=BASE)
    assert not load_bytes(store, data, skip_unchanged=True, **options).skipped
    before = snapshot(store)
    again = load_bytes(store, data, skip_unchanged=True, **options)
    assert again.skipped and again.graphs == {EX + "gen": len(TRIPLES)}
    assert snapshot(store) == before
    more = data + b'<http://ex/x> <http://ex/y> "1" .\n'
    assert not load_bytes(store, more, skip_unchanged=True, **options).skipped
    assert store.triple_count(EX + "gen") == len(TRIPLES) + 1


# -- broken input leaves the store exactly as it was ---------------------------------------

_BAD_NT = (
    b"<http://ex/a> <http://ex/p> <http://ex/b> .\n<http://ex/a> <http://ex/p> <http://ex/c .\n"
)
_BAD_NQ = (
    b"<http://ex/a> <http://ex/p> <http://ex/b> <http://ex/g> .\n\n<http://ex/a> <http://ex/p> .\n"
)
_BAD_TRIG = (
    b"GRAPH <http://ex/g> {\n <http://ex/a> <http://ex/p> <http://ex/b> .\n"
    b" <http://ex/a> <http://ex/p> .\n}\n"
)

#: file name: (content, line, column of the error, both counted from 1)
BROKEN = {
    "bad.nt": (_BAD_NT, 2, 29),
    "bad.ttl": (b"@prefix ex: <http://ex/> .\nex:a ex:p ex:b .\nex:a ex:p ex:b ex:c .\n", 3, 16),
    "bad.nq": (_BAD_NQ, 3, 29),
    "bad.trig": (_BAD_TRIG, 3, 30),
    "bad.jsonld": (b'{"@id": "http://ex/a",\n "http://ex/p": [1,\n }', 3, 2),
    "bad.nt.gz": (_BAD_NT, 2, 29),
}


@pytest.fixture
def populated(store, tmp_path):
    """A store holding two graphs with provenance, one of them the target of the broken loads."""
    path = write(tmp_path / "keep.ttl", serialized(ox.RdfFormat.TURTLE))
    load_file(store, path, base_iri=BASE)
    load_file(store, path, base_iri=BASE, graph=graph_iri("bad"))
    return store


@pytest.mark.parametrize("replace", [True, False], ids=["replace", "append"])
@pytest.mark.parametrize("name", sorted(BROKEN))
def test_syntax_error_names_place_and_changes_nothing(populated, tmp_path, name, replace):
    data, line, column = BROKEN[name]
    path = write(tmp_path / name, data)
    before = snapshot(populated)
    assert graph_iri("bad") in before[1], "the broken load targets an existing graph"
    with pytest.raises(LoadError) as caught:
        load_file(populated, path, base_iri=BASE, replace=replace)
    assert str(caught.value).startswith(f"{path}:{line}:{column}: syntax error")
    assert snapshot(populated) == before


def test_syntax_error_into_a_new_graph_leaves_no_graph(populated, tmp_path):
    data, _, _ = BROKEN["bad.nt"]
    path = write(tmp_path / "fresh.nt", data)
    before = snapshot(populated)
    with pytest.raises(LoadError):
        load_file(populated, path, base_iri=BASE)
    assert snapshot(populated) == before
    assert not populated.has_graph(graph_iri("fresh"))


_RDF_HEAD = (
    b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
    b'<rdf:Description rdf:about="http://ex/a">\n'
)


@pytest.mark.parametrize(
    ("body", "line", "column", "reason"),
    [
        (b"  <x:p>1</x:p>\n</rdf:Description>\n</rdf:RDF>\n", 4, 3, "unbound prefix"),
        (b"</rdf:RDF>\n", 4, 3, "mismatched tag"),
    ],
)
@pytest.mark.parametrize("gz", ["", ".gz"])
def test_rdfxml_error_names_the_place_and_changes_nothing(
    populated, tmp_path, body, line, column, reason, gz
):
    path = write(tmp_path / f"bad.rdf{gz}", _RDF_HEAD + body)
    before = snapshot(populated)
    with pytest.raises(LoadError) as caught:
        load_file(populated, path, base_iri=BASE)
    assert str(caught.value).startswith(f"{path}:{line}:{column}: syntax error: {reason}")
    assert snapshot(populated) == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("missing.ttl", None, "cannot read"),
        ("corrupt.nt.gz", b"\x1f\x8b\x08\x00garbage-garbage-garbage", "cannot load"),
        (
            "truncated.nt.gz",
            gzip.compress(b"<http://ex/a> <http://ex/p> <http://ex/b> .\n" * 50, mtime=0)[:40],
            "cannot load",
        ),
        ("notes.csv", b"a,b,c\n", "cannot tell the format of notes.csv; use --format"),
        # pyoxigraph reads .txt as N-Triples; lamcoop does not guess what a .txt holds.
        ("notes.txt", b"@prefix ex: <http://ex/> .\n", "cannot tell the format of notes.txt"),
        (
            "turtle-named.nt",
            b"@prefix ex: <http://ex/> .\nex:a ex:p ex:b .\n",
            "turtle-named.nt:1:1: syntax error",
        ),
    ],
)
def test_unreadable_input_is_a_clear_error_and_changes_nothing(
    populated, tmp_path, name, data, message
):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    before = snapshot(populated)
    with pytest.raises(LoadError, match=message) as caught:
        load_file(populated, path, base_iri=BASE, graph=graph_iri("bad"))
    assert name in str(caught.value)
    assert snapshot(populated) == before


def test_cli_load_error_exits_non_zero_and_changes_nothing(lamcoop, tmp_path):
    good = write(tmp_path / "good.ttl", serialized(ox.RdfFormat.TURTLE))
    assert lamcoop("load", str(good)).returncode == 0
    from conftest import snapshot_at

    before = snapshot_at(tmp_path / "lamcoop-store")
    data, line, column = BROKEN["bad.ttl"]
    bad = write(tmp_path / "good.data", data)
    done = lamcoop("load", "--format", "turtle", "--graph", graph_iri("good"), str(bad))
    assert done.returncode != 0
    err = done.stderr.decode()
    assert f"{bad}:{line}:{column}: syntax error" in err and "Traceback" not in err
    assert snapshot_at(tmp_path / "lamcoop-store") == before
