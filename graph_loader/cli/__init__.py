"""The ``lamcoop`` command group (also ``python -m graph_loader``).

Settings are resolved once, when the group runs, and handed to every command. ``serve``
belongs to the service package: the group lists it when that package is installed and
imports it only when it is asked for, so the data commands never import the web stack.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from graph_loader import __version__
from graph_loader.cli.audit import audit_command
from graph_loader.cli.commands import (
    build_command,
    graphs_command,
    load_command,
    query_command,
    settings_command,
)
from graph_loader.cli.consistency import consistency_command
from graph_loader.cli.dump import dump_command
from graph_loader.cli.refresh import refresh_command
from graph_loader.cli.state import AppState
from graph_loader.cli.validate import validate_command
from graph_loader.settings import SettingsError, resolve_settings
from graph_loader.store import StoreError

DATA_COMMANDS: tuple[click.Command, ...] = (
    build_command,
    load_command,
    graphs_command,
    query_command,
    settings_command,
    dump_command,
    audit_command,
    validate_command,
    consistency_command,
    refresh_command,
)

#: Commands of other packages: name -> (module, attribute, short help), imported on first use.
SERVICE_COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": (
        "sparql_endpoint.serve",
        "serve_command",
        "Serve SPARQL and the linked-data pages over HTTP; builds first if the store is empty.",
    ),
}


class LamcoopGroup(click.Group):
    """A group that lists the service's commands when installed and imports them only when
    one is run (its help comes from :data:`SERVICE_COMMANDS`, so ``--help`` imports nothing)."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy = {
            name: target
            for name, target in (lazy or {}).items()
            if importlib.util.find_spec(target[0].partition(".")[0]) is not None
        }

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a store that fails on the way (a remote endpoint gone) is a
        message naming it, not a traceback."""
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module, attribute, _help = self.lazy[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, with the lazy commands' help taken from their declaration."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [
            (name, click.Command(name, help=self.lazy[name][2]).get_short_help_str(limit))
            if name in self.lazy
            else (name, self.commands[name].get_short_help_str(limit))
            for name in names
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def make_cli(*, service: bool = True) -> click.Group:
    """The ``lamcoop`` command group: the data commands, and with ``service`` the service's
    commands when its package is installed."""

    @click.group(
        cls=LamcoopGroup,
        lazy=SERVICE_COMMANDS if service else {},
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @click.version_option(__version__, prog_name="lamcoop")
    @click.option(
        "--config",
        type=click.Path(dir_okay=False),
        default=None,
        help="Settings file (default: ./lamcoop.toml when present).",
    )
    @click.option("--store", default=None, help="Store location (LAMCOOP_STORE).")
    @click.option("--base-iri", default=None, help="Base IRI (LAMCOOP_BASE_IRI).")
    @click.option(
        "--setting",
        "extra",
        type=(str, str),
        multiple=True,
        metavar="NAME VALUE",
        help="Set any setting, e.g. --setting max_rows 500.",
    )
    @click.pass_context
    def cli(ctx: click.Context, config, store, base_iri, extra) -> None:
        """lamcoop: the knowledge graph of cooperation among libraries, archives and museums."""
        overrides = {"store": store, "base_iri": base_iri}
        overrides.update({name.replace("-", "_"): value for name, value in extra})
        try:
            settings = resolve_settings(
                config_file=config if config is not None else "lamcoop.toml",
                overrides=overrides,
            )
        except SettingsError as exc:
            raise click.UsageError(str(exc)) from None
        state = AppState(settings)
        ctx.obj = state
        ctx.call_on_close(state.close)

    for command in DATA_COMMANDS:
        cli.add_command(command)
    return cli


def main() -> None:
    """Entry point of the ``lamcoop`` console script."""
    make_cli()(prog_name="lamcoop")


def data_main() -> None:
    """Entry point of ``python -m graph_loader``: the data commands only."""
    make_cli(service=False)(prog_name="python -m graph_loader")
