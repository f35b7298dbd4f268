"""Bodies rendered for one version of the data, kept until a write makes a new version.

A page whose body depends only on the data (the ontology's reference, in each format) is
made once per data version and process, then served from here: its cost no longer depends
on the renderer. The cache empties itself when the executor reports a new version, so no
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


class Rendered:
    """Bodies by key, for the current data version."""

    def __init__(self, size: int = 64):
        self.size = size
        self._version: int | None = None
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, version: int, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The body kept for ``key`` at ``version``, or ``make()``'s, kept (exceptions are
        not kept: the next request makes it again)."""
        with self._lock:
            if version != self._version:
                self._version, self._bodies = version, OrderedDict()
            if key in self._bodies:
                self._bodies.move_to_end(key)
                return self._bodies[key]
        body = make()
        with self._lock:
            if version == self._version:
                self._bodies[key] = body
                while len(self._bodies) > self.size:
                    self._bodies.popitem(last=False)
        return body
