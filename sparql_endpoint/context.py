"""What every surface of one application shares: settings, executor, metrics, token check.

The factory builds one :class:`Service` per app and keeps it in ``app.extensions``; views
reach it with :func:`service`. Settings are read once, when the app is made.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass, field

from flask import abort, current_app, request

from graph_loader.settings import Settings
from sparql_endpoint.executors import Executor
from sparql_endpoint.metrics import Metrics

EXTENSION = "lamcoop"


@dataclass
class Service:
    """The state one application's surfaces share."""

    settings: Settings
    executor: Executor
    metrics: Metrics
    started: float = field(default_factory=time.time)

    @property
    def writable(self) -> bool:
        """Whether updates are possible at all: an update token is configured."""
        return bool(self.settings.update_token)

    def require_token(self) -> None:
        """Abort with 401 (no bearer token), 403 (wrong one, or read-only service)."""
        if not self.writable:
            abort(403, "this service is read-only: no update token is configured")
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            abort(401, "this request needs 'Authorization: Bearer <token>'")
        expected = self.settings.update_token.encode()
        if not hmac.compare_digest(given.strip().encode(), expected):
            abort(403, "the bearer token is not the configured update token")


def service() -> Service:
    """The :class:`Service` of the current application."""
    return current_app.extensions[EXTENSION]
