"""Reading the store from the pages: SELECT and CONSTRUCT run where queries run (the
application's executor: the same lock and time limit as protocol queries) and give
pyoxigraph's terms directly; IRIs always as bound values.

A page that reads more than once takes one :func:`reading` block: one lock, one limit, and
every query of the page sees the same data.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from graph_loader.describe import Term
from graph_loader.store import StoreError
from graph_loader.store.engine_errors import StoreRefused
from sparql_endpoint.context import service
from sparql_endpoint.executor import QueryError, ReadView, Unavailable
from sparql_endpoint.refusals import N_, Refused, refuse, store_failed

log = logging.getLogger(__name__)


@contextlib.contextmanager
def reading() -> Iterator[ReadView]:
    """A read view for a page's queries; 503 when the store is busy."""
    with _answered(), service().executor.reading() as view:
        yield view


def select(text: str, bindings: Mapping[str, Term] | None = None) -> list[dict[str, Term]]:
    """Rows of a SELECT (unbound variables left out of each row)."""
    with _answered():
        return service().executor.select(text, bindings)


def construct(text: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
    """Triples of a CONSTRUCT."""
    with _answered():
        return service().executor.construct(text, bindings)


@contextlib.contextmanager
def _answered() -> Iterator[None]:
    """503 for a busy store; 502 for a remote store that failed or could not be reached
    (as for a protocol query or a write); 500 for a page query the store rejects (the query
    and the store's message go to the log, never to the client)."""
    try:
        yield
    except Unavailable as exc:
        raise Refused(503, exc.said) from None
    except QueryError as exc:
        cause = exc.__cause__
        if isinstance(cause, StoreError) and not isinstance(cause, StoreRefused):
            log.warning("a page's read failed in the store: %s", cause)
            store_failed(cause)
        log.exception("a page's query failed")
        refuse(500, N_("a query of this page failed; the error is in the server's log"))
