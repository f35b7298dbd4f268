"""CPU per first (uncached) entity document, in process: the whole ``/doc`` route through
Flask's test client over an on-disk store, each entity asked once, one thread.

    python -P bench/deref_cpu.py STORE [--entities 300] [--profile OUT.html]

STORE is a lamcoop store directory (bench/deref.py leaves one under
``bench/work/deref-1m/``). The entities are every institution and agreement IRI, shuffled
with a fixed seed; the first ``--warm`` are asked first (imports, templates, the ontology's
labels) and not counted. Printed per format: documents, process CPU per document (ms),
wall time per document, the median CPU of one document (steadier on a busy
machine), and how many store reads (queries and descriptions) each document took. With
``--profile``, pyinstrument's profile of the Turtle and HTML passes is written there.
Nothing is asserted; figures on a busy machine are provisional.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE = "https://w3id.org/lamcoop/"
KINDS = ("id/institution/inst-", "id/agreement/agreement-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--entities", type=int, default=300)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--formats", nargs="+", default=["ttl", "html"])
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)

    from graph_loader.settings import resolve_settings
    from graph_loader.store import open_store
    from sparql_endpoint.app import close_app, create_app

    store = open_store(args.store, read_only=True)
    filters = " || ".join(f'STRSTARTS(STR(?s), "{BASE}{k}")' for k in KINDS)
    every = sorted(
        row[0].value
        for row in store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER({filters}) }}")
    )
    random.Random(args.seed).shuffle(every)
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(args.store)})
    counted = CountedStore(store)
    reads = counted.reads
    app = create_app(settings, store=counted)
    client = app.test_client()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
    try:
        offset = 0
        for ext in args.formats:
            warm, offset = every[offset : offset + args.warm], offset + args.warm
            for iri in warm:
                _get(client, iri, ext)
            sample, offset = every[offset : offset + args.entities], offset + args.entities
            reads.clear()
            if profiler:
                profiler.start()
            each: list[float] = []
            cpu, wall = time.process_time(), time.perf_counter()
            for iri in sample:
                started = time.process_time()
                _get(client, iri, ext)
                each.append(time.process_time() - started)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profiler:
                profiler.stop()
            print(
                f"{ext:<5} {len(sample)} documents: cpu {cpu / len(sample) * 1000:.3f} ms/doc "
                f"(median {statistics.median(each) * 1000:.3f}), "
                f"wall {wall / len(sample) * 1000:.3f} ms/doc, "
                f"store reads {len(reads) / len(sample):.2f}/doc",
                flush=True,
            )
    finally:
        close_app(app)
        store.close()
    if profiler and args.profile:
        args.profile.write_text(profiler.output_html())
        print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])
    return 0


def _get(client, iri: str, ext: str) -> None:
    rest = iri.removeprefix(BASE + "id/")
    answer = client.get(f"/doc/{quote(rest)}.{ext}")
    if answer.status_code != 200:
        raise RuntimeError(f"{iri}: {answer.status_code}")


class CountedStore:
    """``store`` with every query's text and every description asked (pattern look-ups on
    the embedded store) kept in :attr:`reads` (for the count)."""

    def __init__(self, store):
        self._store = store
        self.reads: list[str] = []

    def query(self, sparql: str, **kwargs):
        self.reads.append(sparql)
        return self._store.query(sparql, **kwargs)

    def describe_entity(self, iri: str, **kwargs):
        self.reads.append(f"describe {iri}")
        return self._store.describe_entity(iri, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


if __name__ == "__main__":
    sys.exit(main())
