"""``lamcoop audit``: the agreement audit on the command line (joined to DATA_COMMANDS).

Each run is kept, dated (:mod:`graph_loader.audit.runs`); ``--runs`` lists the kept runs
and ``--compare A B`` says what changed between two of them (neither runs the audit).
"""

from __future__ import annotations

import json

import click

from graph_loader.audit.compare import (
    RunParameterError,
    compare_runs,
    head_dict,
    render_runs_text,
    render_text,
)
from graph_loader.audit.report import EXPORT_FORMATS, render_bytes
from graph_loader.audit.run import run_audit
from graph_loader.audit.runs import list_runs
from graph_loader.audit.selection import Selection, UnknownFilter, narrow

#: The formats of ``--runs`` and ``--compare``.
HISTORY_FORMATS = ("text", "json")


@click.command("audit")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="text",
    show_default=True,
    help="text, json, csv, xlsx, html, or an RDF syntax (ttl, ntriples, jsonld, rdfxml, "
    "nquads, trig); --runs and --compare print text or json.",
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
@click.option("--runs", "list_kept", is_flag=True, help="List the kept audit runs (text or json).")
@click.option(
    "--compare",
    nargs=2,
    metavar="A B",
    default=None,
    help="Say what changed from run A to run B: run identifiers, latest, previous, or times "
    "as 2026-12-06 or 2026-12-06T19:40 (UTC unless followed by Z or +03:30).",
)
@click.pass_obj
def audit_command(
    state,
    fmt: str,
    graphs: tuple[str, ...],
    institution: str | None,
    consortium: str | None,
    country: str | None,
    output,
    list_kept: bool,
    compare,
) -> None:
    """Audit every agreement for missing components; results also go to {base}graph/audit,
    and each run is kept, dated, in {base}graph/audit-run-{run id}.

    The filters narrow the report (and its tables) only: the whole audit is stored."""
    if list_kept or compare:
        if institution or consortium or country:
            raise click.UsageError("--institution, --consortium and --country narrow an audit; "
                                   "--runs and --compare run none")  # fmt: skip
        output.write(_history(state, fmt, graphs, list_kept, compare).encode("utf-8"))
        return
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
        narrowed = narrow(audit, selection)
    except UnknownFilter as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.parameter}") from None
    output.write(render_bytes(narrowed, fmt, base_iri=state.settings.base_iri))
    if fmt == "text" and audit.kept_as:
        kept = "Kept as audit run" if audit.kept_new else "Same findings as audit run"
        output.write(f"\n{kept} {audit.kept_as} (lamcoop audit --runs lists them).\n".encode())


def _history(state, fmt: str, graphs, list_kept: bool, compare) -> str:
    """``--runs`` or ``--compare``: read the kept runs, run nothing."""
    if list_kept and compare:
        raise click.UsageError("--runs and --compare are two questions; ask one at a time")
    if graphs:
        raise click.UsageError("--graph chooses what an audit reads; --runs and --compare run none")
    if fmt not in HISTORY_FORMATS:
        raise click.BadParameter(
            f"{fmt!r}: --runs and --compare print {' or '.join(HISTORY_FORMATS)}",
            param_hint="--format",
        )
    store, settings = state.store(), state.settings
    heads = list_runs(store, settings)
    if list_kept:
        if fmt == "json":
            return json.dumps([head_dict(h) for h in heads], indent=2) + "\n"
        return render_runs_text(heads)
    try:
        data = compare_runs(store, settings, *compare, names=("A", "B"), heads=heads)
    except RunParameterError as exc:
        raise click.BadParameter(str(exc.cause), param_hint=f"--compare {exc.parameter}") from None
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return render_text(data)


def _is_graph(store, name: str) -> bool:
    try:
        return store.has_graph(name)
    except ValueError:  # not an IRI
        return False
