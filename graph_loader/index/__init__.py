"""The summary and the text index: what the pages read instead of scanning the store.

Kept in one SQLite file beside the store (:data:`~graph_loader.index.db.FILE_NAME`), built
by ``lamcoop build`` (:func:`rebuild`) and brought up to date for the graphs a load,
import, update or Graph Store write touched (:func:`refresh`), inside the same write. It
holds, per entry kind (:data:`~graph_loader.index.db.KINDS`), how many entities there are
and their sorted list, and every label and identifier folded by
:mod:`graph_loader.normalise` for search.
"""

from __future__ import annotations

from graph_loader.index.db import FILE_NAME, KINDS, Kind
from graph_loader.index.facts import FACT_PREDICATES
from graph_loader.index.refresh import behind, rebuild, refresh, resized

__all__ = [
    "FACT_PREDICATES",
    "FILE_NAME",
    "KINDS",
    "Kind",
    "behind",
    "rebuild",
    "refresh",
    "resized",
]
