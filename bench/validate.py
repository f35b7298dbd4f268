"""SHACL validation of synthetic data already in an on-disk store: the fast path against
pySHACL (the data exported to rdflib, then validated), in the same run, with a check that
the two give identical results.

    .venv/bin/python bench/validate.py bench/work/s1m.nt

The shapes: lamcoop's ``shapes/agreement-audit.ttl`` plus a few integrity-style shapes over
institutions, memberships and agreements (class, datatype, nodeKind, pattern, counts,
uniqueLang, ranges): all compiled by the fast path.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This script's directory must not come first on the path: bench/http.py would shadow http.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

import pyoxigraph as ox  # noqa: E402
from rdflib import Graph  # noqa: E402

from graph_loader.resources import resource_dir  # noqa: E402
from graph_loader.shacl import validate  # noqa: E402
from graph_loader.store import open_store  # noqa: E402

GRAPH = "https://w3id.org/lamcoop/graph/synthetic"
EXTRA_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
lamc:BenchInstitution a sh:NodeShape ; sh:targetClass lamc:Institution ;
  sh:property [ sh:path rdfs:label ; sh:minCount 1 ; sh:uniqueLang true ; sh:nodeKind sh:Literal ] ;
  sh:property [ sh:path lamc:isil ; sh:maxCount 1 ; sh:datatype xsd:string ;
                sh:pattern "^[A-Z]{1,4}-" ] .
lamc:BenchMembership a sh:NodeShape ; sh:targetClass org:Membership ;
  sh:property [ sh:path org:member ; sh:minCount 1 ; sh:maxCount 1 ; sh:class lamc:Institution ] ;
  sh:property [ sh:path org:organization ; sh:minCount 1 ; sh:class lamc:Consortium ] .
lamc:BenchAgreement a sh:NodeShape ; sh:targetClass lamc:Agreement ;
  sh:property [ sh:path lamc:party ; sh:class lamc:Institution ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path lamc:budgetAmount ; sh:datatype xsd:decimal ; sh:minInclusive 0 ] .
"""


def shapes() -> Graph:
    """The audit profile plus the integrity-style shapes above."""
    graph = Graph().parse(resource_dir("shapes") / "agreement-audit.ttl")
    return graph + Graph().parse(data=EXTRA_SHAPES, format="turtle")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="N-Triples file (bench/synthetic.py)")
    parser.add_argument("--skip-pyshacl", action="store_true", help="time the fast path only")
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # rdflib logs every ill-typed literal it converts
    work = Path(tempfile.mkdtemp(prefix="validate-", dir=Path(__file__).parent / "work"))
    try:
        store = open_store(work / "store")
        started = time.perf_counter()
        store.load_graph(args.data.open("rb"), graph=GRAPH, format=ox.RdfFormat.N_TRIPLES)
        count = store.triple_count(GRAPH)
        print(f"{args.data.name}: {count} triples loaded in {time.perf_counter() - started:.1f} s")
        engines = ["fast"] if args.skip_pyshacl else ["fast", "pyshacl"]
        timed = {}
        shapes_graph = shapes()  # one graph: its blank-node shapes name results in both runs
        for engine in engines:
            started = time.perf_counter()
            report = validate(store, shapes_graph, data_graphs=[GRAPH], engine=engine)
            timed[engine] = (time.perf_counter() - started, report)
            paths = sorted(set(report.shape_engines.values()))
            print(f"{engine:8} {timed[engine][0]:8.2f} s  {len(report.results)} results  {paths}")
        if len(timed) == 2:
            fast, reference = timed["fast"], timed["pyshacl"]
            same = Counter(r.key() for r in fast[1].results) == Counter(
                r.key() for r in reference[1].results
            )
            print(f"identical results: {same}; pySHACL / fast = {reference[0] / fast[0]:.1f}x")
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
