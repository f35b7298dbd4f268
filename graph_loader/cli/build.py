"""``lamcoop build``: its own module, so that the other data commands start without
importing the build's reasoning, validation and audit."""

from __future__ import annotations

import click

from graph_loader.build import BuildContext, ConsistencyError, build
from graph_loader.cli.commands import abandon, show_progress, stop_on_signals
from graph_loader.cli.state import AppState, pass_state
from graph_loader.integrity import IntegrityError
from graph_loader.loading import LoadError, LoadInterrupted


@click.command("build")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@pass_state
def build_command(state: AppState, quiet: bool) -> None:
    """Load the ontology, shapes and dataset of record, then run the later steps."""
    context = BuildContext(state.store(create=True), state.settings, progress=show_progress(quiet))
    try:
        with stop_on_signals():
            build(context, echo=click.echo)
    except LoadInterrupted as exc:
        abandon(exc)
    except (LoadError, IntegrityError, ConsistencyError) as exc:
        raise click.ClickException(str(exc)) from None
