"""The consistency check's outcome in the provenance graph: one ``prov:Activity``.

The activity is ``{provenance graph}#consistency-check``; each check replaces its
statements (its one-line summary with the outcome, the graphs it used), so ``lamcoop query``
and the SPARQL service can read the last outcome. Nothing in it tells when or how fast the
check ran: a build run twice gives the same store.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph_loader.consistency.report import ConsistencyReport
from graph_loader.provenance import SOFTWARE, provenance_graph, replace_update
from graph_loader.settings import Settings
from graph_loader.store import Store
from graph_loader.vocab import DCTERMS, PROV, RDF, RDFS


def activity_iri(settings: Settings) -> str:
    """The IRI of the consistency check's activity.

    >>> from graph_loader.settings import resolve_settings
    >>> activity_iri(resolve_settings(config_file=None, environ={}))
    'https://w3id.org/lamcoop/graph/provenance#consistency-check'
    """
    return provenance_graph(settings.base_iri) + "#consistency-check"


def record_outcome(store: Store, settings: Settings, report: ConsistencyReport) -> None:
    """Replace the recorded outcome of the check with ``report``'s (one update)."""
    into = provenance_graph(settings.base_iri)
    g, s = ox.NamedNode(into), ox.NamedNode(activity_iri(settings))

    def q(p: str, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, ox.NamedNode(p), o, g)

    quads = [
        q(RDF + "type", ox.NamedNode(PROV + "Activity")),
        q(RDFS + "label", ox.Literal("consistency check (HermiT)", language="en")),
        q(DCTERMS + "description", ox.Literal(report.summary(timed=False))),
        q(PROV + "wasAssociatedWith", ox.NamedNode(SOFTWARE)),
        *(q(PROV + "used", ox.NamedNode(part.iri)) for part in report.graphs),
    ]
    store.update(replace_update([(s.value, quads)], into=into))
