"""``lamcoop dump`` and the build step that writes the dumps (joined to DATA_COMMANDS and STEPS)."""

from __future__ import annotations

import click

from graph_loader.dump import write_dumps
from graph_loader.void import write_void


def dump_step(ctx) -> str:
    """Build step: write the dumps, then refresh the dataset description to list them."""
    files = write_dumps(ctx.store, ctx.settings)
    write_void(ctx.store, ctx.settings)
    size = sum(f.bytes for f in files)
    return f"dumps: {len(files)} files, {size} bytes in {ctx.settings.dump_path}"


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
