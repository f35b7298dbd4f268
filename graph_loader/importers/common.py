"""What every importer shares: rows, problems, outcomes, slugs and IRIs.

An importer reads a file as :class:`Row` objects and turns each into an :class:`Outcome`
(the row's quads, in the default graph, and whether it merged with an institution that
already exists), or rejects it with :class:`RowRejected` naming every problem of the row.

>>> slugify("Joint licensing & training")
'joint-licensing-training'
>>> is_slug("calis"), is_slug("CALIS"), is_slug("a--b")
(True, False, False)
"""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from graph_loader.bounded import CELL_LIMIT, Refused
from graph_loader.loading import LoadError
from graph_loader.normalise import fold
from graph_loader.store import Store

#: Any RDF term pyoxigraph gives or takes.

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ImportFailed(LoadError):
    """The file cannot be imported at all (unreadable, wrong header, or bad rows)."""


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a row (or, for ``dropped``, a value left out)."""

    field: str
    reason: str


class RowRejected(Exception):
    """A row that cannot be loaded, with every problem found in it."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Row:
    """One record of the file: where it is (CSV line, JSON path or ``Sheet1!7``), its cells,
    its raw text, where each cell is when the file says more (``Sheet1!D7``), and the
    problems of cells the reader could not read (a formula with no saved value)."""

    where: str
    cells: Mapping[str, Any]
    raw: str
    places: Mapping[str, str] = field(default_factory=dict)
    unread: Sequence[Problem] = ()

    def place(self, column: str) -> str:
        """Where the cell of ``column`` is: its own place if known, else the row's."""
        return self.places.get(column, self.where)


@dataclass
class Outcome:
    """What one good row gives: its quads (default graph); ``merged``: it adds to an entity
    that already exists; ``dropped``: values left out (the row is loaded without them)."""

    quads: list[ox.Quad]
    merged: bool = False
    dropped: list[Problem] = field(default_factory=list)


#: The language tag of text whose language nothing says.
UNDETERMINED = "und"


@dataclass(frozen=True)
class ImportContext:
    """What an importer may use: the store (for look-ups), the base IRI and the target."""

    store: Store
    base_iri: str
    graph: str
    source: str
    replace: bool = True
    #: How ``DD/MM/YYYY``-style dates are read: ``dmy``, ``mdy``, or ``None`` (only when
    #: one reading is a date).
    date_order: str | None = None
    #: The calendar of dates in digits before the year 1500: ``gregorian`` (they are an
    #: error) or ``solar-hijri`` (see :mod:`graph_loader.importers.solar_hijri`).
    calendar: str = "gregorian"
    #: The language of a register's texts where a row does not say (a BCP 47 tag; ``und``:
    #: undetermined, ``lamcoop load --language`` names another).
    language: str = UNDETERMINED

    def iri(self, kind: str, *slugs: str) -> ox.NamedNode:
        """``{base}id/{kind}/{slug}[/{slug}...]``."""
        return ox.NamedNode(f"{self.base_iri}id/{kind}/{'/'.join(slugs)}")

    @property
    def lookup_excludes(self) -> str | None:
        """The graph look-ups ignore: the one a replacing load is about to overwrite."""
        return self.graph if self.replace else None


def is_slug(text: str) -> bool:
    """Lower-case ASCII words joined by single ``-``."""
    return _SLUG.fullmatch(text) is not None


def slugify(text: str) -> str:
    """A slug made from free text (accents stripped; empty when nothing ASCII is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def word_slug(text: str) -> str:
    """A slug for a term or id a register writes in words (an agreement's id, a cooperation
    area, a governing unit): :func:`slugify` for text in Latin letters, else the text's words
    in their own scripts, folded as search folds them (:func:`graph_loader.normalise.fold`:
    Persian letter variants one, ZWNJ and marks dropped, Persian digits ASCII, Chinese
    simplified), so that a Persian or Chinese register's own ids and terms get IRIs, the
    same however they were typed, and a word in another script is never dropped; empty for
    text with no letter or digit.

    >>> word_slug("Union catalogue"), word_slug("امانت بین‌کتابخانه‌اي"), word_slug("聯合 目錄")
    ('union-catalogue', 'امانت-بینکتابخانهای', '联合-目录')
    >>> word_slug("توافق ۱") == word_slug("توافق 1") == "توافق-1", word_slug("؟!«»")
    (True, '')
    """
    decomposed = unicodedata.normalize("NFKD", text)
    if not any(ch.isalnum() and not ch.isascii() for ch in decomposed):
        return slugify(text)
    return "-".join(unicodedata.normalize("NFC", fold(text)).split())


#: Semicolons as Persian (``؛``) and Chinese (``；``) write them separate values as ``;``
#: does; the ideographic comma (``、``), with which Chinese lists names, separates the
#: values of a list of names or terms (not a provision's text, where it is punctuation).
SEMICOLONS = ";\u061b\uff1b"
NAME_LIST_COMMAS = "\u3001"


def split_multi(value: Any, *, lines: bool = True, names: bool = False) -> list[str]:
    """The values of a multi-valued cell: a JSON list, or text split on a semicolon (``;``,
    ``؛`` or ``；``; ``\\;`` escapes) and, with ``lines``, on line breaks too, as a
    spreadsheet cell lists values one per line (Alt+Enter in Excel); with ``names`` (a list
    of names or terms), on Chinese's ideographic comma (``、``) too. Provision texts pass
    ``lines=False``: their line breaks are paragraphs of one text.

    >>> split_multi("a; b\\\\; c ;; ")
    ['a', 'b; c']
    >>> split_multi("CALIS\\r\\nNLC\\n\\nDE-101; Q7158"), split_multi("one\\ntext", lines=False)
    (['CALIS', 'NLC', 'DE-101', 'Q7158'], ['one\\ntext'])
    >>> split_multi("کتابخانه ملی؛ دانشگاه تهران")
    ['کتابخانه ملی', 'دانشگاه تهران']
    >>> split_multi("北京大学、清华大学；CALIS", names=True), split_multi("第三条、第五条")
    (['北京大学', '清华大学', 'CALIS'], ['第三条、第五条'])
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    separators = rf"(?<!\\)[{SEMICOLONS}]"
    if lines:
        separators += r"|\r\n|\n|\r"
    if names:
        separators += rf"|[{NAME_LIST_COMMAS}]"
    parts = re.split(separators, str(value))
    return [re.sub(rf"\\([{SEMICOLONS}])", r"\1", p).strip() for p in parts if p.strip()]


def csv_rows(
    lines: Iterable[str], *, delimiter: str, quoted: bool = True, first_line: int = 1
) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of every record; a quoted cell may span lines
    (``quoted=False``: quotes are text like any other). ``first_line`` is the number of the
    first of ``lines`` in its file.

    A quote left open (which would make the rest of the file one cell), text after a
    closing quote, or a cell over :data:`~graph_loader.bounded.CELL_LIMIT` is refused
    (:class:`~graph_loader.bounded.Refused`) with the line where that field began.
    """
    tracked = _Lines(lines)
    reader = (
        csv.reader(tracked, delimiter=delimiter, strict=True)
        if quoted
        else csv.reader(tracked, delimiter=delimiter, quoting=csv.QUOTE_NONE, strict=False)
    )
    start = first_line
    while True:
        tracked.record.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = _field_line("".join(tracked.record), delimiter, start) if quoted else start
            raise Refused(_csv_problem(str(exc)), line=line) from None
        yield start, cells
        start = reader.line_num + first_line


def _csv_problem(message: str) -> str:
    """What :mod:`csv`'s error ``message`` means for the person who wrote the file."""
    if message.startswith("unexpected end of data"):
        return (
            "a quoted field begins on this line and its closing quote is missing (the rest "
            "of the file would be one cell); nothing loaded"
        )
    if "expected after" in message:
        return (
            "text follows the closing quote of a field that begins on this line (a quote "
            'inside a quoted field is written ""); nothing loaded'
        )
    if message.startswith("field larger than field limit"):
        return f"a field over {CELL_LIMIT:,} characters begins on this line; nothing loaded"
    return f"{message}; nothing loaded"


class _Lines:
    """The lines of a text, keeping those of the record being read (for error places)."""

    def __init__(self, lines: Iterable[str]):
        self.lines = iter(lines)
        self.record: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        self.record.append(line)
        return line


def _field_line(text: str, delimiter: str, line: int) -> int:
    """The line where the field that broke a record began: the one whose quote is never
    closed, whose closing quote is followed by text, or the last one read.

    >>> _field_line('1,ok,"open\\n2,"x"\\n', ",", 4)
    4
    >>> _field_line('1,"a\\nb",c\\n"x"y\\n', ",", 1)
    3
    """
    ends = re.compile(f"[{re.escape(delimiter)}\n]")
    i, began = 0, line
    while i < len(text):
        began = line
        if text[i] == '"':
            close = i + 1
            while (close := text.find('"', close)) >= 0 and text.startswith('""', close):
                close += 2
            if close < 0:
                return began
            line += text.count("\n", i, close)
            i = close + 1
            if i < len(text) and text[i] not in (delimiter, "\r", "\n"):
                return began
        end = ends.search(text, i)
        if end is None:
            return began
        line += end.group() == "\n"
        i = end.end()
    return began


def raw_text(cells: Sequence[str], delimiter: str) -> str:
    """A record written back as one line of the file's own syntax (for the report)."""
    if delimiter == "\t":
        return "\t".join(cells)
    out: list[str] = []
    writer = csv.writer(_Collect(out), delimiter=delimiter, lineterminator="")
    writer.writerow(cells)
    return "".join(out)


class _Collect:
    def __init__(self, out: list[str]):
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)


def header_error(path: Path, message: str) -> ImportFailed:
    """An error about the file's header (line 1)."""
    return ImportFailed(f"{path}:1: {message}")


def literal(text: str, language: str | None = None) -> ox.Literal:
    """A plain literal, language-tagged when a language is known."""
    return ox.Literal(text, language=language) if language else ox.Literal(text)


#: Byte order marks and the encodings they name, UTF-32's first (its little-endian mark
#: begins with UTF-16's).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


def table_encoding(head: bytes, told: str | None, default: str) -> str:
    """The encoding a table's text is read in: the one the load was told, else the one a
    byte order mark at its start names (Excel's "Unicode Text" is UTF-16 with a mark), else
    UTF-16 when its first two characters are ASCII written in two bytes each (a header such
    as ``id`` saved as UTF-16 without a mark), else ``default`` (the importer's).

    >>> table_encoding("id\ttitle".encode("utf-16"), None, "utf-8-sig")
    'utf-16'
    >>> [table_encoding("id".encode(name), None, "x") for name in ("utf-16-le", "utf-16-be")]
    ['utf-16-le', 'utf-16-be']
    >>> table_encoding(b"id,title", None, "utf-8-sig"), table_encoding(b"", "cp1256", "utf-8")
    ('utf-8-sig', 'cp1256')
    """
    if told:
        return told
    marked = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    if marked is not None:
        return marked
    if len(head) >= 4 and head[1] == head[3] == 0 and head[0] and head[2]:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == head[2] == 0 and head[1] and head[3]:
        return "utf-16-be"
    return default


def table_delimiter(header: str, suffix: str) -> str:
    """The cell separator of a table whose first line is ``header``: a tab for a ``.tsv``,
    ``.tab`` or ``.txt`` file (Excel's "Unicode Text") or a header with tabs; a semicolon
    when the header has more semicolons than commas (Excel saves "CSV" so where a comma is
    the decimal mark: French, German, Russian... settings); else a comma. Only the header is
    read: its cells are column names, which hold neither.

    >>> [table_delimiter(h, ".csv") for h in ("id;title;signed", "id,title", "id\\ttitle")]
    [';', ',', '\\t']
    >>> table_delimiter("id,title", ".tsv")
    '\\t'
    """
    if suffix.lower() in (".tsv", ".tab", ".txt") or "\t" in header:
        return "\t"
    return ";" if header.count(";") > header.count(",") else ","


class Prefixed:
    """A text stream with characters already read put back in front (a whole first line,
    or its beginning)."""

    def __init__(self, head: str, handle: TextIO):
        self.head = head
        self.handle = handle

    def __iter__(self) -> Iterator[str]:
        whole = self.head.endswith(("\n", "\r"))
        first = self.head if whole else self.head + self.handle.readline()
        if first:
            yield first
        yield from self.handle
