"""The ``lamcoop`` console script: the data commands plus the service's own."""

from __future__ import annotations

import click

from graph_loader.cli import make_cli
from sparql_endpoint.serve import serve_command

#: Commands only the service package provides (``serve``).
SERVICE_COMMANDS: tuple[click.Command, ...] = (serve_command,)


def main() -> None:
    """Entry point of the ``lamcoop`` console script."""
    make_cli(SERVICE_COMMANDS)(prog_name="lamcoop")
