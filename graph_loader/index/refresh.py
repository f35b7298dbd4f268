"""Bringing the index up to date: :func:`refresh` for the graphs a write touched,
:func:`rebuild` for all of them.

A refresh reads the written graphs alone (their types, labels and identifiers, three
queries bounded by those graphs), swaps their facts in the index, and recomputes what pages
show for the entities whose facts in those graphs changed, from the facts of every graph. Only the
graphs of the catalogue's index purpose (:data:`graph_loader.graphs.Purpose.INDEX`) are
read: the store's bookkeeping, audit results, VoID and provenance are not entries.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from operator import itemgetter

import pyoxigraph as ox

from graph_loader.graphs import Purpose, covered
from graph_loader.index.db import KINDS, open_reading, open_writing
from graph_loader.index.facts import Fact, facts_of, read_facts
from graph_loader.normalise import fold, key_words
from graph_loader.store import GraphInfo, ReadableStore
from graph_loader.vocab import (
    LANGUAGES,
    SKOS,
    Labelled,
    pick_label,
    sparql_prefixes,
)

# One branch per kind, its class written in the path: Virtuoso runs a transitive path only
# from a constant end ("transitive start not given" with the end bound by VALUES).
_KINDS = sparql_prefixes("rdfs") + (
    "SELECT DISTINCT ?t ?k WHERE { "
    + " UNION ".join(f"{{ ?t rdfs:subClassOf* <{k.cls}> BIND(<{k.cls}> AS ?k) }}" for k in KINDS)
    + " }"
)


def behind(
    store: ReadableStore, *, base_iri: str, graphs: Sequence[GraphInfo] | None = None
) -> bool:
    """Whether the index is missing, or was last brought up to date for graphs of other
    sizes than the store's (a write whose refresh a crash prevented); read-only.
    ``graphs``: the store's graphs, when the caller has just listed them."""
    conn = open_reading(store)
    if conn is None:
        return True
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'graphs'").fetchone()
    finally:
        conn.close()
    return row is None or json.loads(row[0]) != _listing(store, base_iri, graphs)


def resized(store: ReadableStore, *, base_iri: str) -> list[str]:
    """The graphs the index reads whose triple count is not the one it last saw (all of them
    when it was never built), sorted: what a write made outside lamcoop most likely changed."""
    listing = _listing(store, base_iri)
    conn = open_reading(store)
    if conn is None:
        return sorted(listing)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'graphs'").fetchone()
    finally:
        conn.close()
    seen: dict[str, int] = json.loads(row[0]) if row else {}
    return sorted(g for g in seen.keys() | listing.keys() if seen.get(g) != listing.get(g))


def _listing(
    store: ReadableStore, base_iri: str, graphs: Sequence[GraphInfo] | None = None
) -> dict[str, int]:
    """The triple count of each graph the index reads (the catalogue's index purpose), from
    ``graphs`` when the caller has just counted them (a count is a pass over the store)."""
    found = store.graphs() if graphs is None else graphs
    return {g.iri: g.triples for g in covered(Purpose.INDEX, found, base_iri=base_iri)}


def refresh(
    store: ReadableStore,
    graphs: Iterable[str],
    *,
    base_iri: str,
    read: Mapping[str, Iterable[ox.Triple | ox.Quad]] | None = None,
    counted: Sequence[GraphInfo] | None = None,
) -> int:
    """Re-read ``graphs`` (written, emptied or dropped) into the index, in one transaction,
    and with them every graph whose triple count is not what the index last saw (an update's
    graphs, or a write whose refresh a crash prevented); returns how many entities were
    recomputed. ``read`` gives, for graphs whose whole content the write read, its triples
    of :data:`~graph_loader.index.facts.FACT_PREDICATES`: those graphs are not read back;
    ``counted``, the store's graphs as the caller counted them after the write."""
    conn = open_writing(store)
    try:
        with conn:
            listing = _listing(store, base_iri, counted)
            row = conn.execute("SELECT value FROM meta WHERE key = 'graphs'").fetchone()
            seen: dict[str, int] = json.loads(row[0]) if row else {}
            moved = {g for g in seen.keys() | listing.keys() if seen.get(g) != listing.get(g)}
            n = _refresh(conn, store, sorted(set(graphs) | moved), base_iri, read or {})
            _remember(conn, listing)
            return n
    finally:
        conn.close()


def _remember(conn: sqlite3.Connection, listing: dict[str, int]) -> None:
    """Note each graph's triple count as the index has now read it."""
    conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('graphs', ?)",
        (json.dumps(listing, sort_keys=True),),
    )


def rebuild(store: ReadableStore, *, base_iri: str) -> int:
    """Build the index afresh from every graph; returns the number of entities indexed."""
    conn = open_writing(store)
    try:
        with conn:
            for table in ("fact", "entry", "kind_count", "term", "term_text", "word"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM meta WHERE key != 'schema'")
            listing = _listing(store, base_iri)
            n = _refresh(conn, store, sorted(listing), base_iri, {})
            _remember(conn, listing)
            return n
    finally:
        conn.close()


def _refresh(
    conn: sqlite3.Connection,
    store: ReadableStore,
    graphs: list[str],
    base: str,
    read: Mapping[str, Iterable[ox.Triple | ox.Quad]],
) -> int:
    """Swap in the facts of ``graphs`` (from the triples ``read`` gives, the others read
    from ``store``) and recompute the entities whose facts changed; returns how many."""
    affected: set[str] = set()
    for graph in graphs:
        # Only the entities whose facts in this graph changed are recomputed: a graph
        # replaced by itself, or with a few edits, costs its read, not every entry again.
        before = Counter(conn.execute("SELECT * FROM fact WHERE graph = ?", (graph,)))
        conn.execute("DELETE FROM fact WHERE graph = ?", (graph,))
        rows: list[Fact] = []
        if Purpose.INDEX.covers(graph, base_iri=base):
            if graph in read:
                rows = facts_of(graph, read[graph])
            elif store.has_graph(graph):
                rows = list(read_facts(store, graph))
        conn.executemany("INSERT INTO fact VALUES (?, ?, ?, ?, ?, ?)", rows)
        changed = Counter(rows)
        changed.subtract(before)
        affected.update(row[1] for row, n in changed.items() if n)
    kinds = _kinds_of_types(store)
    # A write that changed which classes fall under a kind (the ontology, or a user's
    # rdfs:subClassOf) changes the kinds of entities in every graph: recompute them all.
    signature = json.dumps(sorted((t, sorted(k)) for t, k in kinds.items()))
    before = conn.execute("SELECT value FROM meta WHERE key = 'kinds'").fetchone()
    if before is None or before[0] != signature:
        affected.update(r[0] for r in conn.execute("SELECT DISTINCT iri FROM fact"))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('kinds', ?)", (signature,))
    _recompute(conn, sorted(affected), kinds)
    conn.execute("DELETE FROM kind_count")
    conn.execute(
        "INSERT INTO kind_count SELECT kind, COUNT(*) FROM entry WHERE lang = ? GROUP BY kind",
        (LANGUAGES[0],),
    )
    return len(affected)


def _kinds_of_types(store: ReadableStore) -> dict[str, set[str]]:
    """Each class under an entry kind's class (itself included) -> the kinds' names."""
    by_class = {k.cls: k.name for k in KINDS}
    out: dict[str, set[str]] = defaultdict(set)
    for row in store.query(_KINDS):
        out[row["t"].value].add(by_class[row["k"].value])
    return out


def _recompute(conn: sqlite3.Connection, iris: list[str], kinds: dict[str, set[str]]) -> None:
    """Replace the entries and search terms of ``iris`` with what the facts now say."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS affected(iri TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM affected")
    conn.executemany("INSERT INTO affected VALUES (?)", ((i,) for i in iris))
    old = "SELECT id FROM term WHERE iri IN (SELECT iri FROM affected)"
    conn.execute(f"DELETE FROM term_text WHERE rowid IN ({old})")
    conn.execute(f"DELETE FROM word WHERE id IN ({old})")
    conn.execute("DELETE FROM term WHERE iri IN (SELECT iri FROM affected)")
    conn.execute("DELETE FROM entry WHERE iri IN (SELECT iri FROM affected)")
    rows = conn.execute(
        "SELECT iri, what, pred, value, lang FROM fact WHERE iri IN (SELECT iri FROM affected) "
        "ORDER BY iri"
    )
    rows_of = _Rows(conn.execute("SELECT COALESCE(MAX(id), 0) FROM term").fetchone()[0])
    for iri, facts in groupby(rows.fetchall(), key=itemgetter(0)):
        rows_of.add(iri, [f[1:] for f in facts], kinds)
    rows_of.write(conn)
    conn.execute("DELETE FROM affected")


class _Rows:
    """The index rows of the entities recomputed, gathered to be written in four batches;
    term ids are given here, after the largest the table holds."""

    def __init__(self, last_id: int) -> None:
        self.last_id = last_id
        self.entries: list[tuple[str, str, str, str, str, str]] = []
        self.terms: list[tuple[int, str, str, str, str, int, str]] = []
        self.texts: list[tuple[int, str]] = []
        self.words: list[tuple[str, int]] = []

    def add(
        self, iri: str, facts: list[tuple[str, str, str, str]], kinds: dict[str, set[str]]
    ) -> None:
        """Gather the entries and search terms of one entity from its facts."""
        labels: list[Labelled] = []
        terms: set[tuple[str, str, int]] = set()
        names: set[str] = set()
        for what, pred, value, lang in facts:
            if what == "t":
                names |= kinds.get(value, set())
            elif what == "l":
                terms.add((value, lang, 0))
                if pred != SKOS + "altLabel":
                    labels.append((pred, ox.Literal(value, language=lang or None)))
            else:
                terms.add((value, "", 1))
        if names:
            for lang in LANGUAGES:
                lit = pick_label(labels, lang=lang)
                text, tag = (lit.value, lit.language or "") if lit else (_local(iri), "")
                key = fold(text) or text
                self.entries += [(name, lang, key, iri, text, tag) for name in sorted(names)]
        for text, lang, ident in sorted(terms):
            norm = fold(text)
            if not norm:
                continue
            self.last_id += 1
            self.terms.append((self.last_id, iri, norm, text, lang, ident, norm.replace(" ", "")))
            if ident:
                continue
            self.texts.append((self.last_id, norm))
            self.words += [(w, self.last_id) for w in set(key_words(norm))]

    def write(self, conn: sqlite3.Connection) -> None:
        """Write what was gathered."""
        conn.executemany("INSERT OR IGNORE INTO entry VALUES (?, ?, ?, ?, ?, ?)", self.entries)
        conn.executemany(
            "INSERT INTO term(id, iri, norm, text, lang, ident, squeezed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            self.terms,
        )
        conn.executemany("INSERT INTO term_text(rowid, norm) VALUES (?, ?)", self.texts)
        conn.executemany("INSERT OR IGNORE INTO word VALUES (?, ?)", self.words)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri
