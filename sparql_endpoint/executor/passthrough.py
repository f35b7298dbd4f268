"""A protocol query over a remote engine answered with the engine's own bytes.

Over Oxigraph server, a query's answer in the client's format is the engine's answer in
that format: the engine is asked for it (:meth:`ReadView.engine_answer`) and its bytes are
passed on, never parsed and written again, which is what made lamcoop's answers slower than
the engine's (the parse and the second serialisation cost about 1.4 ms of CPU a query).
Every guard stays where it was: the text is checked before (depth limits, SERVICE and LOAD,
the dataset's graphs, in :mod:`sparql_endpoint.protocol`), the text functions are written
into the query as the values they stand for, the dataset goes as the protocol's parameters.

The first :data:`~sparql_endpoint.executor.results.CHUNK_BYTES` are read inside the read
block, under its lock and time limit: an answer that fits is whole before anything is sent
(a refusal is a 400 with the engine's words; an engine that fails or cuts its answer short
is a 502, never a success). A longer answer goes on as the engine sends it, bounded by the
job's time limit; if the engine cuts it past that point the body ends broken (the client's
connection is closed before the end of the chunked body), as Oxigraph and Fuseki end theirs.

Where lamcoop must see the rows (the row cap, ``max_rows``), or the engine's bytes cannot
stand as lamcoop's answer (engines other than Oxigraph server), the answer is read and
written by pyoxigraph as before (:mod:`~sparql_endpoint.executor.results`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graph_loader.index.sparql import TextFunctions
from graph_loader.store import StoreError
from graph_loader.store.engine_errors import StoreRefused
from graph_loader.store.remote_answers import AnswerBroken, AnswerLate, EngineAnswer
from sparql_endpoint.executor.jobs import Head, QueryJob, dataset_options
from sparql_endpoint.executor.results import (
    CHUNK_BYTES,
    Functions,
    Reply,
    Spool,
    failure,
    serialised,
    syntax_refusal,
)
from sparql_endpoint.executor.view import ReadView
from sparql_endpoint.refusals import N_, Said

log = logging.getLogger(__name__)


def respond(view: ReadView, job: QueryJob, *, spool: Spool) -> Reply:
    """Run ``job`` with lamcoop's text functions: the engine's own answer where it can be
    passed on, else the result as pyoxigraph serialises it; or the error."""
    with TextFunctions(view) as text:
        passed = _passed(view, job, text.functions)
        return passed if passed is not None else serialised(view, job, spool, text.functions)


def _passed(view: ReadView, job: QueryJob, functions: Functions) -> Reply | None:
    """The engine's answer as a :class:`Reply`; ``None`` where it cannot be passed on."""
    if job.max_rows > 0 and not job.graph_result:  # the row cap counts the rows
        return None
    try:
        answer = view.engine_answer(
            job.text,
            job.media_type,
            seconds=job.time_limit,
            custom_functions=functions,
            **dataset_options(job),
        )
    except SyntaxError as exc:
        return syntax_refusal(exc, job)
    except (StoreRefused, ValueError, TypeError) as exc:  # ValueError: a bound value
        return Reply.failed(400, failure(exc, job))
    except AnswerLate as exc:
        return Reply.failed(503, Said(N_("%(why)s; simplify it or add a LIMIT"), {"why": str(exc)}))
    except StoreError as exc:
        return Reply.failed(502, Said(N_("the store failed: %(why)s"), {"why": str(exc)}))
    if answer is None:
        return None
    return _first(answer)


def _first(answer: EngineAnswer) -> Reply:
    """The answer whole when it is small, else its first piece and the rest to come."""
    pieces = answer.pieces()
    held = bytearray()
    try:
        for piece in pieces:
            held += piece
            if len(held) >= CHUNK_BYTES:
                return Reply(Head(), body=bytes(held), stream=_logged(pieces))
    except AnswerLate as exc:
        return Reply.failed(503, Said(N_("%(why)s; simplify it or add a LIMIT"), {"why": str(exc)}))
    except AnswerBroken as exc:
        return Reply.failed(502, Said(N_("the store failed: %(why)s"), {"why": str(exc)}))
    except BaseException:
        answer.close()
        raise
    return Reply(Head(), body=bytes(held))


class Broken(Exception):
    """An answer cut short after its head was sent: the response must end broken."""


def _logged(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """The rest of the answer; a cut is logged in one line and ends the response broken."""
    try:
        yield from pieces
    except (AnswerBroken, AnswerLate) as exc:
        log.warning("a query's answer was cut after it began: %s", exc)
        raise Broken(str(exc)) from None
