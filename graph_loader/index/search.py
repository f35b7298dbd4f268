"""Text search over the index: ranked, folded, bounded.

A query is folded like the labels (:func:`graph_loader.normalise.fold`) and matched three
ways, each a lookup on an index of the file and each cut at :data:`CANDIDATES`: labels and
identifiers equal to it (B-tree), labels starting with it (B-tree range), and labels
containing it (FTS5 trigrams; Chinese, Japanese and Korean queries of two characters by
bigrams). Identifiers (ISIL, Wikidata id) match only exactly. An entity ranks by its best
label: exact before prefix before contained, then a label in the reader's language, then
shorter labels first.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader.normalise import fold, has_cjk
from graph_loader.vocab import LANGUAGES, pick_label, same_language

#: The most matches each way of matching considers: the work per query is bounded by it.
CANDIDATES = 250
#: The longest text searched: no label is longer, and the trigram index's work grows with
#: the text (a 96,000-character register cell took three minutes). The service refuses a
#: longer ``q``; the importers suggest nothing for a longer name.
MAX_QUERY_CHARS = 200
RANKS = ("exact", "prefix", "contained")


@dataclass
class Match:
    """An entity found: the label that matched best, how it matched, and its kinds."""

    iri: str
    matched: str
    matched_lang: str
    rank: str
    key: tuple[int, int, int, str] = field(repr=False)
    kinds: list[str] = field(default_factory=list)
    label: str = ""
    label_lang: str = ""


@dataclass(frozen=True)
class Found:
    """A page of the ranked matches (of one kind, or all), how many there are in all, how
    many of each kind (facets), and whether any way of matching was cut short at
    :data:`CANDIDATES` (then there are more)."""

    matches: list[Match]
    total: int = 0
    facets: dict[str, int] = field(default_factory=dict)
    capped: bool = False


def search(
    conn: sqlite3.Connection,
    q: str,
    *,
    lang: str,
    kind: str | None = None,
    start: int = 0,
    size: int = 20,
    prefix_only: bool = False,
    candidates: int = CANDIDATES,
) -> Found:
    """The entities whose labels or identifiers match ``q``, best first (see the module):
    ``size`` of them from ``start``, of ``kind`` only when it is given; ``prefix_only``
    leaves out labels that only contain ``q``; ``candidates`` cuts each way of matching."""
    norm = fold(q)
    if not norm:
        return Found([])
    best: dict[str, Match] = {}
    capped = False
    readers: dict[str, int] = {}  # a label's language tag -> 0 when it is the reader's
    for rank, rows in _ways(conn, norm, prefix_only, candidates):
        capped |= len(rows) >= candidates
        for iri, text, tag, term_norm in rows:
            if tag not in readers:
                readers[tag] = 0 if tag and same_language(tag, lang) else 1
            key = (rank, readers[tag], len(term_norm), term_norm)
            if iri not in best or key < best[iri].key:
                best[iri] = Match(iri, text, tag, RANKS[rank], key)
    ranked = sorted(best.values(), key=lambda m: (m.key, m.iri))
    facets = _kinds(conn, ranked)
    kept = [m for m in ranked if kind is None or kind in m.kinds]
    shown = kept[start : start + size]
    _label(conn, shown, lang)
    return Found(shown, len(kept), facets, capped)


def _ways(conn: sqlite3.Connection, norm: str, prefix_only: bool, limit: int):
    cols = "SELECT t.iri, t.text, t.lang, t.norm FROM"
    yield 0, conn.execute(f"{cols} term t WHERE t.norm = ? LIMIT ?", (norm, limit)).fetchall()
    yield (
        1,
        conn.execute(
            f"{cols} term t WHERE t.norm > ? AND t.norm < ? AND t.ident = 0 LIMIT ?",
            (norm, norm + "\U0010ffff", limit),
        ).fetchall(),
    )
    if prefix_only:
        return
    if len(norm) >= 3:
        phrase = '"' + norm.replace('"', '""') + '"'
        yield (
            2,
            conn.execute(
                f"{cols} term_text JOIN term t ON t.id = term_text.rowid "
                "WHERE term_text MATCH ? LIMIT ?",
                (phrase, limit),
            ).fetchall(),
        )
    elif len(norm) == 2 and has_cjk(norm):
        yield (
            2,
            conn.execute(
                f"{cols} word w JOIN term t ON t.id = w.id WHERE w.word = ? LIMIT ?",
                (norm, limit),
            ).fetchall(),
        )


def _kinds(conn: sqlite3.Connection, matches: list[Match]) -> dict[str, int]:
    """Set each match's kinds (read from the summary's index alone); how many of each."""
    by_iri = {m.iri: m for m in matches}
    facets: dict[str, int] = {}
    iris = list(by_iri)
    for first in range(0, len(iris), 500):
        chunk = iris[first : first + 500]
        marks = ",".join("?" * len(chunk))
        for iri, kind in conn.execute(
            f"SELECT DISTINCT iri, kind FROM entry WHERE iri IN ({marks}) ORDER BY iri, kind",
            chunk,
        ):
            by_iri[iri].kinds.append(kind)
            facets[kind] = facets.get(kind, 0) + 1
    return facets


def _label(conn: sqlite3.Connection, matches: list[Match], lang: str) -> None:
    """Each shown match's label in ``lang``, by the one label rule (:func:`pick_label`): the
    entry's for an entity of a kind, else picked among the labels its graphs give."""
    wanted = lang if lang in LANGUAGES else LANGUAGES[0]
    for m in matches:
        m.label, m.label_lang = m.matched, m.matched_lang
        row = conn.execute(
            "SELECT label, label_lang FROM entry WHERE iri = ? AND lang = ? LIMIT 1",
            (m.iri, wanted),
        ).fetchone()
        if row:
            m.label, m.label_lang = row
            continue
        labels = [
            (pred, ox.Literal(value, language=tag or None))
            for pred, value, tag in conn.execute(
                "SELECT pred, value, lang FROM fact WHERE iri = ? AND what = 'l' LIMIT 200",
                (m.iri,),
            )
        ]
        picked = pick_label(labels, lang=wanted)
        if picked is not None:
            m.label, m.label_lang = picked.value, picked.language or ""
