"""``lamcoop dump``: write the dumps and describe them in the VoID graph."""

from __future__ import annotations

import click

from graph_loader.publish.dump import write_dumps
from graph_loader.publish.void import write_void


@click.command("dump")
@click.pass_obj
def dump_command(state) -> None:
    """Write the dumps (all graphs as gzipped N-Quads, each graph as Turtle) and describe them."""
    store = state.store()
    files = write_dumps(store, state.settings)
    write_void(store, state.settings)
    for f in files:
        click.echo(f"{f.bytes:>12}  {f.name}  sha256:{f.sha256[:16]}…")
    click.echo(f"{len(files)} files in {state.settings.dump_path}")
