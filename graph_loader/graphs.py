"""The graph catalogue: every graph's role, how its IRI is built, and what each purpose covers.

Every named graph of the store has one :class:`Role`, told from its IRI alone: the graphs
lamcoop writes are named ``{base}graph/{name}`` (:func:`graph_iri`), the store's own
bookkeeping lives under ``urn:lamcoop:``, and anything else is a user's data. Each
:class:`Purpose` (reasoning, integrity validation, the audit, the dumps...) covers the
graphs of some roles; :func:`covered` is the one place that says which, so the build, the
commands and the service cannot disagree about it.

>>> base = "https://w3id.org/lamcoop/"
>>> graph_iri(base, "seed-000")
'https://w3id.org/lamcoop/graph/seed-000'
>>> [role_of(graph_iri(base, n), base_iri=base).value for n in ("ontology", "seed-000", "void")]
['ontology', 'record', 'void']
>>> role_of("urn:lamcoop:pending-loads", base_iri=base), role_of("http://ex.org/g", base_iri=base)
(<Role.INTERNAL: 'internal'>, <Role.USER: 'user'>)
>>> Role.VOID in Purpose.DUMPS.roles, Role.VOID in Purpose.QUERY.roles
(False, True)
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Protocol, TypeVar

#: Names under ``{base}graph/`` of the graphs lamcoop writes itself.
ONTOLOGY = "ontology"
ALIGNMENTS = "alignments"
INFERRED = "inferred"
AUDIT = "audit"
VOID = "void"
PROVENANCE = "provenance"
#: Shapes graphs are ``shapes-{file stem}``; these two are the ones the build runs.
SHAPES_PREFIX = "shapes-"
INTEGRITY_SHAPES = "shapes-integrity"
AUDIT_SHAPES = "shapes-agreement-audit"
#: Every audit run kept, dated: ``audit-run-{run id}`` (see :mod:`graph_loader.audit.runs`).
AUDIT_RUN_PREFIX = "audit-run-"
#: The dataset of record: one graph per source document, ``seed-000`` and on.
RECORD_PREFIX = "seed-"
#: Examples that ship with lamcoop (``data/examples/{stem}.ttl`` as ``example-{stem}``):
#: illustrative, labelled as examples, never part of the dataset of record.
EXAMPLE_PREFIX = "example-"
#: The store's own bookkeeping (pending-load markers, staged copies): never data.
INTERNAL_PREFIX = "urn:lamcoop:"


class Role(Enum):
    """What a graph holds."""

    #: The lamcoop ontology (``ontology/lamcoop.ttl``).
    ONTOLOGY = "ontology"
    #: Mappings of the ontology to other vocabularies (``ontology/alignments.ttl``): part
    #: of the ontology, but loose links that reasoning must not read as axioms.
    ALIGNMENTS = "alignments"
    #: SHACL shapes (``shapes/*.ttl``).
    SHAPES = "shapes"
    #: The dataset of record, built from the curated tables.
    RECORD = "record"
    #: Illustrations that ship with lamcoop (an example agreement register): labelled as
    #: examples, audited and published, but neither the record nor read by reasoning.
    EXAMPLE = "example"
    #: Any graph a user loaded or imported.
    USER = "user"
    #: The materialised inferences.
    INFERRED = "inferred"
    #: The agreement audit's results (the latest run: what ``/audit`` shows).
    AUDIT = "audit"
    #: One kept audit run, dated, with its provenance: the audit's history, for comparing
    #: runs. Queryable (and counted by VoID), but neither data nor in the dumps or the index.
    AUDIT_RUN = "audit-run"
    #: The VoID description of the dataset (and of its dumps).
    VOID = "void"
    #: Where each graph came from (PROV-O).
    PROVENANCE = "provenance"
    #: The store's bookkeeping under ``urn:lamcoop:``.
    INTERNAL = "internal"


#: The graphs that hold data: the ontology, the record, users' data and what they imply.
_DATA = frozenset({Role.ONTOLOGY, Role.ALIGNMENTS, Role.RECORD, Role.USER, Role.INFERRED})
#: Every published graph.
_PUBLISHED = frozenset(Role) - {Role.INTERNAL}


class Purpose(Enum):
    """What a set of graphs is for: each purpose covers the graphs of its :attr:`roles`."""

    roles: frozenset[Role]

    #: The data the inference rules read (the result, alignments and reports excluded).
    REASONING = ("reasoning", frozenset({Role.ONTOLOGY, Role.RECORD, Role.USER}))
    #: What the consistency check sends to HermiT (:mod:`graph_loader.consistency`): the
    #: ontology with the record and users' data; not the alignments (loose links, not
    #: axioms), the inferences (implied by the rest) nor the examples (not the record).
    CONSISTENCY = ("consistency", frozenset({Role.ONTOLOGY, Role.RECORD, Role.USER}))
    #: What the build validates against the integrity shapes (``shapes-integrity``), and
    #: what ``lamcoop validate`` validates by default: every data graph, inferences and the
    #: shipped examples included.
    INTEGRITY = ("integrity", _DATA | {Role.EXAMPLE})
    #: The graphs whose violations fail the build: the ontology and the dataset of record.
    RECORD = ("record", frozenset({Role.ONTOLOGY, Role.ALIGNMENTS, Role.RECORD}))
    #: Where the audit (``shapes-agreement-audit``) looks for agreements: the same data
    #: as integrity validation (so a new installation's audit shows the example register).
    AUDIT = ("audit", _DATA | {Role.EXAMPLE})
    #: What the dump files carry: everything but the VoID graph, which describes them, and
    #: the kept audit runs (a history that grows with every run; the latest is ``audit``).
    DUMPS = ("dumps", _PUBLISHED - {Role.VOID, Role.AUDIT_RUN})
    #: What the VoID graph counts and describes: everything but itself (the kept audit runs
    #: too: the SPARQL endpoint it describes serves them).
    VOID = ("void", _PUBLISHED - {Role.VOID})
    #: The default dataset of queries: every published graph. On the embedded store the
    #: service queries the union of the store's graphs, which is the same set: internal
    #: graphs hold data only while a write is under way, and queries do not run meanwhile.
    #: A remote store's union holds its data version, and a load's markers and staging
    #: while queries run, so there the published graphs are named one by one
    #: (``sparql_endpoint.executor.jobs.over_published``).
    QUERY = ("query", _PUBLISHED)
    #: The statements an entity's description is made of.
    DESCRIBE = ("describe", _PUBLISHED)
    #: What the summary and the text index read (:mod:`graph_loader.index`): the data
    #: graphs, so audit results, VoID, provenance and shapes are neither counted nor found.
    INDEX = ("index", _DATA)
    #: Where the institutions a register names are looked up
    #: (:mod:`graph_loader.importers.indexed_names`): the data and the shipped examples (the
    #: example register's parties), as the audit looks for agreements.
    NAMES = ("names", _DATA | {Role.EXAMPLE})

    def __init__(self, label: str, roles: frozenset[Role]) -> None:
        self.label = label
        self.roles = roles

    def covers(self, iri: str, *, base_iri: str) -> bool:
        """Whether this purpose covers the graph ``iri``.

        >>> Purpose.INTEGRITY.covers("http://ex.org/graph/void", base_iri="http://ex.org/")
        False
        """
        return role_of(iri, base_iri=base_iri) in self.roles


class Named(Protocol):
    """Anything naming a graph (such as the store's ``GraphInfo``)."""

    @property
    def iri(self) -> str: ...


G = TypeVar("G", bound=Named)


class Listing(Protocol):
    """Anything listing its graphs (such as a store)."""

    def graphs(self) -> Iterable[Named]: ...


#: The base IRI the shipped ontology and shapes are written against (the default base).
SHIPPED_BASE = "https://w3id.org/lamcoop/"
#: What lies under a base and moves with it: entities (``id/``) and graphs (``graph/``).
#: The vocabulary (``ontology#``, ``shapes/``) keeps its IRIs whatever the base.
_BASED = ("id/", "graph/")


def rebase(iri: str, base_iri: str) -> str:
    """``iri`` as written in a shipped file, moved under ``base_iri`` when it names an entity
    or a graph: the shipped files are written against :data:`SHIPPED_BASE`.

    >>> rebase("https://w3id.org/lamcoop/id/scheme/funding-models", "http://127.0.0.1:8080/")
    'http://127.0.0.1:8080/id/scheme/funding-models'
    >>> rebase("https://w3id.org/lamcoop/ontology#Institution", "http://127.0.0.1:8080/")
    'https://w3id.org/lamcoop/ontology#Institution'
    """
    for part in _BASED:
        if iri.startswith(SHIPPED_BASE + part):
            return base_iri + iri[len(SHIPPED_BASE) :]
    return iri


def graph_iri(base_iri: str, name: str) -> str:
    """The IRI of the graph called ``name`` under the base: ``{base}graph/{name}``.

    >>> graph_iri("http://example.org/", "provenance")
    'http://example.org/graph/provenance'
    """
    return f"{base_iri}graph/{name}"


def graph_name(iri: str, *, base_iri: str) -> str | None:
    """The name of a graph under ``{base}graph/``, or ``None`` for any other IRI.

    >>> graph_name("http://example.org/graph/seed-001", base_iri="http://example.org/")
    'seed-001'
    >>> graph_name("http://example.org/g", base_iri="http://example.org/") is None
    True
    """
    prefix = graph_iri(base_iri, "")
    if not iri.startswith(prefix):
        return None
    return iri.removeprefix(prefix) or None


_BY_NAME = (
    (ONTOLOGY, Role.ONTOLOGY),
    (ALIGNMENTS, Role.ALIGNMENTS),
    (INFERRED, Role.INFERRED),
    (AUDIT, Role.AUDIT),
    (VOID, Role.VOID),
    (PROVENANCE, Role.PROVENANCE),
)


def role_of(iri: str, *, base_iri: str) -> Role:
    """The role of the graph ``iri``: a graph the catalogue does not know is a user's."""
    if iri.startswith(INTERNAL_PREFIX):
        return Role.INTERNAL
    name = graph_name(iri, base_iri=base_iri)
    if name is None:
        return Role.USER
    for known, role in _BY_NAME:
        if name == known:
            return role
    if name.startswith(AUDIT_RUN_PREFIX):
        return Role.AUDIT_RUN
    if name.startswith(SHAPES_PREFIX):
        return Role.SHAPES
    if name.startswith(RECORD_PREFIX):
        return Role.RECORD
    if name.startswith(EXAMPLE_PREFIX):
        return Role.EXAMPLE
    return Role.USER


def covered(purpose: Purpose, graphs: Iterable[G], *, base_iri: str) -> list[G]:
    """The graphs, of those given (in their order), that ``purpose`` covers.

    >>> from graph_loader.store import GraphInfo
    >>> base = "http://example.org/"
    >>> found = [GraphInfo(graph_iri(base, n), 1) for n in ("alignments", "ontology", "void")]
    >>> [g.iri for g in covered(Purpose.REASONING, found, base_iri=base)]
    ['http://example.org/graph/ontology']
    """
    return [g for g in graphs if purpose.covers(g.iri, base_iri=base_iri)]


def graph_iris(purpose: Purpose, store: Listing, *, base_iri: str) -> list[str]:
    """The IRIs of the graphs of ``store`` that ``purpose`` covers (:func:`covered`)."""
    return [g.iri for g in covered(purpose, store.graphs(), base_iri=base_iri)]
