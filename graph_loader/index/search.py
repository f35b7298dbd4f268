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

from graph_loader.normalise import fold, has_cjk
from graph_loader.vocab import LANGUAGES, same_language

#: The most matches each way of matching considers: the work per query is bounded by it.
CANDIDATES = 250
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
    """Every match ranked (at most :data:`CANDIDATES` of each way), and whether any way of
    matching was cut short (then there are more)."""

    matches: list[Match]
    capped: bool


def search(
    conn: sqlite3.Connection,
    q: str,
    *,
    lang: str,
    prefix_only: bool = False,
    candidates: int = CANDIDATES,
) -> Found:
    """The entities whose labels or identifiers match ``q``, best first (see the module);
    ``prefix_only`` leaves out labels that only contain ``q``; ``candidates`` cuts each way
    of matching."""
    norm = fold(q)
    if not norm:
        return Found([], False)
    best: dict[str, Match] = {}
    capped = False
    for rank, rows in _ways(conn, norm, prefix_only, candidates):
        capped |= len(rows) >= candidates
        for iri, text, tag, term_norm in rows:
            key = (rank, 0 if tag and same_language(tag, lang) else 1, len(term_norm), term_norm)
            if iri not in best or key < best[iri].key:
                best[iri] = Match(iri, text, tag, RANKS[rank], key)
    ranked = sorted(best.values(), key=lambda m: (m.key, m.iri))
    _describe(conn, ranked, lang)
    return Found(ranked, capped)


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
                f"{cols} gram g JOIN term t ON t.id = g.id WHERE g.gram = ? LIMIT ?",
                (norm, limit),
            ).fetchall(),
        )


def _describe(conn: sqlite3.Connection, matches: list[Match], lang: str) -> None:
    """Each match's kinds and its label in ``lang`` (entities of no kind: the label matched)."""
    wanted = lang if lang in LANGUAGES else LANGUAGES[0]
    by_iri = {m.iri: m for m in matches}
    for m in matches:
        m.label, m.label_lang = m.matched, m.matched_lang
    iris = list(by_iri)
    for start in range(0, len(iris), 500):
        chunk = iris[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for iri, kind, label, tag in conn.execute(
            f"SELECT iri, kind, label, label_lang FROM entry WHERE lang = ? AND iri IN ({marks}) "
            "ORDER BY kind",
            (wanted, *chunk),
        ):
            m = by_iri[iri]
            m.kinds.append(kind)
            m.label, m.label_lang = label, tag
