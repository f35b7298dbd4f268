"""The ``lamcoop`` command group (also ``python -m graph_loader``).

Settings are resolved once, when the group runs, and handed to every command. Each
command's module is imported only when it runs, so a command starts with what it uses
(``lamcoop query`` without the build's reasoning or the audit). ``serve`` belongs to the
service package: the group lists it when that package is installed, so the data commands
never import the web stack.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import click

from graph_loader import __version__
from graph_loader.cli.state import AppState
from graph_loader.settings import SettingsError, resolve_settings
from graph_loader.store import StoreError

#: The data commands: name -> (module, attribute, short help), each module imported only
#: when its command runs (or ``--help`` lists them), so that ``lamcoop load`` does not
#: import the build's reasoning and validation, nor the audit. ``None``: the help is the
#: command's own, read from it.
DATA_COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "build": ("graph_loader.cli.build", "build_command", None),
    "load": ("graph_loader.cli.commands", "load_command", None),
    "graphs": ("graph_loader.cli.commands", "graphs_command", None),
    "query": ("graph_loader.cli.commands", "query_command", None),
    "settings": ("graph_loader.cli.commands", "settings_command", None),
    "dump": ("graph_loader.cli.dump", "dump_command", None),
    "audit": ("graph_loader.cli.audit", "audit_command", None),
    "validate": ("graph_loader.cli.validate", "validate_command", None),
    "consistency": ("graph_loader.cli.consistency", "consistency_command", None),
    "refresh": ("graph_loader.cli.refresh", "refresh_command", None),
}

#: Commands of other packages, with their help (so that ``--help`` imports no web stack).
SERVICE_COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "serve": (
        "sparql_endpoint.serve",
        "serve_command",
        "Serve SPARQL and the linked-data pages over HTTP; builds first if the store is empty.",
    ),
}


class LamcoopGroup(click.Group):
    """A group whose commands are imported when one is run: the data commands, and the
    service's when its package is installed (their help comes from
    :data:`SERVICE_COMMANDS`, so ``--help`` does not import the web stack)."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str, str | None]] | None = None, **kwargs):
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
        rows = [(name, self._short_help(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, ctx: click.Context, name: str, limit: int) -> str:
        declared = self.lazy[name][2] if name in self.lazy else None
        command = click.Command(name, help=declared) if declared else self.get_command(ctx, name)
        return command.get_short_help_str(limit) if command is not None else ""


def make_cli(*, service: bool = True) -> click.Group:
    """The ``lamcoop`` command group: the data commands, and with ``service`` the service's
    commands when its package is installed."""

    @click.group(
        cls=LamcoopGroup,
        lazy={**DATA_COMMANDS, **(SERVICE_COMMANDS if service else {})},
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

    return cli


def main() -> None:
    """Entry point of the ``lamcoop`` console script."""
    make_cli()(prog_name="lamcoop")


def data_main() -> None:
    """Entry point of ``python -m graph_loader``: the data commands only."""
    make_cli(service=False)(prog_name="python -m graph_loader")
