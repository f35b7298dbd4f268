"""The memory allocator's settings for the server's processes.

Oxigraph's engine (Rust, with RocksDB in C++) makes and frees many small blocks for every
query. glibc's allocator keeps 7 freed blocks of each size per thread for quick reuse; past
that, each allocation takes the slower general path. With 200 kept, the same queries take
about a quarter less CPU in the engine (docs/benchmarks.md). glibc reads this setting only
when a process starts, so ``lamcoop serve`` starts itself again with it, once, before it
forks its workers.

>>> tuned_environ({}, libc="glibc")["GLIBC_TUNABLES"]
'glibc.malloc.tcache_count=200'
>>> tuned_environ({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}, libc="glibc")["GLIBC_TUNABLES"]
'glibc.malloc.arena_max=2:glibc.malloc.tcache_count=200'
>>> tuned_environ({"GLIBC_TUNABLES": "glibc.malloc.tcache_count=7"}, libc="glibc") is None
True
>>> tuned_environ({}, libc="") is None
True
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping

TUNABLE = "glibc.malloc.tcache_count"
#: Freed blocks of each size the allocator keeps per thread (glibc's default is 7).
TCACHE_COUNT = 200


def tuned_environ(environ: Mapping[str, str], *, libc: str) -> dict[str, str] | None:
    """``environ`` with the allocator setting added, or ``None`` when there is nothing to
    add: not glibc, or the setting is already there (ours, or the user's own value)."""
    if libc != "glibc":
        return None
    current = environ.get("GLIBC_TUNABLES", "")
    if any(item.split("=", 1)[0] == TUNABLE for item in current.split(":") if item):
        return None
    setting = f"{TUNABLE}={TCACHE_COUNT}"
    return {**environ, "GLIBC_TUNABLES": f"{current}:{setting}" if current else setting}


def restart_tuned() -> None:
    """Replace this process by the same command with the allocator setting, unless it has
    it already (then return). Output written so far is flushed first."""
    environ = tuned_environ(os.environ, libc=platform.libc_ver()[0])
    if environ is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environ)
