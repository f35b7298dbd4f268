r"""Every IRI a query's SERVICE or an update's LOAD could make Oxigraph call, read with
Oxigraph's own lexical rules (``spargebra``'s parser in pyoxigraph 0.5, built without its
``standard-unicode-escaping`` feature).

Those rules, which this module follows:

* ``\u``/``\U`` escapes are applied only inside IRIs (``<...>``) and strings, never to the
  text as a whole: an escape in a comment, a keyword or a name is just characters.
* A comment runs from ``#`` to the end of the line (``\n`` or ``\r``); whitespace is only
  space, tab, ``\n`` and ``\r``.
* An IRI runs from ``<`` to the first ``>``; a prefixed name takes its prefix's IRI, and its
  local part loses its backslashes; a relative IRI is resolved against the base (the
  request's, or a ``BASE``), by Oxigraph's own resolver.
* Keywords are matched in ASCII case only, and with no word boundary: ``SERVICE:x`` is
  ``SERVICE`` followed by the name ``:x``, ``1SERVICE`` a number followed by ``SERVICE``.

Oxigraph's parser is a PEG, so a ``<`` may open an IRI or be the operator "less than", and a
quote may open a long or a short string (``VERSION`` takes only short ones), depending on
where it stands. This module does not guess which: it follows every reading at once (a set of
positions where code may stand), so a keyword in code under any reading is found. A SERVICE
is then any ``SERVICE`` in code followed by ``SILENT`` (or not), a variable or an IRI, then
``{``; a LOAD is any ``LOAD`` in code followed by ``SILENT`` (or not) and an IRI. Where a
name's prefix or the base could have more than one value, every value is given. What may be
called is over-reported, never under-reported.

>>> r = reach("PREFIX : <http://a.org/> SELECT * { SERVICE:s { } }", base_iri=None)
>>> r.services, r.loads
(('http://a.org/s',), ())
>>> quotes = '"' * 3
>>> trick = f"SELECT * {{ # \\u000A {quotes}\nSERVICE <http://b.org/x> {{}}\n# {quotes}\n}}"
>>> reach(trick, base_iri=None)
Reach(services=('http://b.org/x',), loads=())
>>> reach("SELECT ('SERVICE <http://c/>{}' AS ?x) {}", base_iri=None).services
()
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pyoxigraph as ox


class TooIntricate(ValueError):
    """The text would take too much work to read; it is refused, never passed unread."""


@dataclass(frozen=True)
class Reach:
    """What a text may call: SERVICE endpoints (IRIs, or ``?name`` for a variable) and LOAD
    sources, each as Oxigraph would call it."""

    services: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()


#: Most values a prefix or the base may take before the text counts as too intricate.
MAX_VALUES = 32
#: Characters read, per character of the text, before it counts as too intricate.
WORK_PER_CHAR = 20
#: Places where a reading goes on before the text counts as too intricate (a few seconds).
MAX_STEPS = 1_000_000
#: Most places a keyword (SERVICE, LOAD, BASE, PREFIX) may stand in code.
MAX_KEYWORDS = 10_000

_HEX = "[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"""\\[tbnrf"'\\]"""
#: What a short and a long string hold (PEG's loops: greedy, never giving back).
_SHORT = {q: re.compile(rf"(?:[^{q}\\\n\r]|{_ECHAR}|{_UCHAR})*+") for q in ("'", '"')}
_LONG = {
    q: re.compile(rf"(?:(?>(?:{q * 2}|{q})?)(?:[^{q}\\]|{_ECHAR}|{_UCHAR}))*+") for q in ("'", '"')
}
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SPECIAL = re.compile(r"""[#'"<\\]""")
_LINE_END = re.compile(r"[\r\n]")
_SPACE = re.compile(r"(?:[ \t\n\r]|#[^\r\n]*)*+")
_ESCAPE = re.compile(r"\\(?:u(.{4})|U(.{8})|(.?))", re.DOTALL)
_STRING_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'"}
_STRING_ESCAPES["\\"] = "\\"

# The name rules, with Oxigraph's character classes (no characters above U+FFFF).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_CHARS_U = f"_{_BASE}"
_CHARS = f"\\-0-9\u00b7\u0300-\u036f\u203f-\u2040{_CHARS_U}"
_PLX = rf"%{_HEX}{_HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}][{_CHARS}]*+(?:\.++[{_CHARS}]++)*+"
_LOCAL = rf"(?:[{_CHARS_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*+(?:\.++(?:[{_CHARS}:]|{_PLX})++)?+"
_PNAME = re.compile(rf"({_PREFIX})?+:({_LOCAL})?+")
_VAR = re.compile(rf"[?$][0-9{_CHARS_U}][0-9\u00b7\u0300-\u036f\u203f-\u2040{_CHARS_U}]*+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def unescape_iri(content: str) -> str | None:
    r"""An IRI's text with its ``\u``/``\U`` escapes applied; ``None`` where Oxigraph refuses
    it (any other backslash, or an escape that is no character).

    >>> unescape_iri(r"http://a/\u0041"), unescape_iri(r"http://a/\n")
    ('http://a/A', None)
    """
    return _unescape(content, {})


def _unescape(text: str, simple: dict[str, str]) -> str | None:
    out: list[str] = []
    last = 0
    for match in _ESCAPE.finditer(text):
        out.append(text[last : match.start()])
        hex_digits = match.group(1) or match.group(2)
        if hex_digits is not None:
            if not re.fullmatch(f"{_HEX}+", hex_digits):
                return None
            code = int(hex_digits, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            out.append(chr(code))
        elif match.group(3) in simple:
            out.append(simple[match.group(3)])
        else:
            return None
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def resolve(iri: str, base: str | None) -> str | None:
    """``iri`` made absolute against ``base`` by Oxigraph's own resolver (``None``: not an IRI
    Oxigraph would take there).

    The resolver is reached through pyoxigraph's Turtle parser, with the base given as
    such: ``iri`` goes into the document only when it holds none of the characters that
    end or escape a Turtle IRI (none of which an IRI may hold anyway).

    >>> resolve("../x", "http://a.org/b/c"), resolve("x", None), resolve("a b", "http://a/")
    ('http://a.org/x', None, None)
    """
    if _NOT_IN_IRI.search(iri):
        return None
    document = f"<{iri}> <{iri}> <{iri}> .".encode()
    try:
        quads = ox.parse(document, format=ox.RdfFormat.TURTLE, base_iri=base)
        return next(iter(quads)).subject.value
    except (SyntaxError, ValueError, StopIteration):
        return None


def _string_ends(text: str, at: int, *, short_too: bool) -> tuple[list[int], int]:
    """Where a string opened at ``at`` ends: the long string if one opens there, else the
    short one; with ``short_too`` (the text has a ``VERSION``, which takes only short ones)
    the short one as well. A string counts only where its escapes are ones Oxigraph takes.
    Also how many characters were read to find out."""
    quote = text[at]
    ends: list[int] = []
    read = 0
    for opening, rule in ((quote * 3, _LONG[quote]), (quote, _SHORT[quote])):
        if not text.startswith(opening, at):
            continue
        inner = rule.match(text, at + len(opening))
        end = inner.end() if inner else at + len(opening)
        read += end - at
        if not text.startswith(opening, end):
            continue
        if _unescape(text[at + len(opening) : end], _STRING_ESCAPES) is not None:
            ends.append(end + len(opening))
            if not short_too:
                break
    return ends, read


def code_map(text: str) -> bytearray:
    """For each character of ``text``, 1 where code may stand under some reading (outside
    every comment, string and IRI), 0 where no reading has code."""
    short_too = "version" in text.translate(_ASCII_LOWER)
    size = len(text)
    closes = [m.start() for m in re.finditer(">", text)]
    line_ends = [m.start() for m in _LINE_END.finditer(text)] + [size]
    code = bytearray(size + 1)
    started = bytearray(size + 2)
    budget = WORK_PER_CHAR * size + 100_000
    steps = 0
    todo = [0]
    while todo:
        at = todo.pop()
        if at >= size or started[at]:
            continue
        started[at] = 1
        steps += 1
        special = _SPECIAL.search(text, at)
        stop = special.start() if special else size
        budget -= stop - at + 1
        if budget < 0 or steps > MAX_STEPS:
            raise TooIntricate("the text is too intricate to check for SERVICE and LOAD")
        code[at : stop + 1] = b"\x01" * (stop + 1 - at)
        if special is None:
            continue
        char = text[stop]
        if char == "#":
            todo.append(line_ends[bisect.bisect_left(line_ends, stop)])
        elif char in "'\"":
            ends, read = _string_ends(text, stop, short_too=short_too)
            todo += ends
            budget -= read
        elif char == "<":  # an IRI, or the operator
            after = bisect.bisect_left(closes, stop)
            # Read as the operator, the IRI's text is code and the reading goes on past
            # its ">": read as an IRI, it ends there, and differs only if it hides a special.
            if after < len(closes) and _SPECIAL.search(text, stop + 1, closes[after]):
                todo.append(closes[after] + 1)
            todo.append(stop + 1)
        else:  # a backslash: a name's escaped character, or nothing
            todo += [stop + 1, stop + 2]
    return code


def _keywords(lowered: str, code: bytearray, word: str) -> list[int]:
    """Where ``word`` (lower case) stands in code: the positions just after it."""
    found = []
    at = lowered.find(word)
    while at >= 0:
        if code[at]:
            found.append(at + len(word))
            if len(found) > MAX_KEYWORDS:
                raise TooIntricate(f"the text has over {MAX_KEYWORDS} places to check for {word}")
        at = lowered.find(word, at + 1)
    return found


def _space(text: str, at: int) -> int:
    """Past whitespace and comments from ``at``."""
    match = _SPACE.match(text, at)
    return match.end() if match else at


class _Names:
    """Every value the base and each prefix may have, from every BASE and PREFIX in code."""

    def __init__(self, text: str, lowered: str, code: bytearray, base_iri: str | None):
        self.bases: list[str | None] = [base_iri]
        self.closes = [m.start() for m in re.finditer(">", text)]
        self.prefixes: dict[str, list[str]] = {}
        decls = [(at, "base") for at in _keywords(lowered, code, "base")]
        decls += [(at, "prefix") for at in _keywords(lowered, code, "prefix")]
        for at, word in sorted(decls):
            at = _space(text, at)
            if word == "prefix":
                name = _PNAME.match(text, at)
                if name is None or name.group(2):
                    continue
                for iri in self._iris(text, _space(text, name.end())):
                    self._add(self.prefixes.setdefault(name.group(1) or "", []), iri)
            else:
                for iri in self._iris(text, at):
                    self._add(self.bases, iri)

    def _iris(self, text: str, at: int) -> list[str]:
        """The IRIs an IRI written at ``at`` may stand for (none if there is none)."""
        if not text.startswith("<", at):
            return []
        close = self._close(at)
        raw = unescape_iri(text[at + 1 : close]) if close > 0 else None
        if raw is None:
            return []
        return [iri for base in self.bases if (iri := resolve(raw, base)) is not None]

    def _close(self, at: int) -> int:
        """Where the first ``>`` after ``at`` is (-1: none)."""
        after = bisect.bisect_left(self.closes, at)
        return self.closes[after] if after < len(self.closes) else -1

    @staticmethod
    def _add(values: list, value: object) -> None:
        if value not in values:
            values.append(value)
            if len(values) > MAX_VALUES:
                raise TooIntricate("the text declares too many BASE or PREFIX values to check")

    def targets(self, text: str, at: int) -> list[tuple[list[str], int]]:
        """What a variable or an IRI written at ``at`` may stand for, and where it ends."""
        if text.startswith(("?", "$"), at):
            var = _VAR.match(text, at)
            return [([var.group()], var.end())] if var else [([text[at]], at + 1)]
        if text.startswith("<", at):
            close = self._close(at)
            if close < 0:
                return []
            iris = self._iris(text, at)
            return [(iris or [text[at : close + 1]], close + 1)]
        name = _PNAME.match(text, at)
        if name is None:
            return []
        prefix, local = name.group(1) or "", name.group(2) or ""
        values = self.prefixes.get(prefix, [])
        if not values:
            return []
        # The name, or (where Oxigraph finds the whole name no IRI) its prefix alone.
        found = [([base + local.replace("\\", "") for base in values], name.end())]
        if local:
            found.append((list(values), name.start(2)))
        return found


def _after_silent(text: str, lowered: str, at: int) -> list[int]:
    """Where the target may start after a keyword ending at ``at``: after ``SILENT``, or
    right there."""
    at = _space(text, at)
    starts = [at]
    if lowered.startswith("silent", at):
        starts.append(_space(text, at + 6))
    return starts


def reach(text: str, *, base_iri: str | None) -> Reach:
    """The SERVICE endpoints and LOAD sources of a query or update, resolved against
    ``base_iri`` (see the module's docstring); raises :class:`TooIntricate`."""
    lowered = text.translate(_ASCII_LOWER)
    if "service" not in lowered and "load" not in lowered:
        return Reach()
    code = code_map(text)
    names = _Names(text, lowered, code, base_iri)
    services: list[str] = []
    for keyword_end in _keywords(lowered, code, "service"):
        for start in _after_silent(text, lowered, keyword_end):
            for iris, end in names.targets(text, start):
                if text.startswith("{", _space(text, end)):
                    services += [iri for iri in iris if iri not in services]
    loads: list[str] = []
    for keyword_end in _keywords(lowered, code, "load"):
        for start in _after_silent(text, lowered, keyword_end):
            for iris, _end in names.targets(text, start):
                loads += [iri for iri in iris if iri not in loads and iri[:1] not in "?$"]
    return Reach(tuple(services), tuple(loads))
