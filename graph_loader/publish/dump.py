"""Dumps of the published dataset: every graph as gzipped N-Quads in one file, and each graph
as Turtle, written atomically into the dump folder with a manifest of sizes and checksums.

The VoID graph is left out of the dumps (a file cannot state its own size and checksum); it
describes them instead, as DCAT distributions (:func:`dcat_triples`), and is served at
``/.well-known/void``. ``lamcoop dump`` and the last build step write the same files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph_loader.graphs import Purpose, covered, graph_name
from graph_loader.settings import Settings
from graph_loader.store import Store
from graph_loader.vocab import DCAT, DCTERMS, PREFIXES, RDF, SPDX, VOID, XSD

ALL_NAME = "lamcoop.nq.gz"
MANIFEST = ".manifest.json"
RDF_TYPE = RDF.type


@dataclass(frozen=True)
class DumpFile:
    """One written file: its name, media type, compression, graph, size and SHA-256."""

    name: str
    media_type: str
    compress: str
    graph: str
    bytes: int
    sha256: str
    triples: int


@lru_cache(maxsize=4096)  # pages ask for it on every value's graph cell
def graph_file_stem(graph: str, *, base_iri: str) -> str:
    """The name of ``graph``'s dump without its extension: ``{base}graph/seed-000`` ->
    ``seed-000``; other graph IRIs -> a short hash. Pages link a graph to its dump by it.

    >>> base = "https://w3id.org/lamcoop/"
    >>> graph_file_stem(base + "graph/seed-000", base_iri=base)
    'seed-000'
    >>> graph_file_stem(base + "graph/داده\u200cها", base_iri=base)
    'graph-969348c3d8d9c761'
    """
    name = graph_name(graph, base_iri=base_iri)
    if name and all(c.isalnum() or c in "-_" for c in name):
        return name
    return "graph-" + hashlib.sha256(graph.encode()).hexdigest()[:16]


def write_dumps(store: Store, settings: Settings) -> list[DumpFile]:
    """Write every dump file (replacing the old ones) and the manifest; returns the files.

    The dumps carry the graphs of the catalogue's dumps purpose (:mod:`graph_loader.graphs`).
    """
    folder = settings.dump_path
    folder.mkdir(parents=True, exist_ok=True)
    found = covered(Purpose.DUMPS, store.graphs(), base_iri=settings.base_iri)
    graphs = [(g.iri, g.triples) for g in found]
    files = [_write_all(store, folder, graphs)]
    for graph, count in graphs:
        stem = graph_file_stem(graph, base_iri=settings.base_iri)
        files.append(_write_turtle(store, folder, graph, count, stem))
    keep = {f.name for f in files} | {MANIFEST}
    for old in folder.iterdir():
        if old.is_file() and old.name not in keep and old.suffix in (".ttl", ".gz"):
            old.unlink()
    _atomic_write(folder / MANIFEST, json.dumps([asdict(f) for f in files], indent=1).encode())
    return files


def _write_all(store: Store, folder: Path, graphs: list[tuple[str, int]]) -> DumpFile:
    def write(handle) -> None:
        with gzip.GzipFile(fileobj=handle, mode="wb", mtime=0) as gz:
            for graph, _count in graphs:
                quads = store.quads(graph)
                # pyoxigraph writes to any object with write(); its stub asks for typing.IO.
                ox.serialize(quads, output=gz, format=ox.RdfFormat.N_QUADS)  # type: ignore[arg-type]

    path = _atomic(folder / ALL_NAME, write)
    total = sum(count for _graph, count in graphs)
    return _described(path, "application/n-quads", "application/gzip", "", total)


def _write_turtle(store: Store, folder: Path, graph: str, count: int, stem: str) -> DumpFile:
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(graph))
    path = _atomic(
        folder / f"{stem}.ttl",
        lambda handle: ox.serialize(
            triples, output=handle, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES)
        ),
    )
    return _described(path, "text/turtle", "", graph, count)


def _described(path: Path, media: str, compress: str, graph: str, triples: int) -> DumpFile:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return DumpFile(
        path.name, media, compress, graph, path.stat().st_size, digest.hexdigest(), triples
    )


def _atomic(target: Path, write) -> Path:
    """Write through a temporary file in the same folder, then rename over ``target``."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _atomic_write(target: Path, data: bytes) -> None:
    _atomic(target, lambda handle: handle.write(data))


def read_manifest(settings: Settings) -> list[DumpFile]:
    """The files the last dump wrote (none when there is no manifest)."""
    path = settings.dump_path / MANIFEST
    if not path.is_file():
        return []
    return [DumpFile(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]


def dcat_triples(settings: Settings, dataset: ox.NamedNode) -> Iterator[ox.Triple]:
    """The dumps as DCAT distributions of ``dataset`` (with VoID data-dump links)."""
    for f in read_manifest(settings):
        url = ox.NamedNode(f"{settings.base_iri}dumps/{f.name}")
        dist = ox.NamedNode(f"{settings.base_iri}id/distribution/{f.name}")
        checksum = ox.NamedNode(f"{dist.value}#checksum")
        yield ox.Triple(dataset, VOID.dataDump, url)
        yield ox.Triple(dataset, ox.NamedNode(DCAT + "distribution"), dist)
        yield ox.Triple(dist, RDF_TYPE, ox.NamedNode(DCAT + "Distribution"))
        yield ox.Triple(dist, ox.NamedNode(DCAT + "downloadURL"), url)
        yield ox.Triple(dist, ox.NamedNode(DCAT + "accessURL"), url)
        yield ox.Triple(dist, ox.NamedNode(DCTERMS + "title"), ox.Literal(f.name))
        yield ox.Triple(dist, ox.NamedNode(DCAT + "mediaType"), _iana(f.media_type))
        if f.compress:
            yield ox.Triple(dist, ox.NamedNode(DCAT + "compressFormat"), _iana(f.compress))
        yield ox.Triple(
            dist, ox.NamedNode(DCAT + "byteSize"), _typed(f.bytes, "nonNegativeInteger")
        )
        yield ox.Triple(dist, ox.NamedNode(SPDX + "checksum"), checksum)
        yield ox.Triple(checksum, RDF_TYPE, ox.NamedNode(SPDX + "Checksum"))
        yield ox.Triple(
            checksum,
            ox.NamedNode(SPDX + "algorithm"),
            ox.NamedNode(SPDX + "checksumAlgorithm_sha256"),
        )
        yield ox.Triple(
            checksum, ox.NamedNode(SPDX + "checksumValue"), _typed(f.sha256, "hexBinary")
        )
        if f.graph:
            yield ox.Triple(dist, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(f.graph))


def _iana(media_type: str) -> ox.NamedNode:
    return ox.NamedNode("http://www.iana.org/assignments/media-types/" + media_type)


def _typed(value: object, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
