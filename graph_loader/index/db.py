"""The index file: where it is, its tables, and the entry kinds it summarises.

Why SQLite beside the store rather than quads in a graph: the store's graphs are all in the
union that queries see, so an index graph would show in every query's answers (or need a
rule to hide it), and Oxigraph has no text index of its own. SQLite gives B-tree keyset
paging, FTS5's trigram index for any substring, transactions, and safe reading from many
processes; it lives in the store's directory, so copying or backing up the store takes it
along. Per graph it keeps the facts it read (types, labels, identifiers), so that a write to
one graph is re-read from that graph alone; per entity it keeps what pages show.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from graph_loader.store import ReadableStore
from graph_loader.vocab import DCTERMS, LAMC, SKOS

FILE_NAME = "index.sqlite"
#: Bump when the tables change: an index of another version is rebuilt by ``lamcoop build``.
SCHEMA_VERSION = "2"


@dataclass(frozen=True)
class Kind:
    """An entry kind: a name in URLs and pages, and the class whose instances (subclasses
    included) it lists."""

    name: str
    cls: str


#: The kinds the home page counts and lists, in the order it shows them. Provisions, audit
#: results, distributions and the dataset are not among them.
KINDS: tuple[Kind, ...] = (
    Kind("institutions", LAMC + "Institution"),
    Kind("consortia", LAMC + "Consortium"),
    Kind("agreements", LAMC + "Agreement"),
    Kind("studies", LAMC + "Study"),
    Kind("resources", LAMC + "SharedResource"),
    Kind("services", LAMC + "Service"),
    Kind("standards", DCTERMS + "Standard"),
    Kind("concepts", SKOS + "Concept"),
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- What each graph says, as read from it: kind 't' type, 'l' label, 'i' identifier.
CREATE TABLE IF NOT EXISTS fact(
  graph TEXT NOT NULL, iri TEXT NOT NULL, what TEXT NOT NULL,
  pred TEXT NOT NULL, value TEXT NOT NULL, lang TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS fact_graph ON fact(graph);
CREATE INDEX IF NOT EXISTS fact_iri ON fact(iri);
-- Per entity and kind, in each page language: the label shown and its sort key.
CREATE TABLE IF NOT EXISTS entry(
  kind TEXT NOT NULL, lang TEXT NOT NULL, sortkey TEXT NOT NULL, iri TEXT NOT NULL,
  label TEXT NOT NULL, label_lang TEXT NOT NULL,
  PRIMARY KEY(kind, lang, sortkey, iri)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_iri ON entry(iri);
CREATE TABLE IF NOT EXISTS kind_count(kind TEXT PRIMARY KEY, n INTEGER NOT NULL);
-- Search: every label and identifier of an entity, folded; ident=1 matches exactly only.
-- squeezed: norm without spaces (graph_loader.normalise.squeeze), for names matched whole.
CREATE TABLE IF NOT EXISTS term(
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL, norm TEXT NOT NULL, text TEXT NOT NULL,
  lang TEXT NOT NULL, ident INTEGER NOT NULL, squeezed TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS term_norm ON term(norm);
CREATE INDEX IF NOT EXISTS term_squeezed ON term(squeezed);
CREATE INDEX IF NOT EXISTS term_iri ON term(iri);
CREATE VIRTUAL TABLE IF NOT EXISTS term_text USING fts5(norm, tokenize='trigram');
-- The words of each label term (graph_loader.normalise.key_words: Chinese, Japanese and
-- Korean by character bigrams, which the trigram index cannot find), for reconciliation
-- and for two-character searches.
CREATE TABLE IF NOT EXISTS word(word TEXT NOT NULL, id INTEGER NOT NULL,
  PRIMARY KEY(word, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS word_id ON word(id);
"""


def index_path(store: ReadableStore) -> Path:
    """Where ``store`` keeps its index."""
    return store.side_file(FILE_NAME)


def open_writing(store: ReadableStore) -> sqlite3.Connection:
    """The index opened for writing (made, with its tables, when absent). Commit or roll
    back with the connection as a context manager; close it after."""
    conn = sqlite3.connect(index_path(store), timeout=30, isolation_level="DEFERRED")
    made = _schema(conn)
    if made != SCHEMA_VERSION:  # made once: the script commits, which costs a sync each time
        if made is not None:  # an index of another version: made again, then read afresh
            _drop_all(conn)
        conn.executescript(_SCHEMA)
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
        )
        conn.commit()
    return conn


def _schema(conn: sqlite3.Connection) -> str | None:
    """The schema version the index file was made with, or ``None`` for a new file."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return None
    return row[0] if row else None


def _drop_all(conn: sqlite3.Connection) -> None:
    """Every table of an index made by another version of lamcoop dropped, in one
    transaction: :func:`~graph_loader.index.refresh.behind` then finds it behind, and the
    next ``lamcoop serve`` or ``lamcoop refresh`` fills it again."""
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%'"
        " AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
    ).fetchall()
    with conn:
        for (name,) in virtual + names:
            if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone():
                conn.execute(f'DROP TABLE "{name}"')


def open_reading(store: ReadableStore) -> sqlite3.Connection | None:
    """The index opened read-only, or ``None`` when it was never built (or was made by
    another version of lamcoop: its tables are not this one's)."""
    path = index_path(store)
    if not path.is_file():
        return None
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        conn.execute("SELECT 1 FROM kind_count LIMIT 1").fetchall()
        current = _schema(conn) == SCHEMA_VERSION
    except sqlite3.DatabaseError:
        current = False
    if not current:
        conn.close()
        return None
    return conn
