"""Reading the curated YAML tables, with errors that name the file and the row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph_loader.record.writer import RecordError


def read_rows(
    path: Path, *, required: tuple[str, ...] = (), key: str = "rows"
) -> list[dict[str, Any]]:
    """The rows of a YAML table (a list of mappings, or a mapping with ``rows:``).

    ``key`` reads another list of the mapping instead (``schemes:``, ``agreements:``).

    Each row gets ``_where`` ("file:line") for error messages; a row lacking a
    required field is an error naming the file, line and field.
    """
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.compose(text)
    except (OSError, yaml.YAMLError) as exc:
        raise RecordError(f"{path}: {exc}") from None
    data = yaml.safe_load(text)
    nodes = document.value if isinstance(document, yaml.SequenceNode) else []
    if isinstance(data, dict) and isinstance(document, yaml.MappingNode):
        nodes = next((v.value for k, v in document.value if k.value == key), [])
        data = data.get(key)
    if not isinstance(data, list):
        raise RecordError(f"{path}: expected a list of rows (or a mapping with '{key}:')")
    rows = []
    for row, node in zip(data, nodes, strict=True):
        where = f"{path.name}:{node.start_mark.line + 1}"
        if not isinstance(row, dict):
            raise RecordError(f"{where}: a row must be a mapping")
        for field in required:
            if row.get(field) in (None, ""):
                raise RecordError(f"{where}: missing field {field!r}")
        rows.append({**row, "_where": where})
    return rows
