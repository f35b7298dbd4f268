"""``lamcoop consistency``: HermiT on the ontology, the dataset of record and users' graphs.

Exit status: 0 when consistent with no unsatisfiable class (or when the check is skipped
because Java cannot be run: the note says what to install), 1 when the data is
inconsistent or a class unsatisfiable, 2 when the check gave no answer (its time limit,
``consistency_timeout``, passed, or the reasoner failed on the input).
"""

from __future__ import annotations

import sys

import click

from graph_loader.consistency import check_consistency, record_outcome


@click.command("consistency")
@click.option(
    "--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--record/--no-record",
    default=False,
    help="Keep the outcome in the provenance graph, as the build does (default: only report).",
)
@click.pass_obj
def consistency_command(state, output: str, record: bool) -> None:
    """Check the ontology with the record and users' data (HermiT); exit 0 consistent, 1 not,
    2 no answer."""
    store = state.store()
    report = check_consistency(store, state.settings)
    if record:
        record_outcome(store, state.settings, report)
    click.echo(report.to_json() if output == "json" else report.text(), nl=output == "json")
    if report.status == "skipped":
        click.echo(f"lamcoop: consistency check skipped: {report.note}", err=True)
    sys.exit(report.exit_code)
