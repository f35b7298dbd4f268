"""What every surface of one application shares: settings, executor, metrics, token check.

The factory builds one :class:`Service` per app and keeps it in ``app.extensions``; views
reach it with :func:`service`. Settings are read once, when the app is made.
"""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, request
from werkzeug.sansio.utils import get_current_url

from graph_loader.settings import Settings
from sparql_endpoint.executor import Executor
from sparql_endpoint.metrics import Metrics
from sparql_endpoint.negotiation import QueryFormats
from sparql_endpoint.network_sandbox import NOT_SERVED, SandboxState
from sparql_endpoint.refusals import N_, refuse
from sparql_endpoint.rendered import Rendered

EXTENSION = "lamcoop"
#: How many entity documents a process keeps made (the most asked for; at most a few tens of
#: MiB: a document page holds at most a page of statements).
DOCUMENTS_KEPT = 512


@dataclass
class Service:
    """The state one application's surfaces share."""

    settings: Settings
    executor: Executor
    metrics: Metrics
    #: The network sandbox this process runs in.
    sandbox: SandboxState = NOT_SERVED
    #: Whether the front keeps documents and redirects (answers carry its mark).
    front_cache: bool = False
    started: float = field(default_factory=time.time)
    formats: QueryFormats = field(default_factory=QueryFormats)
    #: Bodies rendered for the current data version (the ontology's pages).
    rendered: Rendered = field(default_factory=Rendered)
    #: Entity documents made for the current data version, by request (see
    #: :func:`sparql_endpoint.linked_data.entities.document`).
    documents: Rendered = field(default_factory=lambda: Rendered(size=DOCUMENTS_KEPT))
    _base_urls: Callable[[str, str, str, str], str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._base_urls = functools.lru_cache(maxsize=64)(get_current_url)

    def base_url(self) -> str:
        """The request's URL without its query string (a query's base IRI), as werkzeug's
        ``request.base_url`` makes it, kept for each scheme, host, root path and path."""
        return self._base_urls(request.scheme, request.host, request.root_path, request.path)

    @property
    def writable(self) -> bool:
        """Whether updates are possible at all: an update token is configured."""
        return bool(self.settings.update_token)

    def require_token(self) -> None:
        """Abort with 401 (no bearer token), 403 (wrong one, or read-only service)."""
        if not self.writable:
            refuse(403, N_("this service is read-only: no update token is configured"))
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            refuse(
                401, N_("this request needs %(header)s"), header="'Authorization: Bearer <token>'"
            )
        expected = self.settings.update_token.encode()
        if not hmac.compare_digest(given.strip().encode(), expected):
            refuse(403, N_("the bearer token is not the configured update token"))


def service() -> Service:
    """The :class:`Service` of the current application."""
    return current_app.extensions[EXTENSION]
