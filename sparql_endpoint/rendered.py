"""What pages make from one version of the data, kept until a write makes a new version.

A page whose body depends only on the data and the request's parameters (the ontology in
each format, the home page in each language, the stored audit) is made once per data
version and process, then served from here: its cost no longer depends on the store or
the renderer. The cache empties itself when the executor reports a new version, so no
write is ever hidden; it holds at most ``size`` bodies, dropping the oldest first.

>>> cache = Rendered(size=2)
>>> cache.get(1, "a", lambda: b"A"), cache.get(1, "a", lambda: b"other")
(b'A', b'A')
>>> cache.get(2, "a", lambda: b"new")
b'new'
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class Rendered:
    """Bodies (or other values pages make) by key, for the current data version. A value
    kept is shared by the requests that get it: callers must not change it."""

    def __init__(self, size: int = 64):
        self.size = size
        self._version: int | None = None
        self._bodies: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: int, key: Hashable, make: Callable[[], T]) -> T:
        """The body kept for ``key`` at ``version``, or ``make()``'s, kept (exceptions are
        not kept: the next request makes it again)."""
        with self._lock:
            if version != self._version:
                self._version, self._bodies = version, OrderedDict()
            if key in self._bodies:
                self._bodies.move_to_end(key)
                kept: T = self._bodies[key]
                return kept
        body = make()
        with self._lock:
            if version == self._version:
                self._bodies[key] = body
                while len(self._bodies) > self.size:
                    self._bodies.popitem(last=False)
        return body
