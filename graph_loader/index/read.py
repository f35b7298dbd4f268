"""Reading the summary: counts per entry kind, and a page of one kind's list.

Each read is a lookup on an index of the file: its cost depends on the page, not on how
much the store holds. Lists page by key (the sort key and IRI of the last entry shown),
never by skipping rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from graph_loader.index.db import KINDS


@dataclass(frozen=True)
class Entry:
    """One entity in a kind's list: its IRI, the label shown and that label's language."""

    iri: str
    label: str
    lang: str
    sortkey: str


@dataclass(frozen=True)
class Page:
    """A page of a kind's list, and the key of the next page (``None``: the last page)."""

    entries: list[Entry]
    after: tuple[str, str] | None


def counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(kind, number of entities) for every kind that has any, in :data:`KINDS` order."""
    found = dict(conn.execute("SELECT kind, n FROM kind_count").fetchall())
    return [(k.name, int(found[k.name])) for k in KINDS if found.get(k.name)]


def page(
    conn: sqlite3.Connection,
    kind: str,
    *,
    lang: str,
    after: tuple[str, str] | None = None,
    size: int = 50,
) -> Page:
    """Up to ``size`` entries of ``kind`` ordered by label in ``lang``, after the key
    ``after`` (sort key, IRI) of the previous page's last entry."""
    key = after or ("", "")
    rows = conn.execute(
        "SELECT iri, label, label_lang, sortkey FROM entry WHERE kind = ? AND lang = ? "
        "AND (sortkey, iri) > (?, ?) ORDER BY sortkey, iri LIMIT ?",
        (kind, lang, key[0], key[1], size + 1),
    ).fetchall()
    entries = [Entry(iri, label, tag, sortkey) for iri, label, tag, sortkey in rows[:size]]
    more = len(rows) > size
    return Page(entries, (entries[-1].sortkey, entries[-1].iri) if more else None)
