"""``lamcoop validate``: SHACL validation of the data graphs on the command line.

With no options it checks what the build checks: the graphs of the catalogue's integrity
purpose (:mod:`graph_loader.graphs`) against the integrity shapes, so a store that
``lamcoop build`` found conforming validates here too. The audit profile is not a
validation of the data (its results are an agreement's gaps): give ``--shapes`` for it.

Exit status: 0 when the data conforms, 1 when it does not, 2 when validation cannot run
(unreadable shapes, an unknown graph, a shape ``--engine fast`` cannot compile).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click
from rdflib import Graph

from graph_loader.graphs import INTEGRITY_SHAPES, Purpose, graph_iris
from graph_loader.resources import resource_dir
from graph_loader.settings import Settings
from graph_loader.shacl import ENGINES, ShaclError, load_shapes, validate
from graph_loader.store import Store

#: The shipped file of the integrity shapes, used when the store has none loaded.
INTEGRITY_FILE = "integrity.ttl"
FORMATS = ("text", "turtle", "json")


@click.command("validate")
@click.option(
    "--shapes",
    "shapes_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Turtle shapes file or shapes graph IRI (repeatable). Default: the integrity "
    "shapes in the store, or lamcoop's shapes/integrity.ttl when they are not loaded.",
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    help="Data graph IRI (repeatable). Default: every data graph, as the build validates.",
)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True)
@click.pass_obj
def validate_command(state, shapes_files, graphs, output: str, engine: str) -> None:
    """Validate the data graphs against SHACL shapes; exit 0 conforms, 1 not, 2 error."""
    store = state.store()
    try:
        shapes = collect_shapes(store, state.settings, shapes_files)
        data = list(graphs) or graph_iris(
            Purpose.INTEGRITY, store, base_iri=state.settings.base_iri
        )
        report = validate(store, shapes, data_graphs=data, engine=engine)
    except ShaclError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if output == "json":
        click.echo(report.to_json())
    elif output == "turtle":
        click.echo(report.graph().serialize(format="turtle"))
    else:
        click.echo(report.text(), nl=False)
    sys.exit(0 if report.conforms else 1)


def collect_shapes(store: Store, settings: Settings, files: Iterable[str]) -> Graph:
    """One shapes graph: the files given, else the integrity shapes loaded, else the
    shipped ``shapes/integrity.ttl``."""
    sources: list[str] = list(files)
    if not sources:
        loaded = settings.graph_iri(INTEGRITY_SHAPES)
        shipped = resource_dir("shapes") / INTEGRITY_FILE
        present = {g.iri for g in store.graphs()}
        sources = [loaded] if loaded in present else [str(shipped)]
    combined = Graph()
    for source in sources:
        combined += load_shapes(store, source)
    return combined
