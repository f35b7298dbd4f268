"""Reconciliation against the Wikidata ISIL registry: how often the top candidate is right,
and how long a batch of ten queries takes through ``/reconcile``.

    .venv/bin/python bench/reconcile.py                 # the 41,766 rows of ../shared
    .venv/bin/python bench/reconcile.py --batches 300   # fewer timed batches

A store holding the ontology and the registry (imported by the wikidata-isil importer, as
``lamcoop load`` does) is made in a temporary directory. Accuracy: every row's label is
reconciled (type Institution); among rows whose label names exactly one institution in the
store, the share whose top candidate is the row's institution (the one ``owl:sameAs`` its
Wikidata item) and the share flagged ``match``. Latency: batches of ten labels POSTed as
OpenRefine does (form-encoded ``queries=``) to the Flask app over the store (in-process),
p50/p99 of the whole request. Reconciliation reads the store's text index, which the import
brought up to date: the first request of a process builds nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import pyoxigraph as ox  # noqa: E402

from graph_loader.importers import import_file  # noqa: E402
from graph_loader.index.db import open_reading  # noqa: E402
from graph_loader.index.facts import SAME_AS  # noqa: E402
from graph_loader.reconciliation import Index, type_classes  # noqa: E402
from graph_loader.settings import resolve_settings  # noqa: E402
from graph_loader.store import open_store  # noqa: E402
from sparql_endpoint.app import close_app, create_app  # noqa: E402

REPO = _HERE.parent
REGISTRY = REPO.parent / "shared" / "data" / "wikidata-isil" / "institutions.tsv"
BASE = "https://w3id.org/lamcoop/"
INSTITUTION = "https://w3id.org/lamcoop/ontology#Institution"


def rows(path: Path) -> list[tuple[str, str]]:
    """(Wikidata id, label) of every row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        return [(r[0].rsplit("/", 1)[-1], r[1]) for r in reader if len(r) > 1 and r[1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--registry", type=Path, default=REGISTRY)
    parser.add_argument("--batches", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "store")
        ontology = (REPO / "ontology" / "lamcoop.ttl").read_bytes()
        store.replace_graph(ontology, graph=BASE + "graph/ontology", format=ox.RdfFormat.TURTLE)
        started = time.perf_counter()
        result = import_file(store, args.registry, base_iri=BASE, importer="wikidata-isil")
        print(f"import: {result.summary()} ({time.perf_counter() - started:.1f} s)")
        settings = resolve_settings(config_file=None, environ={}, overrides={"store": tmp})
        app = create_app(settings, store=store)
        client = app.test_client()
        started = time.perf_counter()
        client.post("/reconcile", data={"queries": json.dumps({"q": {"query": "x"}})})
        print(f"first query of the process: {1000 * (time.perf_counter() - started):.1f} ms")
        conn = open_reading(store)
        assert conn is not None
        index = Index(conn, type_classes(lambda text, _bound: store.query(text)))
        registry = rows(args.registry)
        by_qid = _one_each(conn, f"SELECT value, iri FROM fact WHERE pred = '{SAME_AS}'")
        # Labels written exactly so, for how many institutions (the original's exact index).
        named = _one_each(conn, "SELECT value, iri FROM fact WHERE what = 'l'")
        unique = right = matched = lower_right = anywhere = anywhere_right = 0
        started = time.perf_counter()
        for qid, label in registry:
            if qid not in by_qid:
                continue
            anywhere += 1
            top = index.match(label, type_=INSTITUTION, limit=1)
            anywhere_right += bool(top) and top[0].id == by_qid[qid]
            if label.strip() not in named:
                continue
            unique += 1
            if top and top[0].id == by_qid[qid]:
                right += 1
                matched += top[0].match
            # The label as typed in a hurry: lower case, hyphens for spaces.
            typed = index.match(label.lower().replace(" ", "-"), type_=INSTITUTION, limit=1)
            lower_right += bool(typed) and typed[0].id == by_qid[qid]
        took = time.perf_counter() - started
        print(
            f"rows {len(registry)}; label unique in the store: {unique}; top candidate right: "
            f"{right} ({100 * right / unique:.2f} %); flagged match: {matched} "
            f"({100 * matched / unique:.2f} %); typed lower-case with hyphens, top right: "
            f"{lower_right} ({100 * lower_right / unique:.2f} %); all rows of a known item: "
            f"{anywhere}, top right {anywhere_right} ({100 * anywhere_right / anywhere:.2f} %); "
            f"{1000 * took / (unique + anywhere):.2f} ms a query"
        )
        rng = random.Random(16)
        times = []
        for _ in range(args.batches):
            labels = [rng.choice(registry)[1] for _ in range(10)]
            batch = {f"q{i}": {"query": t, "type": INSTITUTION} for i, t in enumerate(labels)}
            started = time.perf_counter()
            response = client.post("/reconcile", data={"queries": json.dumps(batch)})
            times.append(1000 * (time.perf_counter() - started))
            assert response.status_code == 200
        times.sort()
        p99 = times[int(0.99 * len(times)) - 1]
        print(
            f"batches of 10: {len(times)}; p50 {statistics.median(times):.1f} ms, "
            f"p99 {p99:.1f} ms, max {times[-1]:.1f} ms"
        )
        conn.close()
        close_app(app)
        store.close()


def _one_each(conn, sql: str) -> dict[str, str]:
    """Key -> IRI for the keys of ``sql``'s (key, IRI) rows that go with exactly one IRI."""
    found: dict[str, set[str]] = {}
    for key, iri in conn.execute(sql):
        found.setdefault(key.strip(), set()).add(iri)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


if __name__ == "__main__":
    main()
