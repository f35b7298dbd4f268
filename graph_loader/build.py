"""``lamcoop build``: every source of record into its graph, then the later steps.

Each step is a function of the :class:`BuildContext` that returns a one-line summary.
Running the build twice gives the same store: a source whose checksum is unchanged is
not reloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph_loader.loading import LoadResult, load_file
from graph_loader.resources import resource_dir
from graph_loader.settings import Settings
from graph_loader.store import OxigraphStore


@dataclass(frozen=True)
class BuildContext:
    """What a build step may use."""

    store: OxigraphStore
    settings: Settings
    progress: bool = False


def file_sources() -> Iterator[tuple[str, Path]]:
    """(graph name, file) of the ontology and shape files that ship with lamcoop."""
    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        yield ("ontology" if path.stem == "lamcoop" else path.stem), path
    for path in sorted(resource_dir("shapes").glob("*.ttl")):
        yield f"shapes-{path.stem}", path


def load_shipped_files(ctx: BuildContext) -> str:
    """Load the ontology and the shapes, each file into its own graph."""
    results = [
        load_file(
            ctx.store,
            path,
            base_iri=ctx.settings.base_iri,
            graph=ctx.settings.graph_iri(name),
            progress=ctx.progress,
            skip_unchanged=True,
        )
        for name, path in file_sources()
    ]
    return _summary("ontology and shapes", results)


def _summary(what: str, results: list[LoadResult]) -> str:
    loaded = [r for r in results if not r.skipped]
    triples = sum(sum(r.graphs.values()) for r in results)
    return (
        f"{what}: {len(results)} graphs, {triples} triples "
        f"({len(loaded)} loaded, {len(results) - len(loaded)} unchanged)"
    )


Step = Callable[[BuildContext], str]

#: The build, in order. Later steps (reasoning, validation, audit, VoID, dumps) join here.
STEPS: tuple[Step, ...] = (load_shipped_files,)


def build(ctx: BuildContext, *, echo: Callable[[str], None] = print) -> None:
    """Run every build step in order, echoing each step's summary."""
    for step in STEPS:
        echo(step(ctx))
