"""Reading an agreement register's rows: its columns, its header, its CSV, TSV or JSON rows
(spreadsheets: :mod:`~graph_loader.importers.spreadsheets`).

A header names each column by the column's own name (``funding_model``, also written
``Funding model``: :mod:`~graph_loader.importers.register_header`) or by a label, in any
language the store has, of the property the column writes (:data:`COLUMN_TERMS`): ``شناسه``,
``طرف توافق‌نامه`` or ``经费模式`` as ``id``, ``parties`` or ``funding_model``, through the one
normaliser (:func:`~graph_loader.normalise.squeeze`), as vocabulary cells are read. The labels
are the ontology's (and :mod:`graph_loader.term_labels` for other vocabularies' terms); a
label two columns' terms share names neither.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from itertools import chain
from pathlib import Path
from typing import Any, TextIO

import pyoxigraph as ox

from graph_loader.bounded import Refused, json_text
from graph_loader.importers.agreement_fields import DATES, PROVISIONS
from graph_loader.importers.common import (
    ImportFailed,
    Prefixed,
    Row,
    csv_rows,
    header_error,
    raw_text,
    table_delimiter,
)
from graph_loader.importers.names import LABELS
from graph_loader.importers.register_header import (
    ColumnNames,
    head_lines,
    header_index,
    line_cells,
    merged,
)
from graph_loader.normalise import squeeze
from graph_loader.safe_output import quoted
from graph_loader.store import ReadableStore
from graph_loader.term_labels import external_labels
from graph_loader.vocab import DCTERMS, LAMC, RDF

COLUMNS = (
    "id", "title", "type", "parties", "coordinator", "signed", "start", "end", "open_ended",
    "funding_model", "budget_amount", "budget_currency", "governance", "areas", "standards",
    "responsibilities", "indicators", "evaluation", "data_protection", "staffing", "source",
)  # fmt: skip
#: Optional: the BCP 47 language of the row's titles, labels and provision texts.
LANGUAGE_COLUMN = "language"
#: The columns that take one value (a column of several, such as parties, may be given in
#: several columns: "Party 1", "Party 2").
SINGLE = frozenset({"id", "title", "type", "signed", "start", "end", "open_ended",
                    "budget_amount", "budget_currency", LANGUAGE_COLUMN})  # fmt: skip
#: The cell key of a row's surplus cells (a comma too many, an unquoted comma).
EXTRA = "(row)"
#: The term each column writes (the id: ``dcterms:identifier``), by whose labels a header
#: may name the column.
COLUMN_TERMS: Mapping[str, str] = {
    "id": DCTERMS + "identifier", "title": DCTERMS + "title", "type": RDF + "type",
    "parties": LAMC + "party", "coordinator": LAMC + "coordinator",
    **{column: term.value for column, term in DATES.items()},
    "open_ended": LAMC + "openEnded", "funding_model": LAMC + "fundingModel",
    "budget_amount": LAMC + "budgetAmount", "budget_currency": LAMC + "budgetCurrency",
    "governance": LAMC + "governanceBody", "areas": LAMC + "cooperationArea",
    "standards": LAMC + "adoptsStandard",
    **{column: term.value for column, (term, _, _) in PROVISIONS.items()},
    "source": DCTERMS + "source", LANGUAGE_COLUMN: DCTERMS + "language",
}  # fmt: skip
_TERMS = " ".join(f"<{term}>" for term in COLUMN_TERMS.values())
#: The labels of those terms, by the importers' one label path (a path, not a join with the
#: label properties: 1 ms against 200 ms on a store of 1.9M triples).
_LABELS_QUERY = f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {_TERMS} }} GRAPH ?g {{ ?p {LABELS} ?l }} }}"


def register_columns(store: ReadableStore) -> ColumnNames:
    """The register's columns by every name a header may give them (see the module)."""
    column_of = {term: column for column, term in COLUMN_TERMS.items()}
    found: dict[str, set[str]] = {}
    labels = [(row["p"], row["l"]) for row in store.query(_LABELS_QUERY)]
    for term, words in external_labels().items():
        labels += [(ox.NamedNode(term), word) for word in words if term in column_of]
    for term, label in labels:
        if isinstance(term, ox.NamedNode) and isinstance(label, ox.Literal):
            found.setdefault(squeeze(label.value), set()).add(column_of[term.value])
    named = {key: next(iter(columns)) for key, columns in found.items() if len(columns) == 1}
    return ColumnNames(frozenset((*COLUMNS, LANGUAGE_COLUMN)), named)


def csv_register_rows(head: str, handle: TextIO, path: Path, columns: ColumnNames) -> Iterator[Row]:
    """The rows of a CSV or TSV register whose text starts with ``head``."""
    lines = head_lines(head, handle)
    above = header_index([line_cells(line, path.suffix) for line in lines], column=columns)
    delimiter = table_delimiter(lines[above], path.suffix)
    rest = chain(lines[above:-1], Prefixed(lines[-1], handle))  # the last may be partial
    records = csv_rows(rest, delimiter=delimiter, first_line=above + 1)
    first = next(records, None)
    if first is None:
        raise header_error(path, "the file is empty; the first line must name the columns")
    check_columns(path, first[1], "column", str(first[0]), columns)
    header = [columns(h) for h in first[1]]
    for line, values in records:
        if not any(v.strip() for v in values):
            continue
        found: dict[str, Any] = merged(header, values)
        if len(values) > len(header):
            found[EXTRA] = f"{len(values)} cells but the header names {len(header)} columns"
        yield Row(str(line), found, raw_text(values, delimiter))


def json_rows(text: str, path: Path, columns: ColumnNames) -> Iterator[Row]:
    """The agreements of a JSON register: an array of objects, or ``{"agreements": [...]}``."""
    try:
        data = json_text.loads(text)
    except Refused as exc:
        raise ImportFailed(f"{path}: {exc.path}: {exc.reason}; nothing loaded") from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("agreements"), list):
        data, prefix = data["agreements"], "$.agreements"
    elif isinstance(data, list):
        prefix = "$"
    else:
        raise ImportFailed(f"{path}: expected a JSON array of agreement objects")
    for index, item in enumerate(data):
        where = f"{prefix}[{index}]"
        if not isinstance(item, dict):
            raise ImportFailed(f"{path}: {where}: expected an object, found {type(item).__name__}")
        check_columns(path, [str(k) for k in item], "field", where, columns)
        cells: dict[str, Any] = {}
        for key, value in item.items():  # a field given twice ("Party 1", "Party 2"): a list
            name, cell = columns(str(key)), _json_cell(value)
            if cells.get(name) and cell:
                cells[name] = [*_listed(cells[name]), *_listed(cell)]
            elif not cells.get(name):
                cells[name] = cell
        yield Row(where, cells, json.dumps(item, ensure_ascii=False, default=str))


def _listed(cell: Any) -> list[Any]:
    return cell if isinstance(cell, list) else [cell]


def _json_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_json_cell(v) for v in value]
    return None if value is None else str(value)


def check_columns(
    path: Path, written: list[str], what: str, where: str, columns: ColumnNames
) -> None:
    """Refuse a header naming a column no register has (named as written) or no ``id``."""
    names = [columns(w) for w in written]
    unknown = [w.strip() for w, n in zip(written, names, strict=True) if n not in columns.known]
    if unknown:
        raise ImportFailed(
            f"{path}:{where}: unknown {what} {', '.join(map(quoted, unknown))}; "
            f"the register's {what}s are {', '.join(COLUMNS)} (and optional {LANGUAGE_COLUMN}),"
            " or a label of the property each writes"
        )
    repeated = [n for n in dict.fromkeys(names) if n in SINGLE and names.count(n) > 1]
    if repeated:
        twice = [w.strip() for w, n in zip(written, names, strict=True) if n == repeated[0]]
        raise ImportFailed(
            f"{path}:{where}: {', '.join(map(quoted, twice))} are each the {what} "
            f"{quoted(repeated[0])}, which takes one value"
        )
    if "id" not in names and not where.startswith("$"):
        raise ImportFailed(f"{path}:{where}: no 'id' column; every agreement needs an id")
