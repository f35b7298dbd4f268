"""``lamcoop audit``: the agreement audit on the command line (joined to DATA_COMMANDS)."""

from __future__ import annotations

import click

from graph_loader.audit.report import FORMATS, render
from graph_loader.audit.run import run_audit


@click.command("audit")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    help="Audit only the agreements in this graph IRI (repeatable; default: every data graph).",
)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_obj
def audit_command(state, fmt: str, graphs: tuple[str, ...], output) -> None:
    """Audit every agreement for missing components; results also go to {base}graph/audit."""
    store = state.store()
    unknown = [g for g in graphs if not _is_graph(store, g)]
    if unknown:
        raise click.BadParameter(f"no such graph: {', '.join(unknown)}", param_hint="--graph")
    try:
        audit = run_audit(store, state.settings, graphs=list(graphs) or None)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    output.write(render(audit, fmt, base_iri=state.settings.base_iri))


def _is_graph(store, name: str) -> bool:
    try:
        return store.has_graph(name)
    except ValueError:  # not an IRI
        return False
