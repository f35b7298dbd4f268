"""How deep a SPARQL query or update may nest, checked before the engine sees its text.

Oxigraph's parser, optimiser and evaluator recurse once per level of nesting (brackets),
once per link of a chain (``UNION``, ``OPTIONAL``, ``MINUS``, ``&&``, ``||``, arithmetic,
property paths) and once per pattern, projection, ``BIND`` or ``FILTER`` joined to the
others. On a thread's stack, a few thousand are enough to crash the whole process
(bench/stack_depths.py measures where, construct by construct). So a text is read here
first, and one over a limit is refused with :class:`QueryLimitError`, which names the limit
and the character where the text crossed it.

The reading is meant to overestimate, never to underestimate: an operator counts wherever
it is in the query (outside data), not only within one chain; brackets in strings and
comments do not count, and the text is read twice, as written and with its ``\\u``
escapes applied, so that a string is a string in one of the readings whichever way the
engine reads escapes, and the reading that finds more wins; what looks like an IRI may be
a ``<`` comparison, so an IRI's brackets nest within it (its closing brackets close only
its own) and its ``+ * ! &&`` count.
This check is the first of two defences: the server also evaluates on a stack large
enough for many times these limits (see docs/sparql.md).

>>> check("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1) }")
>>> try:
...     check("SELECT * WHERE " + "{" * 300 + "?s ?p ?o" + "}" * 300)
... except QueryLimitError as exc:
...     print(exc)
the query nests brackets deeper than 128 (the nesting limit) at character 144
>>> measure('SELECT * { ?s ?p "}}}" FILTER((?o)) } # ))').depth
3
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Most levels of nested brackets ``{ ( [`` (groups, subqueries, expressions, function
#: calls, paths, blank nodes and collections). Nested ``FILTER EXISTS`` cost the engine most
#: stack per level: 8 MiB of stack holds about 850 of them.
MAX_NESTING = 128

#: Most terms (variables, IRIs, prefixed names, literals, numbers) outside data: the
#: engine joins triple patterns, projections, BINDs and FILTERs into a tree as deep as
#: they are many (2,000 to 3,000 constant triple patterns crash it on an 8 MiB stack). The
#: quads of INSERT DATA and DELETE DATA, the rows of VALUES and the list of an IN do not
#: count.
MAX_TERMS = 2000

#: Most operators of each kind a query may hold outside data: a chain of them is as deep
#: as it is long. The crash depths on an 8 MiB stack (bench/stack_depths.py) are 2,636
#: (MINUS) to 9,375 (``&&``); the server's stack is 32 times larger. Paths are held lower:
#: a sequence ``p/p/...`` of 400 steps takes the engine seconds to plan (256: 1.4 s).
MAX_CHAIN = {
    "UNION": 1000,
    "OPTIONAL": 1000,
    "MINUS": 500,
    "&& and ||": 2000,
    "arithmetic (+ - *)": 1500,
    "path and division (/ | ^)": 256,
    "!": 2000,
    "group { }": 2000,
}

_STRING = "|".join(
    (
        r'"""(?:[^"\\]|\\.|"(?!""))*"""',
        r"'''(?:[^'\\]|\\.|'(?!''))*'''",
        r'"(?:[^"\\\n\r]|\\.)*"',
        r"'(?:[^'\\\n\r]|\\.)*'",
    )
)
#: An IRI no longer than this is read as one; a longer one as code (``<`` is also "less
#: than", so what looks like an IRI may be an expression). Nor is one that has both a
#: ``#`` and a bracket: were it an expression, the ``#`` would begin a comment.
_IRI_CHARS = 1024
_CODE = rf"""
      (?P<iri><[^<>"{{}}|^`\\\x00-\x20\#]{{0,{_IRI_CHARS}}}>
            |<[^<>"{{}}|^`\\\x00-\x20()\[\]]{{0,{_IRI_CHARS}}}>)
    | (?P<term>[?$]\w+|(?:(?<![\w.-])[^\W\d][\w.-]*)?:[\w.:%-]*
            |\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
    | (?P<skip>\^\^|!=)
    | (?P<open>[{{(\[])
    | (?P<close>[}})\]])
    | (?P<logic>&&|\|\|)
    | (?P<path>[/|^])
    | (?P<arith>[+*-])
    | (?P<bang>!)
    | (?P<word>\b(?i:UNION|OPTIONAL|MINUS|DATA|VALUES|IN)\b)
"""
#: The tokens of a text: comments and strings first (what they hold does not count), and a
#: quote that opens no string.
_TOKEN = re.compile(
    rf"(?P<comment>\#[^\n\r]*) | (?P<string>{_STRING}) | {_CODE} | (?P<quote>['\"])",
    re.VERBOSE,
)
#: The tokens of code alone, for where a string already failed to close (see :func:`_read`).
_TOKEN_NO_STRING = re.compile(rf"(?P<comment>\#[^\n\r]*) | {_CODE}", re.VERBOSE)
_KIND = {
    "logic": "&& and ||",
    "path": "path and division (/ | ^)",
    "arith": "arithmetic (+ - *)",
    "bang": "!",
}
#: The operators counted inside an IRI (``-`` and ``/`` are too common in real ones).
_IRI_SIGNS = (("+", _KIND["arith"]), ("*", _KIND["arith"]), ("!", "!"), ("&&", _KIND["logic"]))
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BRACKETS = re.compile(r"[{(\[]|[})\]]")


class QueryLimitError(ValueError):
    """A query or update over one of the limits: the message names the limit and where."""

    def __init__(self, what: str, limit: int, name: str, position: int):
        super().__init__(f"the query {what} {limit} (the {name} limit) at character {position + 1}")
        self.limit = limit
        self.name = name
        self.position = position


@dataclass(frozen=True)
class Measure:
    """What one reading found: the deepest nesting, the terms outside data, and each
    operator's count."""

    depth: int
    terms: int
    counts: dict[str, int]


def measure(text: str) -> Measure:
    """The nesting depth, terms and operator counts of ``text`` as written (see the
    module)."""
    return _read(text, raise_at=False)


def check(text: str) -> None:
    """Raise :class:`QueryLimitError` if ``text`` (as written, or with its ``\\u`` escapes
    applied) is over a limit; return otherwise."""
    _read(text, raise_at=True)
    if "\\" in text:
        unescaped = _ESCAPE.sub(_char, text)
        if unescaped != text:
            _read(unescaped, raise_at=True)


def _char(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def _inner(region: str) -> tuple[int, int]:
    """The deepest nesting within ``region`` (a string, comment or IRI) and the brackets
    it leaves open: its closing brackets close only its own opening ones."""
    depth = peak = 0
    for match in _BRACKETS.finditer(region):
        depth = depth + 1 if match.group() in "{([" else max(0, depth - 1)
        peak = max(peak, depth)
    return peak, depth


class _Reading:
    """One reading of a text, raising at the first limit crossed when ``strict``.

    After ``DATA`` or ``VALUES``, the next ``{`` opens a block of data, in which neither
    terms nor operators count (the engine reads it flat, and it holds no expression); after
    ``IN``, the next ``(`` opens a list whose terms do not count (its operators do).
    """

    def __init__(self, strict: bool):
        self.strict = strict
        self.depth = self.deepest = self.terms = 0
        self.counts = dict.fromkeys(MAX_CHAIN, 0)
        self.pending_data = self.pending_list = False
        self.data_at: int | None = None  # the depth outside the data block being read
        self.list_at: int | None = None  # the depth outside the IN list being read

    def nest(self, peak: int, left_open: int, at: int) -> None:
        self.deepest = max(self.deepest, self.depth + peak)
        if self.strict and self.depth + peak > MAX_NESTING:
            raise QueryLimitError("nests brackets deeper than", MAX_NESTING, "nesting", at)
        self.depth += left_open

    def open(self, token: str, at: int) -> None:
        if token == "{" and self.pending_data and self.data_at is None:
            self.data_at, self.pending_data = self.depth, False
        if token == "(" and self.pending_list and self.list_at is None:
            self.list_at, self.pending_list = self.depth, False
        self.nest(1, 1, at)
        if token == "{":
            self.count("group { }", at)

    def close(self) -> None:
        self.depth = max(0, self.depth - 1)
        if self.data_at is not None and self.depth <= self.data_at:
            self.data_at = None
        if self.list_at is not None and self.depth <= self.list_at:
            self.list_at = None

    def count(self, name: str, at: int, times: int = 1) -> None:
        if self.data_at is not None:
            return
        self.counts[name] += times
        if self.strict and self.counts[name] > MAX_CHAIN[name]:
            raise QueryLimitError(f"has more {name} operators than", MAX_CHAIN[name], name, at)

    def term(self, at: int) -> None:
        if self.data_at is not None or self.list_at is not None:
            return
        self.terms += 1
        if self.strict and self.terms > MAX_TERMS:
            raise QueryLimitError("has more terms than", MAX_TERMS, "terms", at)

    def word(self, word: str, at: int) -> None:
        if word in ("DATA", "VALUES"):
            self.pending_data = True
        elif word == "IN":
            self.pending_list = True
        else:
            self.count(word, at)


def _read(text: str, *, raise_at: bool) -> Measure:
    """Read ``text``: comments do not count, strings count as terms; an IRI is a term, its
    brackets nest only within it and its ``+ * ! &&`` count (it may be an expression
    between ``<`` and ``>``).

    A quote that opens no string (none closes it on its line, or, for a long string, in the
    rest of the text) is read as code, and so is every quote up to where that string's
    reading stopped: trying each of them as a string again would read the same stretch
    again for each, and a line of a few hundred thousand escaped quotes would take minutes.
    Reading them as code may only count more, never less.
    """
    reading = _Reading(raise_at)
    pos, dead = 0, 0
    while True:
        if pos < dead:  # within the stretch: code alone (its quotes open nothing)
            match = _TOKEN_NO_STRING.search(text, pos, dead)
            if match is None:
                pos = dead
                continue
        elif (match := _TOKEN.search(text, pos)) is None:
            break
        at = match.start()
        kind, token = match.lastgroup, match.group()
        pos = match.end()
        if kind == "quote":
            dead = max(dead, _unclosed_until(text, at))
        elif kind == "string" or kind == "term":
            reading.term(at)
        elif kind == "iri":
            reading.term(at)
            if "{" in token or "(" in token or "[" in token:
                reading.nest(*_inner(token), at)
            for sign, name in _IRI_SIGNS:
                if sign in token:
                    reading.count(name, at, token.count(sign))
        elif kind == "open":
            reading.open(token, at)
        elif kind == "close":
            reading.close()
        elif kind == "word":
            reading.word(token.upper(), at)
        elif kind in _KIND:
            reading.count(_KIND[kind], at)
    return Measure(reading.deepest, reading.terms, reading.counts)


def _unclosed_until(text: str, at: int) -> int:
    """Where the reading of a string opened at ``at`` and never closed stopped: the end of
    its line (a short string), or of the text (a long one)."""
    if text.startswith(text[at] * 3, at):
        return len(text)
    ends = [i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0]
    return min(ends) if ends else len(text)
