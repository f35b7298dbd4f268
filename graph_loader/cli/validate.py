"""``lamcoop validate``: SHACL validation of the data graphs on the command line.

Exit status: 0 when the data conforms, 1 when it does not, 2 when validation cannot run
(unreadable shapes, an unknown graph, a shape ``--engine fast`` cannot compile).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click
from rdflib import Graph

from graph_loader.resources import resource_dir
from graph_loader.settings import Settings
from graph_loader.shacl import ENGINES, ShaclError, load_shapes, validate
from graph_loader.store import Store

#: Graphs under the base that hold no data to validate: the ontology, the shapes, provenance
#: and the audit's own results.
NOT_DATA = ("ontology", "alignments", "provenance", "audit")
FORMATS = ("text", "turtle", "json")


@click.command("validate")
@click.option(
    "--shapes",
    "shapes_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Turtle shapes file (repeatable). Default: the shapes graphs in the store, "
    "or lamcoop's shapes/ files when none is loaded.",
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    help="Data graph IRI (repeatable). Default: every data graph.",
)
@click.option("--format", "output", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--engine", type=click.Choice(ENGINES), default="auto", show_default=True)
@click.pass_obj
def validate_command(state, shapes_files, graphs, output: str, engine: str) -> None:
    """Validate the data graphs against SHACL shapes; exit 0 conforms, 1 not, 2 error."""
    store = state.store()
    try:
        shapes = collect_shapes(store, state.settings, shapes_files)
        data = list(graphs) or data_graphs(store, state.settings)
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


def data_graphs(store: Store, settings: Settings) -> list[str]:
    """Every graph of the store but the ontology, shapes, provenance and audit graphs."""
    skip = {settings.graph_iri(name) for name in NOT_DATA}
    shapes_prefix = settings.graph_iri("shapes-")
    return [
        g.iri for g in store.graphs() if g.iri not in skip and not g.iri.startswith(shapes_prefix)
    ]


def collect_shapes(store: Store, settings: Settings, files: Iterable[str]) -> Graph:
    """One shapes graph: the files given, else the shapes graphs loaded, else shapes/*.ttl."""
    sources: list[str] = list(files)
    if not sources:
        prefix = settings.graph_iri("shapes-")
        sources = [g.iri for g in store.graphs() if g.iri.startswith(prefix)]
    if not sources:
        sources = [str(p) for p in sorted(resource_dir("shapes").glob("*.ttl"))]
    if not sources:
        raise ShaclError("no shapes: give --shapes FILE")
    combined = Graph()
    for source in sources:
        combined += load_shapes(store, source)
    return combined
