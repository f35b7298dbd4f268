"""What every ``lamcoop`` command shares: the resolved settings and the store."""

from __future__ import annotations

import click

from graph_loader.settings import Settings
from graph_loader.store import Store, StoreError, open_configured


class AppState:
    """Per-invocation state: the resolved settings and the store, opened on first use."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._store: Store | None = None

    def store(self, *, create: bool = False) -> Store:
        """The store, opened read-write on first use. Only a command that writes data
        (``create``: build, load) makes a new embedded store where there is none: any
        other names the missing store, since a mistyped path would read as an empty one."""
        if self._store is None:
            try:
                self._store = open_configured(self.settings, create=create)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from None
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_state = click.make_pass_decorator(AppState)
