"""Keeping audit runs and comparing two: the time and size of a kept run, and of a
comparison, by the number of agreements audited (not run by pytest).

    .venv/bin/python bench/audit_runs.py                  # 10k and 100k agreements
    .venv/bin/python bench/audit_runs.py --sizes 1000

Each size: an on-disk store with the shipped audit profile; a synthetic audit result of N
agreements (each lacking a random set of the twelve components) kept as a run
(:func:`graph_loader.audit.runs.keep_run`, what ``lamcoop audit`` does after the profile
ran); then a tenth of the agreements changed and a hundredth added, kept as a second run;
then :func:`graph_loader.audit.runs.list_runs` and
:func:`graph_loader.audit.compare.compare_runs` (what ``/audit/compare`` does before its cache,
and ``lamcoop audit --compare``), each timed once, cold.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import pyoxigraph as ox  # noqa: E402

from graph_loader.audit.compare import compare_runs  # noqa: E402
from graph_loader.audit.model import AgreementResult, Audit  # noqa: E402
from graph_loader.audit.run import read_profile  # noqa: E402
from graph_loader.audit.runs import keep_run, list_runs  # noqa: E402
from graph_loader.graphs import AUDIT_SHAPES  # noqa: E402
from graph_loader.resources import resource_dir  # noqa: E402
from graph_loader.settings import resolve_settings  # noqa: E402
from graph_loader.store import open_store  # noqa: E402

SIZES = {"1000": 1000, "10k": 10_000, "100k": 100_000}


def synthetic(n: int, components, rng: random.Random, started: dt.datetime) -> Audit:
    base = "https://w3id.org/lamcoop/id/agreement/"
    ids = [c.id for c in components]
    results = []
    for i in range(n):
        missing = tuple(c for c in ids if rng.random() < 0.6)
        results.append(
            AgreementResult(f"{base}a-{i}", f"Agreement {i}", missing, (12 - len(missing)) / 12)
        )
    return Audit(
        run="",
        started=started,
        seconds=0.0,
        graphs=[],
        components=list(components),
        challenge_labels={},
        agreements=results,
    )


def changed(audit: Audit, rng: random.Random, started: dt.datetime) -> Audit:
    ids = [c.id for c in audit.components]
    results = []
    for r in audit.agreements:
        if rng.random() < 0.1:
            missing = tuple(c for c in ids if rng.random() < 0.5)
            r = AgreementResult(r.iri, r.label, missing, (12 - len(missing)) / 12)
        results.append(r)
    extra = synthetic(len(results) // 100, audit.components, rng, started).agreements
    results += [
        AgreementResult(r.iri.replace("/a-", "/new-"), r.label, r.missing, r.completeness)
        for r in extra
    ]
    return Audit(
        run="",
        started=started,
        seconds=0.0,
        graphs=[],
        components=audit.components,
        challenge_labels={},
        agreements=results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k"], choices=sorted(SIZES))
    args = parser.parse_args()
    settings = resolve_settings(config_file=None, environ={})
    for name in args.sizes:
        n = SIZES[name]
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(Path(folder) / "store")
            shapes = (resource_dir("shapes") / "agreement-audit.ttl").read_bytes()
            store.replace_graph(
                shapes, graph=settings.graph_iri(AUDIT_SHAPES), format=ox.RdfFormat.TURTLE
            )
            components = read_profile(store, settings.graph_iri(AUDIT_SHAPES))
            rng = random.Random(7)
            now = dt.datetime.now(dt.UTC)
            first = synthetic(n, components, rng, now)
            clock = time.perf_counter()
            keep_run(store, settings, first)
            keep_first = time.perf_counter() - clock
            second = changed(first, rng, now + dt.timedelta(seconds=1))
            clock = time.perf_counter()
            keep_run(store, settings, second)
            keep_second = time.perf_counter() - clock
            clock = time.perf_counter()
            heads = list_runs(store, settings)
            listing = time.perf_counter() - clock
            clock = time.perf_counter()
            data = compare_runs(store, settings, "previous", "latest", heads=heads)
            comparing = time.perf_counter() - clock
            triples = store.triple_count(heads[-1].graph)
            t = data["totals"]
            print(
                f"{name}: run graph {triples} triples ({triples / n:.1f} per agreement); "
                f"keep {keep_first:.2f} s (first), {keep_second:.2f} s (second: reads the "
                f"first to compare); list {listing * 1000:.1f} ms; compare {comparing:.2f} s "
                f"({t['agreements_changed']} changed, {t['agreements_added']} added, "
                f"{t['gaps_closed']} closed, {t['new_gaps']} new)"
            )
            store.close()


if __name__ == "__main__":
    main()
