"""Importers for users' own tables: agreement registers and institution registries.

``lamcoop load FILE`` picks the importer named by ``--as`` or, failing that, the one whose
header the file has (:func:`detect`); files that are not tables are RDF and go to
:func:`graph_loader.loading.load_file`. docs/importers.md documents each format.
"""

from __future__ import annotations

from pathlib import Path

from graph_loader.importers.agreements import AgreementImporter
from graph_loader.importers.common import ImportFailed, table_encoding
from graph_loader.importers.imls_museums import ImlsMuseumImporter
from graph_loader.importers.register_header import (
    MAX_ABOVE,
    ColumnNames,
    header_index,
    line_cells,
)
from graph_loader.importers.register_rows import COLUMNS as AGREEMENT_COLUMNS
from graph_loader.importers.register_rows import register_columns
from graph_loader.importers.runner import ImportRejected, ImportResult, run_import
from graph_loader.importers.spreadsheets import SUFFIXES as SPREADSHEETS
from graph_loader.importers.wikidata_isil import WikidataIsilImporter
from graph_loader.rdf_formats import source_name
from graph_loader.safe_output import quoted
from graph_loader.store import ReadableStore, Store

IMPORTERS: dict[str, type] = {
    "agreements": AgreementImporter,
    "wikidata-isil": WikidataIsilImporter,
    "imls-museums": ImlsMuseumImporter,
}
#: Tables by their file's suffix; ``.txt`` is Excel's "Unicode Text" (tab-separated UTF-16).
TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
_PEEK = 1 << 16

__all__ = [
    "IMPORTERS",
    "ImportFailed",
    "ImportRejected",
    "ImportResult",
    "default_report_path",
    "detect",
    "import_file",
]


def detect(
    path: str | Path, *, store: ReadableStore | None = None, encoding: str | None = None
) -> str | None:
    """The importer that reads ``path``, from its header; ``None`` when it is RDF.

    A spreadsheet (``.xlsx``, ``.ods``) is an agreement register. A ``.csv``/``.tsv`` file
    must have one of the importers' headers (a register's columns named by the labels of
    ``store`` too, :mod:`~graph_loader.importers.register_rows`); a ``.txt`` file is a table
    when it has one, else RDF; a ``.json`` file is an agreement register unless it is
    JSON-LD (it names ``@context``, ``@id``, ``@graph``...). The header is read in
    ``encoding`` (default: the one a byte order mark names, else UTF-8), an undecodable
    byte as U+FFFD.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in SPREADSHEETS:
        return "agreements"
    if suffix not in (*TABLE_SUFFIXES, ".json"):
        return None
    if path.exists() and not path.is_file():  # a named pipe: its head can be read once only
        raise ImportFailed(f"{path}: a pipe is read once: name the kind of table with --as")
    try:
        with path.open("rb") as handle:
            peeked = handle.read(_PEEK)
        head = peeked.decode(table_encoding(peeked, encoding, "utf-8"), errors="replace")
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read: {exc.strerror or exc}") from None
    if suffix == ".json":
        return None if '"@' in head else "agreements"
    columns = register_columns(store) if store is not None else ColumnNames(frozenset())
    written = _header(head, suffix, columns)
    names = {columns(n) for n in written}
    if "item" in names and ({"isil", "itemlabel"} & names):
        return "wikidata-isil"
    if {"mid", "discipl"} <= names:
        return "imls-museums"
    if "id" in names and names & set(AGREEMENT_COLUMNS[1:]):
        return "agreements"
    if suffix == ".txt":  # text that is no table lamcoop knows: RDF, for --format to name
        return None
    raise ImportFailed(
        f"{path}:1: cannot tell which importer reads this file from its header "
        f"({', '.join(written) or 'empty'}); name one with --as "
        f"({', '.join(IMPORTERS)})"
    )


def default_report_path(path: str | Path) -> Path:
    """Where a table's rejected rows go unless told: beside the table, as
    ``{file name}-rejected.csv`` (never the working directory, which may be anywhere).

    >>> default_report_path("/data/registers/agreements.xlsx").as_posix()
    '/data/registers/agreements-rejected.csv'
    """
    path = Path(path)
    return path.parent / f"{source_name(path)}-rejected.csv"


def _header(head: str, suffix: str, columns: ColumnNames) -> list[str]:
    """The names of the table's header as written (:mod:`~graph_loader.importers.register_header`:
    below a title, names in words or labels), from the first bytes of the file."""
    lines = head.lstrip("\ufeff").splitlines()[: MAX_ABOVE + 1] or [""]
    cells = [[c.strip().strip('"').lstrip("?") for c in line_cells(line, suffix)] for line in lines]
    return [n for n in cells[header_index(cells, column=columns)] if n]


def import_file(
    store: Store,
    path: str | Path,
    *,
    base_iri: str,
    importer: str | None = None,
    graph: str | None = None,
    replace: bool = True,
    skip_invalid: bool = False,
    report: str | Path | None = None,
    progress: bool = False,
    date_order: str | None = None,
    calendar: str = "gregorian",
    encoding: str | None = None,
    language: str | None = None,
) -> ImportResult:
    """Import one table with the named importer (default: :func:`detect`).

    All or nothing unless ``skip_invalid``; ``report`` is where rejected rows are written;
    ``date_order`` (``dmy``, ``mdy``) reads dates such as ``03/04/2021`` that have two readings;
    ``calendar`` (``solar-hijri``) reads dates in digits such as ``1398/02/24`` in that calendar;
    ``encoding`` names the text encoding of a CSV, TSV or JSON table (default: the
    importer's, UTF-8 but for the IMLS file); ``language`` (a BCP 47 tag) is an agreement
    register's language where it has no language column or a row leaves it empty (default
    ``und``; the registries' importers read their languages from their files).
    """
    path = Path(path)
    name = importer or detect(path, store=store, encoding=encoding)
    if name not in IMPORTERS:
        raise ImportFailed(
            f"{path}: no importer {quoted(name)}; use one of {', '.join(IMPORTERS)}"
            if name
            else f"{path}: not a table an importer reads; load it as RDF"
        )
    if language is not None and not getattr(IMPORTERS[name], "takes_language", False):
        raise ImportFailed(
            f"{path}: the {name} importer reads each name's language from the file; "
            "--language names an agreement register's language"
        )
    return run_import(
        store,
        path,
        IMPORTERS[name],
        base_iri=base_iri,
        graph=graph,
        replace=replace,
        skip_invalid=skip_invalid,
        report=Path(report) if report is not None else None,
        progress=progress,
        date_order=date_order,
        calendar=calendar,
        encoding=encoding,
        language=language,
    )
