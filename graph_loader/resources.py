"""Where the ontology, shapes and dataset-of-record files are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The directory ``ontology``, ``shapes`` or ``data``.

    In a wheel they sit in ``graph_loader/_resources``; in a checkout (or an editable
    install) beside the package.
    """
    for candidate in (_PACKAGE / "_resources" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name}/ directory is missing from this installation")
