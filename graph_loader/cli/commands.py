"""The data commands: load, graphs, query and settings (``build`` is in :mod:`.build`, so
these start without the build's reasoning, validation and audit)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any

import click
import pyoxigraph as ox

from graph_loader import provenance
from graph_loader.bounded import place, strip_bom
from graph_loader.cli.state import AppState, pass_state
from graph_loader.cli.table_options import table_options
from graph_loader.graphs import Role, role_of
from graph_loader.importers import IMPORTERS, default_report_path, detect, import_file
from graph_loader.loading import LoadError, LoadInterrupted, LoadResult, file_graph, load_file
from graph_loader.query_limits import QueryLimitError, check
from graph_loader.rdf_formats import (
    RDF_FORMAT_NAMES,
    RESULTS_FORMAT_NAMES,
    rdf_format,
    results_format,
)
from graph_loader.settings import SETTINGS
from graph_loader.xml_text import cleaned, is_xml


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--graph",
    default=None,
    help="Target graph IRI (default {base}graph/{file name}, when that is no graph of "
    "lamcoop's own, such as ontology or audit).",
)
@click.option(
    "--format",
    "format_name",
    default=None,
    help=f"RDF syntax ({', '.join(RDF_FORMAT_NAMES)}, an extension or a media type; "
    "n3 is read as Turtle); default from the extension.",
)
@click.option("--append", is_flag=True, help="Add to the graph instead of replacing it.")
@click.option(
    "--as",
    "importer",
    type=click.Choice(list(IMPORTERS)),
    default=None,
    help="Read the files as tables with this importer (default: told from the file).",
)
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where a table's rejected rows go (default {file name}-rejected.csv beside the table).",
)
@table_options
@click.option("--quiet", is_flag=True, help="No progress bar.")
@pass_state
def load_command(
    state: AppState, files, graph, format_name, append, importer, report, quiet, **table
) -> None:
    """Load RDF files or tables (agreement registers, institution registries), each
    atomically into its own named graph (gzip accepted for RDF)."""
    _check_load_options(files, graph, format_name, append, importer, report)
    _check_graph_names(files, graph or append, state.settings.base_iri)
    try:
        chosen = rdf_format(format_name) if format_name else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    with stop_on_signals():
        store = state.store(create=True)  # a recovery it runs is stopped by a signal too
        _load_all(store, state, files, graph, chosen, append, importer, report, quiet, table)


def _load_all(store, state, files, graph, chosen, append, importer, report, quiet, table):
    """Load each file in turn (see :func:`load_command`); ``table``: the options of
    :func:`~graph_loader.importers.import_file` that only tables take."""
    for name in files:
        try:
            kind = importer or (
                None if chosen else detect(name, store=store, encoding=table["encoding"])
            )
            if kind:
                click.echo(
                    import_file(
                        store,
                        name,
                        base_iri=state.settings.base_iri,
                        importer=kind,
                        graph=graph,
                        replace=not append,
                        report=report or default_report_path(name),
                        progress=show_progress(quiet),
                        **table,
                    ).summary()
                )
                continue
            if table["encoding"]:
                raise click.UsageError(
                    f"{name} is RDF, which is read as UTF-8: --encoding names a table's encoding"
                )
            if table["language"]:
                raise click.UsageError(
                    f"{name} is RDF, whose literals carry their own language tags: --language "
                    "names an agreement register's language"
                )
            _echo_loaded(
                load_file(
                    store,
                    name,
                    base_iri=state.settings.base_iri,
                    graph=graph,
                    format=chosen,
                    replace=not append,
                    progress=show_progress(quiet),
                )
            )
        except LoadInterrupted as exc:
            abandon(exc)
        except LoadError as exc:
            raise click.ClickException(str(exc)) from None


def _check_load_options(files, graph, format_name, append, importer, report) -> None:
    """Refuse combinations of ``lamcoop load`` options that cannot mean what they say."""
    if graph and len(files) > 1 and not append:
        raise click.UsageError(
            "--graph with several files replaces the graph each time; "
            "add --append to put them all in one graph"
        )
    if importer and format_name:
        raise click.UsageError("--as reads a table and --format names an RDF syntax; use one")
    if report and len(files) > 1:
        raise click.UsageError("--report names one file; load one table at a time with it")


def _check_graph_names(files: tuple[str, ...], named: bool, base_iri: str) -> None:
    """Refuse files of one command that would each replace the graph their names share."""
    first_of: dict[str, str] = {}
    for name in files if not named else ():
        graph = file_graph(name, base_iri=base_iri)
        other = first_of.setdefault(graph, name)
        if other != name:
            raise click.UsageError(
                f"{other} and {name} both go to the graph <{graph}>: the second would replace "
                "the first; add --append to put both in it, or load one at a time with --graph"
            )


def _echo_loaded(result: LoadResult) -> None:
    for iri, count in result.graphs.items():
        click.echo(f"{result.source}: {count} triples in <{iri}> ({result.seconds:.2f} s)")


@click.command("graphs")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--all", "every", is_flag=True, help="List each kept audit run's graph too (text output)."
)
@pass_state
def graphs_command(state: AppState, output: str, every: bool) -> None:
    """List the named graphs with their triple counts and provenance (kept audit runs in one
    line unless --all; JSON lists them all, each with its role)."""
    store = state.store()
    base = state.settings.base_iri
    sources = provenance.read_sources(store, base)
    # The count in the store wins over the recorded one (void:triples, also named "triples").
    rows: list[dict[str, Any]] = [
        {
            "graph": g.iri,
            **sources.get(g.iri, {}),
            "triples": g.triples,
            "role": role_of(g.iri, base_iri=base).value,
        }
        for g in store.graphs()
    ]
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    runs = [r for r in rows if r["role"] == Role.AUDIT_RUN.value]
    for row in rows:
        if row in runs and not every:
            continue
        click.echo(f"{row['triples']:>10}  {row['graph']}")
        if "source" in row:
            click.echo(
                f"{'':>10}  from {row['source']} sha256:{row['sha256'][:16]}… "
                f"at {row['generatedAtTime']} by lamcoop {row['loaderVersion']}"
            )
    if runs and not every:
        click.echo(
            f"{sum(r['triples'] for r in runs):>10}  in {len(runs)} kept audit runs "
            f"({base}graph/audit-run-…; lamcoop audit --runs lists them, --all shows them here)"
        )


@click.command("query")
@click.argument("query", required=False)
@click.option(
    "--file",
    "query_file",
    type=click.File("rb"),
    default=None,
    help="Read the query from a file ('-' for stdin), in UTF-8.",
)
@click.option(
    "--format",
    "output",
    default=None,
    help=f"{', '.join(RESULTS_FORMAT_NAMES)} for results; {', '.join(RDF_FORMAT_NAMES)} "
    "for graphs (or an extension or media type; n3 is Turtle). Default: tsv or turtle.",
)
@pass_state
def query_command(state: AppState, query, query_file, output) -> None:
    """Run a SPARQL query against the store; results to stdout."""
    if (query is None) == (query_file is None):
        raise click.UsageError("give the query as an argument or with --file, not both")
    if query is None:
        query = _utf8(query_file.read(), getattr(query_file, "name", "<stdin>"))
    try:
        check(query)
        results = state.store().query(query)
    except QueryLimitError as exc:
        raise click.ClickException(str(exc)) from None
    except SyntaxError as exc:
        raise click.ClickException(f"query syntax error: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"query failed: {exc}") from None
    sys.stdout.buffer.write(serialize_results(results, output))
    sys.stdout.flush()


def _utf8(data: bytes, name: str) -> str:
    """``data`` as text, or an error naming the line and column where it is not UTF-8."""
    try:
        return strip_bom(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = place(strip_bom(data), exc.start)
        raise click.ClickException(
            f"{name}:{line}:{column}: not UTF-8 text: {exc.reason} "
            f"({exc.object[exc.start : exc.end]!r}); save the query as UTF-8"
        ) from None


def serialize_results(
    results: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, output: str | None
) -> bytes:
    """Serialise any query result with pyoxigraph's own writers in the named format (with no
    output given, ``serialize`` returns the bytes)."""
    if isinstance(results, ox.QueryTriples):
        try:
            graph_format = rdf_format(output or "turtle")
            return _xml_safe(results.serialize(format=graph_format) or b"", graph_format)
        except ValueError as exc:
            raise click.BadParameter(
                f"{exc} (this query returns a graph)", param_hint="--format"
            ) from None
    try:
        fmt = results_format(output or "tsv")
    except ValueError:
        raise click.BadParameter(
            f"{output} is not a results format for this query; use "
            f"{', '.join(RESULTS_FORMAT_NAMES)}",
            param_hint="--format",
        ) from None
    return _xml_safe(results.serialize(format=fmt) or b"", fmt)


def _xml_safe(data: bytes, fmt: ox.RdfFormat | ox.QueryResultsFormat) -> bytes:
    """``data`` readable as XML when ``fmt`` is XML (:mod:`graph_loader.xml_text`)."""
    return b"".join(cleaned([data])) if is_xml(fmt.media_type) else data


@click.command("settings")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text")
@pass_state
def settings_command(state: AppState, output: str) -> None:
    """Show every setting, its value and where the value came from."""
    rows = [
        {
            "name": s.name,
            "env": s.env_name,
            "value": _shown(s.name, getattr(state.settings, s.name)),
            "origin": state.settings.origin(s.name),
            "help": s.help,
        }
        for s in SETTINGS
    ]
    if output == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['name']:<18} {row['value']!s:<32} {row['origin']}")
        click.echo(f"{'':<18} {row['env']}: {row['help']}")


def _shown(name: str, value: Any) -> Any:
    if name in ("update_token", "store_password") and value:
        return "(set)"
    return list(value) if isinstance(value, tuple) else value


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While inside, SIGINT (Ctrl-C) and SIGTERM stop a load at once, in this (main) thread;
    the handlers before are put back at the end.

    Both raise :class:`KeyboardInterrupt` carrying the signal's number; the load turns it
    into :class:`LoadInterrupted`. SIGINT is set even when it was inherited as ignored: a
    shell script's ``lamcoop load ... &`` starts it so, and ``kill -INT`` would then be
    lost while the load ran on to the end.
    """
    signals = (signal.SIGINT, signal.SIGTERM)
    before = {signum: signal.signal(signum, _raise_interrupt) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signum)


def abandon(exc: LoadInterrupted) -> None:
    """Leave at once, as a killed process would (status 128 + the signal: 130 for Ctrl-C,
    143 for SIGTERM): the thread at work cannot be stopped, and its pending-load marker
    makes the next read-write open undo what it wrote."""
    click.echo(f"lamcoop: {exc}", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(128 + exc.signum)


def show_progress(quiet: bool) -> bool:
    """Whether to draw progress bars: asked for and on a terminal."""
    return not quiet and sys.stderr.isatty()
