"""The front's cache: the exact bytes of entity documents and ``/id`` redirects, answered
by the front process without a worker, for the data version they were made from.

The workers decide what may be kept: a ``/doc`` 200 or an ``/id`` 303 carries the
:data:`HEADER` field with the data version it was made from, which the front strips from
every answer. The front negotiates nothing: it keys an answer on the request's exact
target and every header field that could change it (all but :data:`IGNORED`, in order and
as sent), so two requests share an answer only when a worker would have been asked the
same question (the workers' own cache of documents keys on less: path, query, Accept,
Accept-Language and host). A request that asks more than a plain GET or HEAD (a body,
``Range``, other preconditions than ``If-None-Match``, a credential) always goes to a
worker. An entry is served only while the data version is the one it was made from;
``If-None-Match`` is answered 304 by werkzeug's own comparison (weak, as RFC 9110 wants for
it), the 304 made as the workers make theirs (:class:`~.negotiation.NotModified`).

>>> cache = FrontCache(limit=10_000)
>>> key = request_key(b"GET", b"/doc/x.ttl", [b"Host: h", b"Accept: text/turtle"])
>>> head = [b"HTTP/1.1 200 OK", b"Content-Type: text/turtle", b'ETag: "abc"',
...         b"Content-Length: 3"]
>>> cache.put(key, Entry.of(7, head, b"<a>"))
>>> cache.get(key, 7).answer(b"GET", None, b"Date: x").endswith(b"\\r\\n\\r\\n<a>")
True
>>> cache.get(key, 7).answer(b"HEAD", b'W/"abc"', b"Date: x").split(b"\\r\\n")[:2]
[b'HTTP/1.1 304 NOT MODIFIED', b'Date: x']
>>> cache.get(key, 8) is None, len(cache)
(True, 0)
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate

from werkzeug.http import is_entity_header, is_resource_modified

#: The field a worker's answer carries when the front may keep it: the data version.
HEADER = "X-Lamcoop-Front-Cache"
_HEADER = HEADER.lower().encode()
#: Where the front looks for answers it may keep (``/id`` redirects, ``/doc`` documents).
PATHS = (b"/doc/", b"/id/")
#: Request fields that change nothing in these answers (and ``If-None-Match``, which the
#: front answers itself); any other field is part of the key.
IGNORED = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"user-agent",
        b"if-none-match",
        b"cache-control",
        b"pragma",
        b"referer",
        b"dnt",
        b"upgrade-insecure-requests",
        b"priority",
    }
)
_IGNORED_PREFIXES = (b"sec-fetch-", b"sec-ch-")
#: Request fields that send the request to a worker whatever is kept: bodies, ranges,
#: preconditions other than If-None-Match, credentials, Expect.
PASSED_ON = frozenset(
    {
        b"content-length",
        b"transfer-encoding",
        b"expect",
        b"range",
        b"if-range",
        b"if-match",
        b"if-modified-since",
        b"if-unmodified-since",
        b"authorization",
        b"cookie",
        b"upgrade",
    }
)
#: Entity fields a 304 keeps (as werkzeug's ``remove_entity_headers``).
_KEPT_IN_304 = frozenset({b"expires", b"content-location"})

#: What the front keys an answer on: the target, then each keyed field (name, value).
Key = tuple[bytes, tuple[tuple[bytes, bytes], ...]]


def request_key(method: bytes, target: bytes, fields: list[bytes]) -> Key | None:
    """The key of a plain GET or HEAD of a ``/doc`` or ``/id`` target, or ``None`` for a
    request the front passes on without looking.

    >>> request_key(b"GET", b"/doc/a.ttl", [b"Host: h", b"User-Agent: x"])
    (b'/doc/a.ttl', ((b'host', b'h'),))
    >>> request_key(b"GET", b"/doc/a", [b"Range: bytes=0-1"]) is None
    True
    >>> request_key(b"POST", b"/doc/a", []) is None, request_key(b"GET", b"/sparql", [])
    (True, None)
    >>> request_key(b"GET", b"/doc/a", [b" folded"]) is None
    True
    """
    if method not in (b"GET", b"HEAD") or not target.startswith(PATHS):
        return None
    kept = []
    for field in fields:
        name, colon, value = field.partition(b":")
        name = name.lower()
        if not colon or not name or name != name.strip() or name in PASSED_ON:
            return None  # not one plain field (a folded line, no colon): the worker's to read
        if name in IGNORED or name.startswith(_IGNORED_PREFIXES):
            continue
        kept.append((name, value.strip(b" \t")))
    return target, tuple(kept)


def status_of(line: bytes) -> int | None:
    """The status of an answer's status line, ``None`` when it is not one.

    >>> status_of(b"HTTP/1.1 204 NO CONTENT"), status_of(b"garbage")
    (204, None)
    """
    parts = line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        return None
    return int(parts[1])


def may_keep(method: bytes, status: int, version: int, current: int | None) -> bool:
    """Whether an answer marked with ``version`` may be kept, the data being at
    ``current``: a GET answered 200 or 303 from the current version.

    >>> may_keep(b"GET", 200, 4, 4), may_keep(b"HEAD", 200, 4, 4), may_keep(b"GET", 200, 3, 4)
    (True, False, False)
    """
    return method == b"GET" and status in (200, 303) and version == current


def field_value(fields: list[bytes], wanted: bytes) -> bytes | None:
    """The value of the first field named ``wanted`` (lower case), or ``None``.

    >>> field_value([b"Host: h", b"If-None-Match: W/\\"x\\""], b"if-none-match")
    b'W/"x"'
    """
    for field in fields:
        name, _, value = field.partition(b":")
        if name.lower() == wanted:
            return value.strip(b" \t")
    return None


@dataclass(frozen=True)
class Entry:
    """One kept answer: the data version it was made from, its head and body."""

    version: int
    head: tuple[bytes, ...]
    body: bytes
    etag: bytes | None

    @classmethod
    def of(cls, version: int, head: list[bytes], body: bytes) -> Entry:
        """An entry from a worker's answer (status line and fields, :data:`HEADER` gone);
        its ``Date`` is left out, each answer from the entry gets its own."""
        etag = field_value(head[1:], b"etag")
        kept = [line for line in head if line[:5].lower() != b"date:"]
        return cls(version, tuple(kept), body, etag)

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(line) + 2 for line in self.head) + 64

    def answer(self, method: bytes, if_none_match: bytes | None, date: bytes) -> bytes:
        """The bytes that answer ``method`` with ``If-None-Match`` as given: the whole
        answer, its head alone (HEAD) or a 304; ``date`` is their ``Date`` field."""
        if if_none_match is not None and self.etag is not None and _matches(self, if_none_match):
            return _joined(self.not_modified(date))
        head = _joined((self.head[0], date, *self.head[1:]))
        return head if method == b"HEAD" else head + self.body

    def not_modified(self, date: bytes) -> list[bytes]:
        """A 304's head as the workers make it: entity fields gone but Expires and
        Content-Location, ``Content-Length`` the full answer's."""
        lines = [b"HTTP/1.1 304 NOT MODIFIED", date]
        for line in self.head[1:]:
            name = line.partition(b":")[0].strip().lower()
            if not is_entity_header(name.decode("latin-1")) or name in _KEPT_IN_304:
                lines.append(line)
        lines.append(b"Content-Length: %d" % len(self.body))
        return lines


def _matches(entry: Entry, if_none_match: bytes) -> bool:
    """Whether ``If-None-Match`` names the entry's ETag (werkzeug's rule, as the workers)."""
    environ = {"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": if_none_match.decode("latin-1")}
    etag = (entry.etag or b"").decode("latin-1")
    return not is_resource_modified(environ, etag=etag)


def http_date(second: int) -> bytes:
    """The ``Date`` field for ``second`` (since the epoch).

    >>> http_date(0)
    b'Date: Thu, 01 Jan 1970 00:00:00 GMT'
    """
    return b"Date: " + formatdate(second, usegmt=True).encode("ascii")


def _joined(lines: tuple[bytes, ...] | list[bytes]) -> bytes:
    return b"\r\n".join(lines) + b"\r\n\r\n"


class FrontCache:
    """Entries by key for one data version, at most ``limit`` bytes, the least recently
    used dropped first; a new version empties it."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self._version: int | None = None
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._date: tuple[int, bytes] = (0, http_date(0))

    def date(self) -> bytes:
        """The ``Date`` field for now (made once a second)."""
        second = int(time.time())
        if self._date[0] != second:
            self._date = (second, http_date(second))
        return self._date[1]

    def __len__(self) -> int:
        return len(self._entries)

    def _at(self, version: int) -> None:
        if version != self._version:
            self._version, self._entries, self.used = version, OrderedDict(), 0

    def get(self, key: Key, version: int) -> Entry | None:
        """The entry kept for ``key`` at ``version``."""
        self._at(version)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: Key, entry: Entry) -> None:
        """Keep ``entry`` (made at the current version), unless it alone is over an eighth
        of the limit."""
        self._at(entry.version)
        size = _cost(key, entry)
        if size * 8 > self.limit:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.used -= _cost(key, old)
        self._entries[key] = entry
        self.used += size
        while self.used > self.limit and self._entries:
            dropped = self._entries.popitem(last=False)
            self.used -= _cost(*dropped)


def _cost(key: Key, entry: Entry) -> int:
    """The bytes an entry and its key take (about)."""
    return entry.size + len(key[0]) + sum(len(n) + len(v) + 16 for n, v in key[1])


def marked_version(head: list[bytes]) -> tuple[list[bytes], int | None]:
    """The head without :data:`HEADER`, and the version it named (``None``: not marked).

    >>> marked_version([b"HTTP/1.1 200 OK", b"X-Lamcoop-Front-Cache: 4", b"A: b"])
    ([b'HTTP/1.1 200 OK', b'A: b'], 4)
    """
    version = None
    kept = [head[0]]
    for line in head[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == _HEADER:
            value = value.strip()
            version = int(value) if value.isdigit() else None
        else:
            kept.append(line)
    return kept, version


def kept_answer(
    cache: FrontCache | None,
    key: Key,
    method: bytes,
    lines: list[bytes],
    body: bytes,
    current: int | None,
) -> bytes:
    """The bytes of an answer the front's app made (``lines``, ``body``), its mark taken
    out, and kept in ``cache`` as a worker's answer would be (the data at ``current``).

    >>> cache = FrontCache(10_000)
    >>> key = (b"/doc/a.ttl", ())
    >>> made = [b"HTTP/1.1 200 OK", b"X-Lamcoop-Front-Cache: 3", b"Content-Length: 1"]
    >>> kept_answer(cache, key, b"GET", made, b"a", 3)
    b'HTTP/1.1 200 OK\\r\\nContent-Length: 1\\r\\n\\r\\na'
    >>> cache.get(key, 3).body
    b'a'
    """
    head, version = marked_version(lines)
    status = status_of(head[0])
    if (
        cache is not None
        and status is not None
        and version is not None
        and may_keep(method, status, version, current)
    ):
        cache.put(key, Entry.of(version, head, body))
    return b"\r\n".join(head) + b"\r\n\r\n" + body
