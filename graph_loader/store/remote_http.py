"""How lamcoop speaks to a remote SPARQL store: its endpoints, and the one HTTP client.

Queries and updates go through SPARQLWrapper (the SPARQL 1.1 Protocol); the Graph Store
Protocol (uploads of staged data, graph downloads) through one ``requests`` session, whose
connection pool is reused. Every request has a timeout; a connection error (refused,
reset, unreachable) is tried again after 0.5 s, then twice as long each time; what still
fails is a :class:`StoreError` naming the endpoint, such as
``cannot reach http://127.0.0.1:7878/query: connection refused``.

>>> e = Endpoints.for_engine("http://127.0.0.1:7878/query", engine="oxigraph")
>>> e.update, e.graph_store, e.auth
('http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store', 'basic')
>>> Endpoints.for_engine("http://h:8890/sparql", engine="virtuoso").graph_store
'http://h:8890/sparql-graph-crud-auth'
"""

from __future__ import annotations

import http.client
import socket
import tempfile
import time
import urllib.error
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests
import requests.adapters
import urllib3
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth
from SPARQLWrapper import BASIC, DIGEST, INSERT, POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    QueryBadFormed,
    SPARQLWrapperException,
)

from graph_loader.store.engine_errors import (
    RolledBack,
    StoreRefused,
    answer_body,
    failure,
    lines_before,
    readable,
    until_kept,
    what_was_said,
)
from graph_loader.store.layout import StoreError

ENGINES = ("oxigraph", "virtuoso", "generic")
#: Graphs an engine keeps for itself: never listed, counted or dumped by lamcoop. A fresh
#: Virtuoso holds these three (its RDF views, the LDP vocabulary, its service description).
SYSTEM_GRAPHS = {
    "virtuoso": frozenset(
        {
            "http://www.openlinksw.com/schemas/virtrdf#",
            "http://www.w3.org/ns/ldp#",
            "http://localuriqaserver/sparql",
        }
    ),
}
#: Seconds to wait for a connection to open (the answer has the ``timeout`` setting).
CONNECT_SECONDS = 10.0
#: What a query asks for: results as SPARQL JSON, graphs as N-Triples.
QUERY_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"

T = TypeVar("T")


@dataclass(frozen=True)
class Endpoints:
    """A remote store's endpoints, credentials and engine."""

    query: str
    update: str
    graph_store: str
    engine: str = "generic"
    user: str = ""
    password: str = ""
    auth: str = "basic"

    @classmethod
    def for_engine(
        cls,
        query: str,
        *,
        engine: str,
        update: str = "",
        graph_store: str = "",
        user: str = "",
        password: str = "",
        auth: str = "",
    ) -> Endpoints:
        """The endpoints, with what is not given set to the engine's defaults."""
        if engine not in ENGINES:
            raise StoreError(f"store_engine {engine!r} is not one of {', '.join(ENGINES)}")
        if auth not in ("", "basic", "digest"):
            raise StoreError(f"store_auth {auth!r} is not digest or basic")
        if engine == "oxigraph":
            update = update or _beside(query, "update")
            graph_store = graph_store or _beside(query, "store")
        elif engine == "virtuoso":
            update = update or _beside(query, "sparql-auth")
            graph_store = graph_store or _beside(query, "sparql-graph-crud-auth")
        else:
            update = update or query
        if not graph_store:
            raise StoreError(
                f"the {engine} store at {query} has no Graph Store endpoint: set store_graph_store"
            )
        auth = auth or ("digest" if engine == "virtuoso" else "basic")
        return cls(query, update, graph_store, engine, user, password, auth)


def _beside(url: str, name: str) -> str:
    """The URL ``name`` in the same folder as ``url``."""
    parts = urlsplit(url)
    folder = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{name}", "", ""))


#: Encoded query parameters a client keeps (:meth:`RemoteClient.query_form`).
FORMS_KEPT = 64
#: The longest encoded parameters kept (a query's own ``FROM`` clauses name graphs too).
FORM_KEPT_CHARS = 16_384


class RemoteClient:
    """The HTTP side of a remote store: one request at a time, each with its timeout."""

    def __init__(self, endpoints: Endpoints, *, timeout: float, retries: int):
        self.endpoints = endpoints
        self.timeout = timeout
        self.retries = retries
        self.session = requests.Session()
        # The environment's proxies are read once, here, not at every request (requests
        # reads them, and ~/.netrc, for each one unless told not to).
        self.session.trust_env = False
        self.session.proxies.update(requests.utils.get_environ_proxies(endpoints.query))
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._auth: AuthBase | None = None
        if endpoints.user:
            kind = HTTPDigestAuth if endpoints.auth == "digest" else HTTPBasicAuth
            self._auth = kind(endpoints.user, endpoints.password)
        #: The pool protocol queries' answers are read through where no proxy or login
        #: is needed: urllib3 itself, without requests' own work per request (which costs
        #: a worker more CPU than the rest of the query; see remote_answers.EngineAnswer).
        self.direct: urllib3.PoolManager | None = None
        if not self.session.proxies and not endpoints.user:
            self.direct = urllib3.PoolManager(maxsize=8, retries=False)
        self._forms: dict[tuple[tuple[str, str], ...], str] = {}

    def query_form(self, text: str, params: Sequence[tuple[str, str]]) -> str:
        """The form that asks ``text`` with ``params``. The parameters (a server names the
        same graphs for every query: twenty graph IRIs take 0.06 ms to encode, three
        times the query's text) are encoded once and kept, :data:`FORMS_KEPT` at most and
        none longer than :data:`FORM_KEPT_CHARS`: a query's own dataset is the client's, and
        what is kept must not grow with what clients send.

        >>> c = RemoteClient(Endpoints.for_engine("http://h/query", engine="oxigraph"),
        ...                  timeout=1, retries=0)
        >>> c.query_form("ASK {}", [("default-graph-uri", "http://g/a b")])
        'query=ASK+%7B%7D&default-graph-uri=http%3A%2F%2Fg%2Fa+b'
        """
        key = tuple(params)
        encoded = self._forms.get(key)
        if encoded is None:
            encoded = urlencode(key)
            if len(encoded) <= FORM_KEPT_CHARS:
                if len(self._forms) >= FORMS_KEPT:
                    self._forms.clear()
                self._forms[key] = encoded
        query = urlencode([("query", text)])
        return f"{query}&{encoded}" if encoded else query

    @property
    def auth(self) -> AuthBase | None:
        """The credentials every request carries (``None``: none)."""
        return self._auth

    # -- SPARQL protocol -------------------------------------------------------------
    def query(
        self, text: str, params: Sequence[tuple[str, str]] = (), accept: str = QUERY_ACCEPT
    ) -> tuple[str, bytes]:
        """Run a query: the answer's media type and body."""
        return self._retrying(
            self.endpoints.query, lambda: self._sparql(text, params, False, accept)
        )

    def update(self, text: str, *, added_lines: int = 0) -> None:
        """Run an update (one request: one transaction on engines that have them); a syntax
        error names its place as if the ``added_lines`` lamcoop put first were not there."""
        try:
            self._retrying(self.endpoints.update, lambda: self._sparql(text, (), True))
        except SyntaxError as exc:
            raise SyntaxError(lines_before(str(exc), added_lines)) from None

    def _sparql(
        self,
        text: str,
        params: Sequence[tuple[str, str]],
        update: bool,
        accept: str = QUERY_ACCEPT,
    ):
        e = self.endpoints
        wrapper = SPARQLWrapper(e.query, updateEndpoint=e.update)
        # Content negotiation only: SPARQLWrapper's default "format=xml" parameters
        # override the Accept header on Virtuoso (406 Not Acceptable).
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(max(1, round(self.timeout)))
        if e.user:
            wrapper.setHTTPAuth(DIGEST if e.auth == "digest" else BASIC)
            wrapper.setCredentials(e.user, e.password)
        # The text is sent as it is: the form (query or update) is the caller's, not read
        # from the text by SPARQLWrapper's patterns.
        wrapper.queryString = text
        wrapper.queryType = INSERT if update else SELECT
        if not update:
            wrapper.addCustomHttpHeader("Accept", accept)
        for name, value in params:
            wrapper.addParameter(name, value)
        try:
            response = wrapper.query().response
            kind = response.headers.get("Content-Type", "")
            return kind.split(";")[0].strip().lower(), response.read()
        except QueryBadFormed as exc:
            raise SyntaxError(what_was_said(exc, e.update if update else e.query)) from None
        except EndPointInternalError as exc:
            said = what_was_said(exc, e.update if update else e.query)
            raise failure(e.engine, answer_body(exc), said) from None
        except SPARQLWrapperException as exc:
            raise StoreError(what_was_said(exc, e.update if update else e.query)) from None
        except urllib.error.HTTPError as exc:
            body = exc.read()[:500].decode("utf-8", "replace")
            where = e.update if update else e.query
            raise StoreError(f"{where} answered {exc.code}: {body}") from None
        except http.client.HTTPException as exc:  # an answer no HTTP client reads: a 502
            if isinstance(exc, OSError):  # a connection the engine closed: tried again
                raise
            where = e.update if update else e.query
            raise StoreError(f"{where} answered what is not HTTP lamcoop reads: {exc}") from None

    # -- Graph Store protocol --------------------------------------------------------
    def get_graph(self, graph: str | None, accept: str) -> bytes:
        """A graph (``None``: the whole dataset, where the engine offers it) as ``accept``."""
        params = {} if graph is None else {"graph": graph}
        return self._gsp("GET", params, headers={"Accept": accept}).content

    def post_graph(self, graph: str | None, body: bytes | Iterable[bytes], media_type: str) -> None:
        """Add ``body`` to ``graph`` (``None``: to the dataset, for quad formats).

        Oxigraph server is asked to load without a transaction: its bulk loader, three
        times quicker, ingests the body only once it has all of it (all or nothing, as
        :mod:`~graph_loader.store.remote_direct` relies on). Staging copies and a new
        graph's one request (:mod:`~graph_loader.store.remote_direct`) are written so."""
        params = {} if graph is None else {"graph": graph}
        if self.endpoints.engine == "oxigraph":
            params["no_transaction"] = ""
        if self.endpoints.engine == "virtuoso" and not isinstance(body, bytes):
            # Virtuoso answers 201 to a chunked body and stores nothing: send a length.
            with tempfile.TemporaryFile() as spool:
                for piece in body:
                    spool.write(piece)
                size = spool.tell()
                spool.seek(0)
                headers = {"Content-Type": media_type, "Content-Length": str(size)}
                self._gsp("POST", params, body=spool, headers=headers)
            return
        self._gsp("POST", params, body=body, headers={"Content-Type": media_type})

    def _gsp(
        self,
        method: str,
        params: Mapping[str, str],
        *,
        body: bytes | Iterable[bytes] | IO[bytes] | None = None,
        headers: Mapping[str, str],
    ) -> requests.Response:
        url = self.endpoints.graph_store
        # Bytes, or a spooled file read again from its start, can be sent again.
        resendable = body is None or isinstance(body, bytes) or hasattr(body, "seek")

        def send() -> requests.Response:
            if hasattr(body, "seek"):
                body.seek(0)  # type: ignore[union-attr]
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    data=body,
                    headers=dict(headers),
                    auth=self._auth,
                    timeout=(CONNECT_SECONDS, self.timeout),
                )
            except requests.ConnectionError as exc:
                raise _Unreachable(exc) from None
            except requests.Timeout:
                raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
            if response.status_code >= 400:
                said = f"{url} answered {response.status_code}: {readable(response.text[:1000])}"
                found = failure(self.endpoints.engine, response.content[:1000], said)
                raise found if isinstance(found, RolledBack | StoreRefused) else StoreError(said)
            return response

        # A streamed body is read once: it cannot be sent again.
        return self._retrying(url, send, again=resendable)

    def _retrying(self, url: str, attempt: Callable[[], T], *, again: bool = True) -> T:
        """Run ``attempt``, trying again (when it can be sent ``again``) on a connection
        error and on a transaction the engine rolled back (:func:`until_kept`); errors name
        ``url``."""
        wait = 0.5
        for left in range(self.retries if again else 0, -1, -1):
            try:
                return until_kept(attempt) if again else attempt()
            except _Unreachable as exc:
                if left == 0:
                    raise StoreError(f"cannot reach {url}: {exc.why}") from None
            except (urllib.error.URLError, OSError) as exc:
                why = _why(exc)
                if why == "timeout":
                    raise StoreError(f"{url} did not answer within {self.timeout:g} s") from None
                if left == 0:
                    raise StoreError(f"cannot reach {url}: {why}") from None
            time.sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()
        if self.direct is not None:
            self.direct.clear()


class _Unreachable(Exception):
    """A connection error of the Graph Store client, with what it was."""

    def __init__(self, exc: BaseException):
        super().__init__(str(exc))
        self.why = _why(exc)


def _why(exc: BaseException) -> str:
    """What a connection error was, in a few words (``connection refused``)."""
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ConnectionRefusedError):
            return "connection refused"
        if isinstance(item, ConnectionResetError | BrokenPipeError):
            return "connection reset"
        if isinstance(item, socket.timeout | TimeoutError):
            return "timeout"
        if isinstance(item, socket.gaierror):
            return f"unknown host ({item.strerror})"
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None)])
        stack.extend(item.args)
    text = str(getattr(exc, "reason", exc))
    return text[:200]
