"""The agreement audit and integrity validation of synthetic data already in an on-disk
store, against pySHACL (the data exported to rdflib, then validated) in the same run, with a
check that both give identical results and that the audit finds exactly the injected gaps.

    .venv/bin/python bench/audit.py                 # 100k and 1m
    .venv/bin/python bench/audit.py --sizes 5m --pyshacl-max 0   # 5m, lamcoop only

lamcoop's side is the code of ``lamcoop audit`` and of the build's integrity step:
:func:`graph_loader.audit.run_audit` (the audit profile through the engine, agreements and
aggregates by SPARQL, the audit graph written) and
:func:`graph_loader.integrity.validate_integrity`. pySHACL's side is the export of the same
graphs to rdflib and pySHACL over each shapes graph; completeness per agreement is then
derived from its report.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Python puts this script's directory first on the path, where a module may shadow the
# standard library (bench/http.py shadows http); it is taken off before anything else is
# imported, and the generator beside this script is loaded by file name.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402

import pyoxigraph as ox  # noqa: E402
from rdflib import Graph  # noqa: E402

from graph_loader.audit.run import read_profile, run_audit  # noqa: E402
from graph_loader.graphs import AUDIT_SHAPES, INTEGRITY_SHAPES  # noqa: E402
from graph_loader.integrity import validate_integrity  # noqa: E402
from graph_loader.resources import resource_dir  # noqa: E402
from graph_loader.settings import resolve_settings  # noqa: E402
from graph_loader.shacl import load_shapes, validate  # noqa: E402
from graph_loader.shacl.fallback import export_data, validate_with_pyshacl  # noqa: E402
from graph_loader.shacl.shapes import TARGET_PREDICATES  # noqa: E402
from graph_loader.store import open_store  # noqa: E402

_spec = importlib.util.spec_from_file_location("lamcoop_bench_synthetic", _HERE / "synthetic.py")
synthetic = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = synthetic  # dataclasses look their module up there
_spec.loader.exec_module(synthetic)

WORK = _HERE / "work"
SYNTHETIC = "https://w3id.org/lamcoop/graph/synthetic"


def prepare(size: str) -> tuple[Path, dict[str, list[str]]]:
    """The synthetic N-Triples file of ``size`` and its injected gaps (generated if absent)."""
    data = WORK / f"synthetic-{size}.nt"
    gaps = data.with_name(data.name + ".gaps.json")
    if not data.exists() or not gaps.exists():
        result = synthetic.generate(data, size)
        gaps.write_text(json.dumps(result.gaps), encoding="utf-8")
    return data, json.loads(gaps.read_text(encoding="utf-8"))


def fresh_store(path: Path, data: Path, settings) -> int:
    """A new on-disk store with the ontology, both shapes files and the data; closed."""
    shutil.rmtree(path, ignore_errors=True)
    store = open_store(path)
    for name, file in (
        ("ontology", resource_dir("ontology") / "lamcoop.ttl"),
        (AUDIT_SHAPES, resource_dir("shapes") / "agreement-audit.ttl"),
        (INTEGRITY_SHAPES, resource_dir("shapes") / "integrity.ttl"),
    ):
        store.replace_graph(
            file.read_bytes(), graph=settings.graph_iri(name), format=ox.RdfFormat.TURTLE
        )
    with data.open("rb") as handle:
        store.load_graph(handle, graph=SYNTHETIC, format=ox.RdfFormat.N_TRIPLES)
    count = store.triple_count(SYNTHETIC)
    store.close()
    return count


def _without_fallback_shapes(store, settings, engines) -> Graph:
    """The integrity shapes less the targets of those the fast path hands to pySHACL."""
    shapes = load_shapes(store, settings.graph_iri(INTEGRITY_SHAPES))
    for node, path in engines.items():
        if path != "fast":
            for target in TARGET_PREDICATES:
                shapes.remove((node, target, None))
    return shapes


def missing_by_agreement(results, components) -> dict[str, set[str]]:
    by_shape = {c.shape: c.id for c in components}
    missing: dict[str, set[str]] = defaultdict(set)
    for result in results:
        missing[str(result.focus_node)].add(by_shape[str(result.source_shape)])
    return missing


def run_size(size: str, pyshacl_max: int) -> dict:
    data, gaps = prepare(size)
    path = WORK / f"audit-store-{size}"
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(path)})
    triples = fresh_store(path, data, settings)
    store = open_store(path)
    graphs = [settings.graph_iri("ontology"), SYNTHETIC]
    row: dict = {"size": size, "triples": triples, "agreements": len(gaps)}

    started = time.perf_counter()
    audit = run_audit(store, settings, graphs=[SYNTHETIC])
    row["audit_s"] = time.perf_counter() - started
    started = time.perf_counter()
    integrity = validate_integrity(store, settings, graphs=graphs)
    row["integrity_s"] = time.perf_counter() - started
    row["integrity_results"] = len(integrity.report.results)
    row["integrity_paths"] = dict(Counter(integrity.report.shape_engines.values()))
    compiled = _without_fallback_shapes(store, settings, integrity.report.shape_engines)
    started = time.perf_counter()
    validate(store, compiled, data_graphs=graphs, engine="fast")
    row["integrity_compiled_s"] = time.perf_counter() - started
    found = {a.iri: sorted(a.missing) for a in audit.agreements}
    row["gaps_as_injected"] = found == {iri: sorted(m) for iri, m in gaps.items()}
    row["mean_completeness"] = audit.mean_completeness

    if triples <= pyshacl_max:
        components = read_profile(store, settings.graph_iri(AUDIT_SHAPES))
        audit_shapes = load_shapes(store, settings.graph_iri(AUDIT_SHAPES))
        integrity_shapes = load_shapes(store, settings.graph_iri(INTEGRITY_SHAPES))
        started = time.perf_counter()
        exported = export_data(store, graphs)
        row["export_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reference_audit = validate_with_pyshacl(exported, audit_shapes)
        row["pyshacl_audit_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reference_integrity = validate_with_pyshacl(exported, integrity_shapes)
        row["pyshacl_integrity_s"] = time.perf_counter() - started
        reference_missing = missing_by_agreement(reference_audit, components)
        row["audit_identical"] = {k: sorted(v) for k, v in reference_missing.items()} == {
            a.iri: sorted(a.missing) for a in audit.agreements if a.missing
        }
        row["integrity_identical"] = Counter(r.key() for r in integrity.report.results) == Counter(
            r.key() for r in reference_integrity
        )
    store.close()
    shutil.rmtree(path, ignore_errors=True)
    return row


def report(row: dict) -> None:
    ours = row["audit_s"] + row["integrity_s"]
    print(
        f"{row['size']}: {row['triples']} triples, {row['agreements']} agreements; "
        f"gaps as injected: {row['gaps_as_injected']}; "
        f"mean completeness {row['mean_completeness']:.4f}"
    )
    print(
        f"  lamcoop  audit {row['audit_s']:.2f} s + integrity {row['integrity_s']:.2f} s "
        f"= {ours:.2f} s  ({row['integrity_results']} integrity results, "
        f"shapes by path {row['integrity_paths']}); compiled shapes alone "
        f"{row['integrity_compiled_s']:.2f} s"
    )
    if "export_s" in row:
        theirs_audit = row["export_s"] + row["pyshacl_audit_s"]
        theirs = theirs_audit + row["pyshacl_integrity_s"]
        print(
            f"  pySHACL  export {row['export_s']:.2f} s + audit {row['pyshacl_audit_s']:.2f} s "
            f"+ integrity {row['pyshacl_integrity_s']:.2f} s = {theirs:.2f} s"
        )
        print(
            f"  ratio    audit (export + audit profile) {theirs_audit / row['audit_s']:.1f}x; "
            f"all {theirs / ours:.1f}x; identical: audit {row['audit_identical']}, "
            f"integrity {row['integrity_identical']}"
        )
    else:
        print("  pySHACL  not run at this size (--pyshacl-max)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["100k", "1m"])
    parser.add_argument(
        "--pyshacl-max",
        type=int,
        default=1_500_000,
        help="largest data (triples) pySHACL is run on; beyond it lamcoop alone is timed",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    WORK.mkdir(parents=True, exist_ok=True)
    print(f"pid {os.getpid()}, load average {os.getloadavg()[0]:.2f}")
    for size in args.sizes:
        row = run_size(size, args.pyshacl_max)
        report(row)
        print(json.dumps(row), flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
