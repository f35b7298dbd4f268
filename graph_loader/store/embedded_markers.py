"""What the embedded store needs of load markers beyond writing them: reading them, and
the part of the writers' protocol (:mod:`graph_loader.store.leases`) that one writer makes
trivial."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping

import pyoxigraph as ox

from graph_loader.store.layout import _PENDING, PENDING_GRAPH
from graph_loader.store.staging import PendingLoad

_MARKERS = """SELECT * WHERE { GRAPH ?g {
     ?x ?target ?t ; ?physical ?p ; ?mode ?m ; ?state ?s
     OPTIONAL { ?x ?seal ?k } } }"""


def pending_in(inner: ox.Store, seal: Callable[[str, str, str, str], str]) -> list[PendingLoad]:
    """Every load whose marker is in ``inner``, each told genuine by ``seal``."""
    rows = inner.query(
        _MARKERS,
        substitutions={
            ox.Variable("g"): ox.NamedNode(PENDING_GRAPH),
            **{
                ox.Variable(k): ox.NamedNode(_PENDING + k)
                for k in ("target", "physical", "mode", "state", "seal")
            },
        },
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = []
    for r in rows:
        x, t, p, m = (r[k].value for k in ("x", "t", "p", "m"))
        sealed = r["k"] is not None and hmac.compare_digest(r["k"].value, seal(x, t, p, m))
        found.append(PendingLoad(x, t, p, m, r["s"].value, sealed=sealed))
    return found


class OneWriter:
    """The writers' protocol on a store no other writer can act on while it is open (its
    directory is locked): no lease, nothing to refresh, guard or wait for."""

    lease: float | None = None

    def beat(self, markers: list[str]) -> bool:
        """Nothing to refresh: no other writer can drop a marker here."""
        return True

    def guard(self, markers: list[str]) -> str:
        """No pattern: the markers cannot go meanwhile."""
        return ""

    def claim(self, markers: Mapping[str, str]) -> None:
        """Nothing to wait for: this store has one writer at a time."""
