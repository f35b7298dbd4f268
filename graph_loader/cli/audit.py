"""``lamcoop audit``: the agreement audit on the command line (joined to DATA_COMMANDS)."""

from __future__ import annotations

import click

from graph_loader.audit.report import EXPORT_FORMATS, render_bytes
from graph_loader.audit.run import run_audit
from graph_loader.audit.selection import Selection, UnknownFilter, narrow


@click.command("audit")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="text",
    show_default=True,
    help="text, json, csv, xlsx, html, or an RDF syntax (ttl, ntriples, jsonld, rdfxml, "
    "nquads, trig).",
)
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    help="Audit only the agreements in this graph IRI (repeatable; default: every data graph).",
)
@click.option(
    "--institution", help="Report only the agreements this institution (IRI) is party to."
)
@click.option("--consortium", help="Report only the agreements that count for this consortium.")
@click.option(
    "--country", help="Report only the agreements with a party in this country (ISO code)."
)
@click.option("--output", "-o", type=click.File("wb"), default="-", help="File (default: stdout).")
@click.pass_obj
def audit_command(
    state,
    fmt: str,
    graphs: tuple[str, ...],
    institution: str | None,
    consortium: str | None,
    country: str | None,
    output,
) -> None:
    """Audit every agreement for missing components; results also go to {base}graph/audit.

    The filters narrow the report (and its tables) only: the whole audit is stored."""
    store = state.store()
    unknown = [g for g in graphs if not _is_graph(store, g)]
    if unknown:
        raise click.BadParameter(f"no such graph: {', '.join(unknown)}", param_hint="--graph")
    try:
        audit = run_audit(store, state.settings, graphs=list(graphs) or None)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    selection = Selection(institution=institution, consortium=consortium, country=country)
    try:
        audit = narrow(audit, selection)
    except UnknownFilter as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.parameter}") from None
    output.write(render_bytes(audit, fmt, base_iri=state.settings.base_iri))


def _is_graph(store, name: str) -> bool:
    try:
        return store.has_graph(name)
    except ValueError:  # not an IRI
        return False
