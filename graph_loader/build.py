"""``lamcoop build``: every source of record into its graph, then the later steps.

Each step is a function of the :class:`BuildContext` that returns a one-line summary.
Running the build twice gives the same store: a source whose checksum is unchanged is
not reloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_loader import graphs, index
from graph_loader.audit.run import run_audit
from graph_loader.consistency import check_consistency, record_outcome
from graph_loader.integrity import check_record, validate_integrity
from graph_loader.loading import LoadResult, load_bytes
from graph_loader.publish.dump import write_dumps
from graph_loader.publish.void import void_graph, write_void
from graph_loader.reasoning import materialise
from graph_loader.record import record_sources
from graph_loader.resources import resource_dir, shipped_rdf
from graph_loader.settings import Settings
from graph_loader.store import Store


@dataclass(frozen=True)
class BuildContext:
    """What a build step may use."""

    store: Store
    settings: Settings
    progress: bool = False


def file_sources() -> Iterator[tuple[str, Path]]:
    """(graph name, file) of the ontology, shape and example files that ship with lamcoop.

    ``lamcoop.ttl`` is the ontology, the other ontology files keep their name
    (``alignments``); each shapes file goes to ``shapes-{its name}``, each example file
    (``data/examples/``) to ``example-{its name}``, a graph of its own.
    """
    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        yield (graphs.ONTOLOGY if path.stem == "lamcoop" else path.stem), path
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        yield graphs.SHAPES_PREFIX + path.stem, path
    for path in sorted((resource_dir("data") / "examples").glob("*.ttl")):
        yield graphs.EXAMPLE_PREFIX + path.stem, path


def load_shipped_files(ctx: BuildContext) -> str:
    """Load the ontology, the shapes and the examples, each file into its own graph (their
    entity and graph IRIs under the store's base, see
    :func:`~graph_loader.resources.shipped_rdf`)."""
    results = []
    for name, path in file_sources():
        data, fmt = shipped_rdf(path, base_iri=ctx.settings.base_iri)
        results.append(
            load_bytes(
                ctx.store,
                data,
                name=path.name,
                graph=ctx.settings.graph_iri(name),
                format=fmt,
                base_iri=ctx.settings.base_iri,
                skip_unchanged=True,
            )
        )
    return _summary("ontology, shapes and examples", results)


def load_dataset_of_record(ctx: BuildContext) -> str:
    """Turn each document's curated tables into its graph; unchanged graphs are not reloaded."""
    tables = resource_dir("data")
    results = [
        load_bytes(
            ctx.store,
            source.write(ctx.settings.base_iri, tables).ntriples(),
            name=f"{source.graph}.nt",
            graph=ctx.settings.graph_iri(source.graph),
            format=ox.RdfFormat.N_TRIPLES,
            base_iri=ctx.settings.base_iri,
            skip_unchanged=True,
        )
        for source in record_sources()
    ]
    return _summary("dataset of record", results)


def _summary(what: str, results: list[LoadResult]) -> str:
    loaded = [r for r in results if not r.skipped]
    triples = sum(sum(r.graphs.values()) for r in results)
    return (
        f"{what}: {len(results)} graphs, {triples} triples "
        f"({len(loaded)} loaded, {len(results) - len(loaded)} unchanged)"
    )


def materialise_inferences(ctx: BuildContext) -> str:
    """Materialise the inferences, and say how many triples were inferred."""
    result = materialise(ctx.store, ctx.settings)
    return (
        f"reasoning: {result.triples} inferred triples in {result.graph} "
        f"from {len(result.data_graphs)} graphs ({result.rounds} rounds)"
    )


def check_integrity(ctx: BuildContext) -> str:
    """Validate every data graph; violations in the dataset of record fail the build."""
    outcome = validate_integrity(ctx.store, ctx.settings)
    check_record(outcome)
    return outcome.summary()


class ConsistencyError(Exception):
    """The ontology with the dataset of record is inconsistent, or a class unsatisfiable."""


def check_ontology_consistency(ctx: BuildContext) -> str:
    """HermiT on the ontology, the record and users' graphs (:mod:`graph_loader.consistency`);
    the outcome goes to the provenance graph. An inconsistency of the ontology or the record
    fails the build; one a user's graph brings is reported; no Java skips with a note."""
    report = check_consistency(ctx.store, ctx.settings)
    record_outcome(ctx.store, ctx.settings, report)
    base = ctx.settings.base_iri
    own = (graphs.Role.ONTOLOGY, graphs.Role.RECORD)
    if any(graphs.role_of(c.graph, base_iri=base) in own for c in report.culprits):
        raise ConsistencyError(report.text().rstrip())
    return report.text().rstrip() if report.problems else report.summary()


def audit_agreements(ctx: BuildContext) -> str:
    """Audit every agreement; the results replace ``{base}graph/audit``."""
    audit = run_audit(ctx.store, ctx.settings)
    graph = ctx.settings.graph_iri(graphs.AUDIT)
    return (
        f"audit: {len(audit.agreements)} agreements, mean completeness "
        f"{audit.mean_completeness * 100:.1f} %, results in <{graph}> ({audit.seconds:.2f} s)"
    )


def index_entities(ctx: BuildContext) -> str:
    """Build the summary and the text index afresh from every graph (:mod:`graph_loader.index`)."""
    n = index.rebuild(ctx.store, base_iri=ctx.settings.base_iri)
    return f"index: {n} entities with types, labels or identifiers"


def write_dump_files(ctx: BuildContext) -> str:
    """Write the dumps of every graph (the VoID graph, which describes them, excepted)."""
    files = write_dumps(ctx.store, ctx.settings)
    size = sum(f.bytes for f in files)
    return f"dumps: {len(files)} files, {size} bytes in {ctx.settings.dump_path}"


def describe_dataset(ctx: BuildContext) -> str:
    """Write the VoID graph once, from the store as it now is and the dumps just written."""
    count = write_void(ctx.store, ctx.settings)
    return f"void: {count} triples in <{void_graph(ctx.settings)}>"


Step = Callable[[BuildContext], str]

#: The build, in order.
STEPS: tuple[Step, ...] = (
    load_shipped_files,
    load_dataset_of_record,
    materialise_inferences,
    # Validation and audit come after every step that writes data, before the steps that
    # copy (dumps) and describe (VoID) the graphs, so the audit graph is in both.
    check_integrity,
    # Consistency (HermiT) after validation; it records its outcome in the provenance graph.
    check_ontology_consistency,
    audit_agreements,
    # The index reads the data graphs once every step that writes them has run.
    index_entities,
    write_dump_files,
    # VoID stays last: it describes every graph and the dump files (the dumps leave it out).
    describe_dataset,
)


def build(ctx: BuildContext, *, echo: Callable[[str], None] = print) -> None:
    """Run every build step in order, echoing each step's summary."""
    for step in STEPS:
        echo(step(ctx))
