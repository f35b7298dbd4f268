"""What a SPARQL request names before it runs: its form, and every outside IRI it would reach.

pyoxigraph does not expose its algebra. The SERVICE endpoints and LOAD sources, which make
the server call out, are read by :mod:`sparql_endpoint.sparql_reach` with Oxigraph's own
lexical rules, every possible reading at once. The form and the FROM/USING graphs are read
by a tokeniser that follows the same rules where they matter (``\\u`` escapes apply only in
IRIs and strings; comments, IRIs, strings, variables and prefixed names are whole tokens).
Neither is what keeps a served query off the network when the allow-list is empty: the
worker's network sandbox is (:mod:`sparql_endpoint.network_sandbox`).

>>> info = inspect("PREFIX e: <http://e.org/> SELECT * FROM e:g { SERVICE e:s { ?s ?p ?o } }")
>>> info.form, info.services, info.from_graphs
('SELECT', ('http://e.org/s',), ('http://e.org/g',))
>>> inspect('SELECT ("SERVICE <http://x>" AS ?s) { } # LOAD <http://y>').services
()
>>> inspect("LOAD <http://x.org/data.ttl> INTO GRAPH <http://g>").loads
('http://x.org/data.ttl',)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import pyoxigraph as ox

from graph_loader.safe_output import quoted
from sparql_endpoint.refusals import N_, Said
from sparql_endpoint.sparql_reach import TooIntricate, reach, resolve, unescape_iri

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|\\\Z|"(?!""))*+(?:\"\"\"|\Z)
               | '''(?:[^'\\]|\\.|\\\Z|'(?!''))*+(?:'''|\Z)
               | "(?:[^"\\\n\r]|\\.|\\\Z)*+(?:"|(?=[\n\r])|\Z)
               | '(?:[^'\\\n\r]|\\.|\\\Z)*+(?:'|(?=[\n\r])|\Z))
    | (?P<var>[?$][^\s(){}\[\],;.!=<>*/+\-|&^"'#@]+)
    | (?P<pname>(?:(?<![\w.\-\u00B7])[^\W\d_][\w.\-\u00B7]*)?:(?:[\w.\-:%\u00B7]|\\.)*)
    | (?P<word>[^\W\d][\w]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# A string left open runs to the end of its line (short) or of the text (long), so that each
# character is read once: an open quote never makes the tokeniser read the rest again. A
# prefixed name begins only where a run of name characters begins: tried inside a run (the
# tokens of "a.a.a..."), it read the rest of the run each time, and 200,000 characters
# took minutes.


class Token(NamedTuple):
    """One significant token: its kind (``iri``, ``pname``, ``var``, ``word``...) and text."""

    kind: str
    text: str


@dataclass(frozen=True)
class QueryInfo:
    """What a query or update names: its form and the IRIs that reach outside the store."""

    form: str | None
    is_update: bool
    services: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    using: tuple[str, ...] = field(default=())
    #: The text was too intricate to read for SERVICE and LOAD (see :mod:`.sparql_reach`).
    intricate: bool = False

    @property
    def dataset_graphs(self) -> tuple[str, ...]:
        """Every graph named by FROM, FROM NAMED, USING or USING NAMED."""
        return (*self.from_graphs, *self.from_named, *self.using)


def _tokens(source: str) -> Iterator[Token]:
    """The significant tokens of ``source`` (whitespace and comments dropped)."""
    for match in _TOKEN.finditer(source):
        kind = match.lastgroup or "other"
        if kind != "ws" and kind != "comment":
            yield Token(kind, match.group())


#: The words after which an outside IRI may come.
_REACHING = ("SERVICE", "LOAD", "FROM", "USING")


def _form_only(source: str) -> QueryInfo:
    """The form of a text that names no outside IRI: its first word that gives one."""
    for match in _TOKEN.finditer(source):
        if match.lastgroup == "word":
            word = match.group().upper()
            if word in QUERY_FORMS:
                return QueryInfo(form=word, is_update=False)
            if word in UPDATE_WORDS:
                return QueryInfo(form=None, is_update=True)
    return QueryInfo(form=None, is_update=False)


def inspect(text: str, *, base_iri: str | None = None) -> QueryInfo:
    """Read a query or update's form and the IRIs its SERVICE, LOAD, FROM and USING name
    (relative ones resolved against ``base_iri``, as the store is given it).

    A text in which none of SERVICE, LOAD, FROM and USING occurs (in any case, anywhere)
    names no outside IRI, so it is read only as far as its form.
    """
    source = text
    upper = source.upper()  # may map more than ASCII: more texts are read whole, never fewer
    if not any(word in upper for word in _REACHING):
        return _form_only(source)
    try:
        reached, intricate = reach(source, base_iri=base_iri), False
    except TooIntricate:
        reached, intricate = None, True
    toks = list(_tokens(source))
    prefixes: dict[str, str] = {}
    base = base_iri
    found: dict[str, list[str]] = {k: [] for k in ("from", "named", "using")}
    form: str | None = None
    is_update = False
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "BASE" and _at(toks, i + 1, "iri"):
            base = _resolve_iri(toks[i + 1].text, base)
        elif word == "PREFIX" and _at(toks, i + 1, "pname") and _at(toks, i + 2, "iri"):
            prefixes[toks[i + 1].text[:-1]] = _resolve_iri(toks[i + 2].text, base)
        elif word in ("FROM", "USING"):
            key, target = _target(toks, i + 1, word)
            found[key].append(_term(target, prefixes, base))
        if form is None and not is_update:
            if word in QUERY_FORMS:
                form = word
            elif word in UPDATE_WORDS:
                is_update = True
    return QueryInfo(
        form=form,
        is_update=is_update,
        services=reached.services if reached else (),
        loads=reached.loads if reached else (),
        from_graphs=tuple(found["from"]),
        from_named=tuple(found["named"]),
        using=tuple(found["using"]),
        intricate=intricate,
    )


def add_using(text: str, default: Sequence[str], named: Sequence[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` and ``using-named-graph-uri``
    written as USING and USING NAMED before the WHERE of each DELETE/INSERT operation.

    Raises :class:`ValueError` when the update has USING or WITH of its own (the protocol
    forbids both at once), or a DELETE WHERE, which has no place for a dataset.

    >>> add_using("INSERT { ?s a ?o } WHERE { ?s ?p ?o }", ["http://g"], [])
    'INSERT { ?s a ?o } USING <http://g> WHERE { ?s ?p ?o }'

    Each graph must be an absolute IRI (so none can end the ``<...>`` it is written in):

    >>> add_using("INSERT { ?s a ?o } WHERE { ?s ?p ?o }", ["http://g> } ; LOAD <http://x"], [])
    Traceback (most recent call last):
    ...
    ValueError: the dataset graph 'http://g> } ; LOAD <http://x' is not an absolute IRI
    """
    for graph in (*default, *named):
        try:
            ox.NamedNode(graph)
        except ValueError:
            raise ValueError(f"the dataset graph {quoted(graph)} is not an absolute IRI") from None
    clause = " ".join([f"USING <{g}>" for g in default] + [f"USING NAMED <{g}>" for g in named])
    source = text
    out, last, depth, template, previous = [], 0, 0, False, ""
    for match in _TOKEN.finditer(source):
        kind, tok = match.lastgroup, match.group(0)
        if kind in ("ws", "comment"):
            continue
        depth += {"{": 1, "}": -1}.get(tok, 0) if kind == "other" else 0
        word = tok.upper() if kind == "word" and depth == 0 else ""
        if word in ("USING", "WITH"):
            raise ValueError(f"the update has {word}: give the dataset either way, not both")
        if word == "WHERE" and previous == "DELETE":
            raise ValueError("DELETE WHERE cannot take using-graph-uri or using-named-graph-uri")
        if word in ("INSERT", "DELETE"):
            template = True
        elif word == "DATA":
            template = False
        elif word == "WHERE" and template:
            out += [source[last : match.start()], clause + " "]
            last, template = match.start(), False
        previous = word
    return "".join(out) + source[last:]


def _at(toks: Sequence[Token], i: int, kind: str) -> bool:
    return i < len(toks) and toks[i].kind == kind


def _target(toks: Sequence[Token], i: int, word: str) -> tuple[str, Token | None]:
    """The key under which the IRI after ``word`` is filed, and that IRI's token."""
    key = {"SERVICE": "service", "LOAD": "load", "FROM": "from", "USING": "using"}[word]
    while i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() in ("SILENT", "NAMED"):
        if word == "FROM" and toks[i].text.upper() == "NAMED":
            key = "named"
        i += 1
    return key, (toks[i] if i < len(toks) else None)


def _term(tok: Token | None, prefixes: dict[str, str], base: str | None) -> str:
    """The absolute IRI a token names; variables and anything else are kept as written."""
    if tok is None:
        return ""
    if tok.kind == "iri":
        return _resolve_iri(tok.text, base)
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        local = re.sub(r"\\(.)", r"\1", local).rstrip(".")
        return prefixes.get(prefix, f"{prefix}:") + local
    return tok.text


def _resolve_iri(iriref: str, base: str | None) -> str:
    """The IRI an ``<...>`` token names: escapes applied, made absolute against ``base``
    (kept as written where that fails: it then matches no graph and no allow-list entry)."""
    iri = unescape_iri(iriref[1:-1])
    if iri is None:
        return iriref[1:-1]
    return resolve(iri, base) or iri


def allowed(iri: str, allowlist: Sequence[str]) -> bool:
    """Whether ``iri`` is in the allow-list: equal to an entry, or under one ending in
    ``/``, ``#`` or ``*``.

    >>> allowed("http://a.org/sparql", ["http://a.org/"]), allowed("http://b.org", ["http://a"])
    (True, False)
    """
    for entry in allowlist:
        if iri == entry:
            return True
        if entry.endswith(("/", "#", "*")) and iri.startswith(entry.rstrip("*")):
            return True
    return False


def refusals(
    info: QueryInfo, *, known_graphs: frozenset[str], allowlist: Sequence[str]
) -> list[Said]:
    """Why the request may not run (empty when it may): outside IRIs not allow-listed, and
    any SERVICE whose endpoint is a variable (no allow-list can vouch for its values).

    >>> found = refusals(inspect("SELECT * { SERVICE ?x { } }"), known_graphs=frozenset(),
    ...                  allowlist=["*"])
    >>> [reason.english() for reason in found]
    ['SERVICE ?x is not allowed on this server: its endpoint is a variable']
    """
    reasons = [
        Said(VARIABLE_SERVICE if iri.startswith(("?", "$")) else SERVICE, {"iri": _shown(iri)})
        for iri in info.services
        if iri.startswith(("?", "$")) or not allowed(iri, allowlist)
    ]
    reasons += [
        Said(LOAD, {"iri": _shown(iri)}) for iri in info.loads if not allowed(iri, allowlist)
    ]
    reasons += [
        Said(NO_GRAPH, {"iri": _shown(iri)})
        for iri in info.dataset_graphs
        if iri not in known_graphs and not allowed(iri, allowlist)
    ]
    return reasons


#: Why a request may not run (:func:`refusals`).
VARIABLE_SERVICE = N_("SERVICE %(iri)s is not allowed on this server: its endpoint is a variable")
SERVICE = N_("SERVICE %(iri)s is not allowed on this server")
LOAD = N_("LOAD %(iri)s is not allowed on this server")
NO_GRAPH = N_("the graph %(iri)s is not in the store")


def _shown(iri: str) -> str:
    if not iri:
        return "(no target)"
    return iri if iri.startswith(("?", "$")) else f"<{iri}>"
