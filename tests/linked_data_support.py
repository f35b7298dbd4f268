"""A built store with the dataset of record, a museum with coordinates, the audit and the
dumps (the session's :func:`~tests.conftest.dataset_store`); and a real ``lamcoop serve``
over such a store."""

from __future__ import annotations

from pathlib import Path

from graph_loader.audit.run import run_audit
from graph_loader.build import BuildContext, build
from graph_loader.loading import load_file
from graph_loader.publish.dump import write_dumps
from graph_loader.publish.void import write_void
from graph_loader.settings import resolve_settings
from graph_loader.store import open_store

BASE = "https://w3id.org/lamcoop/"
CALIS = BASE + "id/institution/calis"
MUSEUM = BASE + "id/institution/test-museum"
#: A museum with coordinates (the map), and a fact cited with two quotations, a Persian one
#: and its English translation, each ending in punctuation (the order of mixed-script runs).
GEO_TTL = f"""@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<{MUSEUM}> a lamc:Museum ; skos:prefLabel "Test museum"@en, "موزهٔ آزمایشی"@fa ;
  geo:lat 38.8895 ; geo:long -77.0353 ; lamc:cooperatesWith <{CALIS}> .
[] a rdf:Statement ; rdf:subject <{MUSEUM}> ; rdf:predicate lamc:cooperatesWith ;
  rdf:object <{CALIS}> ; dcterms:source <{BASE}id/document/test-source> ;
  lamc:printedAs "موزهٔ آزمایشی (واشینگتن)."@fa, "Test museum (Washington)."@en .
"""


def build_store(workdir: Path) -> Path:
    """What ``lamcoop build``, ``load geo.ttl``, ``audit`` and ``dump`` make, in this process:
    returns the store's path (``workdir/store``, the dumps beside it)."""
    path = workdir / "store"
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(path)})
    store = open_store(path)
    try:
        build(BuildContext(store, settings), echo=lambda _line: None)
        (workdir / "geo.ttl").write_text(GEO_TTL, encoding="utf-8")
        load_file(store, workdir / "geo.ttl", base_iri=BASE, graph=BASE + "graph/test-geo")
        run_audit(store, settings)
        write_dumps(store, settings)
        write_void(store, settings)
    finally:
        store.close()
    return path


def start_server(workdir: Path):
    """A built store served by a real ``lamcoop serve`` on 127.0.0.1 (tests share the
    session's ``dataset_server`` instead)."""
    from tests.servers import RunningServer

    return RunningServer(build_store(workdir), workdir, settings={"workers": 2})
