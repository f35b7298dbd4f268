"""Where the service reads and writes the store: one :class:`Executor`, two modes.

* :class:`InThread` (a store handed to ``create_app(store=...)``: tests, embedding): reads
  and writes in the calling thread, one at a time, with no time limit.
* :class:`Served` (``lamcoop serve``'s workers): reads in the worker process under
  cross-process locks and a watchdog that answers 503 and ends the process at the time
  limit; the read-only handle is reopened after a write; writes are exclusive.

Protocol queries (:meth:`Executor.run`) come back as pyoxigraph's own serialisation, whole
or spooled; pages read terms directly (:meth:`Executor.select`, :meth:`Executor.construct`,
or a :class:`ReadView` for a block of reads), under the same lock and limit.

>>> from graph_loader.store import open_store
>>> store = open_store(None)
>>> store.update("INSERT DATA { GRAPH <http://g> { <http://a> <http://b> <http://c> } }")
>>> executor = in_thread(store)
>>> executor.select("SELECT ?o WHERE { ?s ?p ?o }")
[{'o': <NamedNode value=http://c>}]
"""

from __future__ import annotations

from pathlib import Path

from graph_loader.store import Store
from sparql_endpoint.executor.core import Executor, Mode
from sparql_endpoint.executor.in_thread import InThread
from sparql_endpoint.executor.jobs import Head, QueryError, QueryJob, Unavailable
from sparql_endpoint.executor.results import CHUNK_BYTES, Reply
from sparql_endpoint.executor.served import (
    AnswerTimeout,
    Opener,
    Served,
    TimeoutAnswer,
    log_timeout,
    publish_state,
    store_opener,
)
from sparql_endpoint.executor.view import ReadView

__all__ = [
    "CHUNK_BYTES",
    "AnswerTimeout",
    "Executor",
    "Head",
    "InThread",
    "Mode",
    "Opener",
    "QueryError",
    "QueryJob",
    "ReadView",
    "Reply",
    "Served",
    "TimeoutAnswer",
    "Unavailable",
    "in_thread",
    "publish_state",
    "served",
    "store_opener",
]


def in_thread(store: Store) -> Executor:
    """An executor over ``store`` in the calling thread (no time limit)."""
    return Executor(InThread(store))


def served(
    store_path: Path,
    *,
    timeout: float,
    answer_timeout: AnswerTimeout = log_timeout,
    memory_limit: int = 0,
    opener: Opener | None = None,
    watched: bool = True,
) -> Executor:
    """An executor over the store at ``store_path`` in this process, stopped at ``timeout``
    or past ``memory_limit`` bytes of resident memory (0: none) (``answer_timeout`` is
    asked, as each read starts, for what answers its request); never stopped when not
    ``watched``."""
    return Executor(
        Served(
            store_path,
            timeout=timeout,
            answer_timeout=answer_timeout,
            memory_limit=memory_limit,
            opener=opener,
            watched=watched,
        )
    )
