"""What differs between the SPARQL engines a remote store speaks to, each in one place.

Virtuoso open source 7 differs from Oxigraph server in ways lamcoop hides here:

- its content negotiation ignores quality values: a graph query asked for "SPARQL JSON,
  else N-Triples" answers a malformed SPARQL JSON (blank nodes as IRIs), so the query's
  form is found first (:func:`accept_for`) and only the media type of that form is asked;
- an ASK answered in SPARQL JSON is a one-row table of ``__ASK_RETVAL`` (1 or 0), read
  back as a boolean (:func:`results`);
- ``INSERT DATA`` refuses blank nodes, so small generated graphs go in as
  ``INSERT { … } WHERE { }`` (one solution: each blank node stays one node);
- its blank nodes in SPARQL JSON are ``nodeID://b10000``, not labels: read as ``b10000``;
- it keeps the datatype an integer was written with, where Oxigraph stores every integer
  type as ``xsd:integer``: uploads pass through :func:`as_embedded`;
- its own graphs (:data:`~graph_loader.store.remote_http.SYSTEM_GRAPHS`) are left out of
  every listing;
- it answers each graph a query's protocol parameters name with a response header of its
  own (``X-SPARQL-default-graph``, ``X-SPARQL-named-graph``): past about 48 graphs, more
  headers than Python's HTTP client reads (``got more than 100 headers``), so that every
  query over a store of that many graphs failed. The dataset goes in the text as
  Virtuoso's pragmas instead (:func:`with_dataset`), which mean the same (graphs a query's
  own ``FROM`` names are added to them, as to the parameters') and are not echoed.

>>> accept_for("virtuoso", "ASK { ?s ?p ?o }")
'application/sparql-results+json'
>>> accept_for("virtuoso", "CONSTRUCT WHERE { ?s ?p ?o }")
'application/n-triples'
>>> accept_for("oxigraph", "CONSTRUCT WHERE { ?s ?p ?o }") == QUERY_ACCEPT
True
>>> bool(results("application/sparql-results+json",
...     b'{"head":{"vars":["__ASK_RETVAL"]},"results":{"bindings":[{"__ASK_RETVAL":'
...     b'{"type":"typed-literal","value":"0"}}]}}', "u"))
False
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from graph_loader.store.layout import StoreError
from graph_loader.store.remote_http import QUERY_ACCEPT, SYSTEM_GRAPHS

_RESULTS = "application/sparql-results+json"
_GRAPH = "application/n-triples"


def accept_for(engine: str, text: str) -> str:
    """The Accept header of a query: one media type for Virtuoso, by the query's form.

    The form is read by pyoxigraph's parser (the query run over an empty store), never by
    patterns over the text; a query it cannot run here (a custom function) asks for
    results."""
    if engine != "virtuoso":
        return QUERY_ACCEPT
    try:
        answer = ox.Store().query(text)
    except (SyntaxError, OSError, ValueError, TypeError):
        return _RESULTS
    return _GRAPH if isinstance(answer, ox.QueryTriples) else _RESULTS


#: The protocol's dataset parameters, and the pragma that names the same graph in Virtuoso.
_PRAGMAS = {
    "default-graph-uri": "input:default-graph-uri",
    "named-graph-uri": "input:named-graph-uri",
}


def with_dataset(
    engine: str, text: str, params: list[tuple[str, str]]
) -> tuple[str, list[tuple[str, str]]]:
    """The query ``text`` and its protocol ``params``, the dataset moved into the text as
    pragmas for Virtuoso (see the module); as they are for any other engine.

    >>> text, params = with_dataset("virtuoso", "ASK {}", [("default-graph-uri", "http://g")])
    >>> text.splitlines(), params
    (['DEFINE input:default-graph-uri <http://g>', 'ASK {}'], [])
    >>> with_dataset("oxigraph", "ASK {}", [("named-graph-uri", "http://g")])
    ('ASK {}', [('named-graph-uri', 'http://g')])
    """
    if engine != "virtuoso":
        return text, params
    pragmas = [f"DEFINE {_PRAGMAS[n]} {ox.NamedNode(v)}\n" for n, v in params if n in _PRAGMAS]
    return "".join(pragmas) + text, [(n, v) for n, v in params if n not in _PRAGMAS]


def with_base(engine: str, base: str, text: str) -> str:
    """The query ``text`` with ``base`` as its base IRI, as the engine reads it.

    Virtuoso refuses a second ``BASE`` (SPARQL allows several): a text that pyoxigraph's
    parser reads without any base (it names no relative IRI before its own ``BASE``, if
    any) goes to Virtuoso as written. The text is run over an empty in-memory store, never
    read by patterns of ours.

    >>> with_base("virtuoso", "http://h/", "BASE <http://x/> ASK { <a> ?p ?o }")
    'BASE <http://x/> ASK { <a> ?p ?o }'
    >>> with_base("virtuoso", "http://h/", "ASK { <a> ?p ?o }").splitlines()
    ['BASE <http://h/>', 'ASK { <a> ?p ?o }']
    """
    based = f"BASE {ox.NamedNode(base)}\n{text}"
    if engine != "virtuoso":
        return based
    try:
        ox.Store().query(text)
    except (SyntaxError, OSError, ValueError, TypeError, RuntimeError):
        return based
    return text


def results(media: str, body: bytes, url: str) -> Any:
    """A query's answer as pyoxigraph's own results."""
    if media in (_RESULTS, "application/json"):
        ask = _virtuoso_ask(body)
        if ask is not None:
            body = json.dumps({"head": {}, "boolean": ask}).encode()
        elif b"nodeID://" in body:
            body = _virtuoso_blank_nodes(body)
        try:
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{url} answered results lamcoop cannot read: {exc}") from None
    if media in (_GRAPH, "text/plain", "text/turtle"):
        held = ox.Store()
        kind = ox.RdfFormat.TURTLE if media == "text/turtle" else ox.RdfFormat.N_TRIPLES
        held.load(body, format=kind)
        return held.query("CONSTRUCT WHERE { ?s ?p ?o }")
    shown = json.dumps(body[:200].decode("utf-8", "replace"))
    raise StoreError(f"{url} answered with {media or 'no media type'}: {shown}")


def _virtuoso_ask(body: bytes) -> bool | None:
    """Virtuoso's ASK in SPARQL JSON (a table of ``__ASK_RETVAL``) as a boolean; ``None``
    for any other answer."""
    if b"__ASK_RETVAL" not in body[:200]:
        return None
    data = json.loads(body)
    if data.get("head", {}).get("vars") != ["__ASK_RETVAL"]:
        return None
    rows = data.get("results", {}).get("bindings", [])
    return bool(rows) and rows[0]["__ASK_RETVAL"]["value"] not in ("0", "false")


def _virtuoso_blank_nodes(body: bytes) -> bytes:
    """Virtuoso's blank nodes (``nodeID://b10000``) as blank node labels (``b10000``)."""
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("type") == "bnode" and value["value"].startswith("nodeID://"):
                value["value"] = value["value"].removeprefix("nodeID://")
    return json.dumps(data).encode()


def as_embedded(engine: str, piece: list[Any]) -> list[Any]:
    """Triples or quads as the embedded store holds them, for engines that keep literals
    as written: Oxigraph stores every integer type (``xsd:nonNegativeInteger``…) as
    ``xsd:integer``, Virtuoso keeps the type written, so the same SHACL shapes would give
    other results. The piece goes through an in-memory Oxigraph store (its own rules)."""
    if engine == "oxigraph" or not piece:
        return piece
    held = ox.Store()
    quads = isinstance(piece[0], ox.Quad)
    held.extend(piece if quads else [ox.Quad(t.subject, t.predicate, t.object) for t in piece])
    return list(held) if quads else [q.triple for q in held]


def insert_text(engine: str, body: str) -> str:
    """An update adding the ground data ``body`` (blank nodes allowed on every engine)."""
    if engine == "virtuoso":
        return f"INSERT {{ {body} }} WHERE {{ }}"
    return f"INSERT DATA {{ {body} }}"


def system_graph(engine: str, graph: str) -> bool:
    """Whether ``graph`` is one the engine keeps for itself (never shown by lamcoop)."""
    return graph in SYSTEM_GRAPHS.get(engine, frozenset())
