"""A query's request to a remote engine, and its answer passed on as the engine's bytes.

:func:`query_request` is the one translation of a query and its dataset into what the
engine is sent (the text with its bound values and base, and the protocol's dataset
parameters); :meth:`RemoteStore.query` reads the answer back as pyoxigraph's results.

:class:`EngineAnswer` is the other way to read it, for the SPARQL protocol: the engine is
asked for the client's own format and its bytes are handed on as they come, never parsed
and written again (Oxigraph server writes them with the serialisers pyoxigraph has, at the
same version). It reads through the store's urllib3 pool (its ``requests`` session where
a login or a proxy is needed; connections reused either way), under a deadline of its
own: each read waits at most what is left of it, and a body the engine cuts short (a
broken connection, an error while it writes, a body shorter than its declared length)
raises :class:`AnswerBroken`, never passes for a whole answer. The
deadline is checked between reads, each of which waits at most the whole limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
import requests
import urllib3
import urllib3.exceptions

from graph_loader.rdf_formats import RDF_SYNTAXES, RESULTS_SYNTAXES
from graph_loader.store.bindings import bind
from graph_loader.store.dialect import with_base
from graph_loader.store.engine_errors import StoreRefused
from graph_loader.store.interface import DatasetGraph, ExpandingFunctions
from graph_loader.store.layout import StoreError
from graph_loader.store.remote_http import CONNECT_SECONDS, RemoteClient

#: The media types Oxigraph server writes a query's answer in: every results format and
#: every RDF syntax of lamcoop's format table (a CONSTRUCT in a quad syntax is in the
#: default graph, as pyoxigraph writes it).
OXIGRAPH_GIVES = frozenset(
    [s.media_types[0] for s in RESULTS_SYNTAXES] + [s.media_types[0] for s in RDF_SYNTAXES]
)
#: The body of a query sent by POST, URL-encoded (written here: requests' own encoding of a
#: list of fields costs more per query than the rest of the request).
FORM = "application/x-www-form-urlencoded"
#: Bytes read from the engine at a time.
READ_BYTES = 64 * 1024


#: Seconds the engine's socket may stay silent beyond the time limit: the served executor's
#: watchdog, which answers 503 and replaces the worker, acts first.
MARGIN = 2.0


class AnswerBroken(StoreError):
    """The engine's answer ended before its end (or failed while it was written)."""


class AnswerLate(StoreError):
    """The engine's answer did not come, or end, within the time limit."""


def query_request(
    client: RemoteClient,
    sparql: str,
    *,
    substitutions: Mapping[ox.Variable, Any] | None = None,
    default_graph: DatasetGraph | Sequence[DatasetGraph] | None = None,
    named_graphs: Sequence[ox.NamedNode] | None = None,
    use_default_graph_as_union: bool | None = None,
    base_iri: str | None = None,
    custom_functions: Mapping[ox.NamedNode, Callable[..., Any]] | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """The text and the protocol's parameters that ask the engine this query (see
    :meth:`~graph_loader.store.interface.ReadableStore.query` for the arguments).

    ``custom_functions`` cannot run in the engine: those that can (lamcoop's text
    functions, which read the local index) are written into the query as the values they
    stand for first (:class:`ExpandingFunctions`); others are refused.

    >>> from graph_loader.store.remote_http import Endpoints
    >>> c = RemoteClient(Endpoints.for_engine("http://h/query", engine="oxigraph"),
    ...                  timeout=1, retries=0)
    >>> query_request(c, "ASK {}", named_graphs=[ox.NamedNode("http://g")])
    ('ASK {}', [('named-graph-uri', 'http://g'), ('union-default-graph', 'true')])
    """
    engine = client.endpoints.engine
    if custom_functions:
        if not isinstance(custom_functions, ExpandingFunctions):
            raise StoreError("a remote store cannot run custom functions in its engine")
        sparql = custom_functions.expand(sparql)
    text = bind(sparql, substitutions) if substitutions else sparql
    if base_iri:
        text = with_base(engine, base_iri, text)
    params: list[tuple[str, str]] = []
    listed = (
        []
        if default_graph is None
        else list(default_graph)
        if isinstance(default_graph, Sequence)
        else [default_graph]
    )
    # The engine's own default graph alone: Oxigraph server's default graph when no graph
    # is named and the union is not asked for.
    own = listed == [ox.DefaultGraph()] and not named_graphs and engine == "oxigraph"
    for graph in [] if own else listed:
        if not isinstance(graph, ox.NamedNode):
            raise StoreError("a remote store's query cannot name its own default graph")
        params.append(("default-graph-uri", graph.value))
    params += [("named-graph-uri", g.value) for g in named_graphs or ()]
    union = (
        default_graph is None
        if use_default_graph_as_union is None
        else bool(use_default_graph_as_union)
    )
    if union and engine == "oxigraph":
        params.append(("union-default-graph", "true"))
    return text, params


class EngineAnswer:
    """The engine's answer to one query in one media type, read as it comes (within
    ``seconds``, the store's ``store_timeout`` when not given).

    Opening it sends the query and reads the answer's head: an answer the engine refuses
    raises ``SyntaxError`` (400, a syntax error) or :class:`StoreRefused` (another 4xx, or
    Oxigraph server's 500, which is how it answers an error in evaluating the query: an
    unknown function, a failed SERVICE) with the engine's words; a failure of the engine
    (another 5xx, another media type, no answer within the deadline, no connection) raises
    :class:`~graph_loader.store.layout.StoreError` naming the endpoint. :meth:`pieces`
    then gives the body; :meth:`close` releases the connection (done by :meth:`pieces` at
    its end).
    """

    def __init__(
        self,
        client: RemoteClient,
        text: str,
        params: Sequence[tuple[str, str]],
        media_type: str,
        *,
        seconds: float | None = None,
    ):
        self.url = client.endpoints.query
        self.media_type = media_type
        seconds = client.timeout if seconds is None or seconds <= 0 else seconds
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self._declared: int | None = None
        self._whole = False
        self._raw = _send(client, client.query_form(text, params), media_type, seconds)
        response = self._raw
        if response.status != 200:
            said = self._said()
            if response.status == 400:
                raise SyntaxError(f"{self.url}: {said}")
            if 400 < response.status <= 500:  # Oxigraph: 500 for an evaluation error
                raise StoreRefused(f"{self.url} answered {response.status}: {said}")
            raise StoreError(f"{self.url} answered {response.status}: {said}")
        given = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if given != media_type:
            self.close()
            raise StoreError(f"{self.url} answered {given or 'no media type'}, not {media_type}")
        length = response.headers.get("Content-Length")
        self._declared = int(length) if length and length.isdigit() else None

    def _said(self) -> str:
        """What the engine said with its refusal (its first 500 characters), then closed."""
        try:
            return self._raw.read(500, decode_content=True).decode("utf-8", "replace")
        except (OSError, urllib3.exceptions.HTTPError):
            return "(the answer could not be read)"
        finally:
            self.close()

    def pieces(self) -> Iterator[bytes]:
        """The body, piece by piece as the engine sends it; raises :class:`AnswerBroken`
        when it is cut short or the deadline passes, and releases the connection at its
        end either way."""
        raw = self._raw
        seen = 0
        try:
            while True:
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise AnswerLate(f"the query ran past the {self.seconds:g} s time limit")
                piece = raw.read(READ_BYTES, decode_content=True)
                if not piece:
                    self._whole = True
                    break
                seen += len(piece)
                yield piece
        except urllib3.exceptions.ReadTimeoutError:
            raise AnswerLate(f"the query ran past the {self.seconds:g} s time limit") from None
        except (OSError, urllib3.exceptions.HTTPError) as exc:
            raise AnswerBroken(f"{self.url}: the answer was cut short ({exc})") from None
        finally:
            self.close()
        if self._declared is not None and seen < self._declared:
            raise AnswerBroken(
                f"{self.url}: the answer was cut short ({seen} of {self._declared} bytes)"
            )

    def close(self) -> None:
        """Release the connection (a body not read whole closes it)."""
        if not self._whole:
            self._raw.close()
        self._raw.release_conn()


def _send(
    client: RemoteClient, body: str, media_type: str, seconds: float
) -> urllib3.BaseHTTPResponse:
    """Send the query; its answer with only its head read. Through the client's urllib3
    pool where it has one (no proxy, no login), else its ``requests`` session (which logs
    in, digest included)."""
    url = client.endpoints.query
    headers = {"Accept": media_type, "Content-Type": FORM}
    try:
        if client.direct is not None:
            timeout = urllib3.Timeout(connect=CONNECT_SECONDS, read=seconds + MARGIN)
            return client.direct.request(
                "POST", url, body=body, headers=headers, preload_content=False, timeout=timeout
            )
        answer = client.session.post(
            url,
            data=body,
            headers=headers,
            auth=client.auth,
            stream=True,
            timeout=(CONNECT_SECONDS, seconds + MARGIN),
        )
        return answer.raw
    except urllib3.exceptions.NewConnectionError as exc:  # a ConnectTimeoutError too
        raise StoreError(f"cannot reach {url}: {exc}") from None
    except (requests.Timeout, urllib3.exceptions.TimeoutError):
        raise AnswerLate(f"the query ran past the {seconds:g} s time limit") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise StoreError(f"cannot reach {url}: {exc}") from None
