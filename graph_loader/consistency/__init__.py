"""The ontology's consistency with the dataset of record and users' data (HermiT, in Java).

:func:`check_consistency` runs the check (:mod:`graph_loader.consistency.check`);
:func:`record_outcome` keeps its outcome in the provenance graph, as the build does. See
docs/ontology.md, "Consistency".
"""

from __future__ import annotations

from graph_loader.consistency.check import check_consistency
from graph_loader.consistency.record import record_outcome
from graph_loader.consistency.report import ConsistencyReport

__all__ = ["ConsistencyReport", "check_consistency", "record_outcome"]
