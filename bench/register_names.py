"""Institutions a register names by label, on a large store: looked up name by name in the
text index (what ``lamcoop load`` does when the index is up to date) against every
institution's labels read at once (what it did before, and still does without an index).

    .venv/bin/python -P bench/register_names.py STORE            # a store built and loaded
    .venv/bin/python -P bench/register_names.py STORE --names 500

STORE is opened read-only and left as it is: make it with ``lamcoop build`` and load the
Wikidata/ISIL and IMLS registries and the 1M synthetic file, as ``bench/pages.py`` does. The
names: ``--names`` institution labels drawn from the index with a fixed seed, a tenth of
them typed as people do (upper case, no accents, hyphens for spaces), and ten names of no
institution (whose suggestions are asked too, as an error does). Printed: the store's size,
the time to set up each way (the index's check against the store's graphs; reading every
label), the time per name found and per suggestion, whether both ways found the same IRIs
for every name, and the ratios. Both ways run in this process, one after the other, each on
a store whose pages were read by the other first (``--cold`` drops the page cache before
each way, as root).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
import unicodedata  # noqa: E402

import pyoxigraph as ox  # noqa: E402

from graph_loader.importers.indexed_names import indexed_institutions  # noqa: E402
from graph_loader.importers.names import NameIndex, institution_names  # noqa: E402
from graph_loader.index.db import open_reading  # noqa: E402
from graph_loader.store import open_store  # noqa: E402

BASE = "https://w3id.org/lamcoop/"
UNKNOWN = [f"Bibliotheca Nowhere {n}" for n in range(10)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--names", type=int, default=300)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each way")
    args = parser.parse_args(argv)

    names = _names(args.store, args.names, args.seed)
    store = open_store(args.store, read_only=True)
    try:
        print(f"pyoxigraph {ox.__version__}, Python {platform.python_version()}, "
              f"{os.cpu_count()} CPUs, load {_load()}")  # fmt: skip
        triples = sum(g.triples for g in store.graphs())
        print(f"store: {triples:,} triples; {len(names)} names + {len(UNKNOWN)} unknown")
        indexed, setup_i = _timed(lambda: indexed_institutions(store, base_iri=BASE), args.cold)
        assert indexed is not None, "the store's index is missing or behind: lamcoop refresh"
        whole, setup_w = _timed(lambda: institution_names(store, BASE), args.cold)
        found_i, per_i = _finding(indexed, names)
        found_w, per_w = _finding(whole, names)
        near_i = _per(lambda: [indexed.near(n) for n in UNKNOWN]) / len(UNKNOWN)
        near_w = _per(lambda: [whole.near(n) for n in UNKNOWN]) / len(UNKNOWN)
    finally:
        store.close()
    same = sum(found_i[n] == found_w[n] for n in names)
    print(f"set-up: index {setup_i:.2f} s, every label {setup_w:.2f} s ({setup_w / setup_i:.0f}x)")
    print(f"per name found: index {per_i * 1000:.2f} ms, every label {per_w * 1000:.3f} ms")
    print(f"per suggestion: index {near_i * 1000:.1f} ms, every label {near_w * 1000:.1f} ms")
    print(f"same IRIs for {same} of {len(names)} names; found {sum(map(bool, found_i.values()))}")
    for count in (2, 100, 2000):
        a, b = setup_i + count * per_i, setup_w + count * per_w
        print(f"a register naming {count} parties: index {a:.2f} s, every label {b:.2f} s "
              f"(ratio {a / b:.3f})")  # fmt: skip
    print(f"load at the end: {_load()}")
    return 0 if same == len(names) else 1


def _names(path: Path, count: int, seed: int) -> list[str]:
    """Labels of institutions from the index, a tenth typed as people do."""
    store = open_store(path, read_only=True)
    conn = open_reading(store)
    assert conn is not None, "no index: build the store with lamcoop build"
    try:
        labels = sorted(
            {row[0] for row in conn.execute(
                "SELECT label FROM entry WHERE kind = 'institutions' AND lang = 'en'")}
        )  # fmt: skip
    finally:
        conn.close()
        store.close()
    random.Random(seed).shuffle(labels)
    chosen = labels[:count]
    for n in range(0, len(chosen), 10):
        plain = unicodedata.normalize("NFD", chosen[n])
        chosen[n] = "".join(c for c in plain if not unicodedata.combining(c)).upper()
    return chosen


def _finding(names: NameIndex, asked: list[str]) -> tuple[dict[str, list[str]], float]:
    started = time.perf_counter()
    found = {name: names.find(name) for name in asked}
    return found, (time.perf_counter() - started) / len(asked)


def _timed(make, cold: bool):
    if cold:
        os.system("sync; echo 3 > /proc/sys/vm/drop_caches")
    started = time.perf_counter()
    made = make()
    return made, time.perf_counter() - started


def _per(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
