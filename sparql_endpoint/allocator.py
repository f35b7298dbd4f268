"""What the server's processes get when they start: the memory allocator's settings and
the stack their queries run on.

Oxigraph's engine (Rust, with RocksDB in C++) makes and frees many small blocks for every
query. glibc's allocator keeps 7 freed blocks of each size per thread for quick reuse; past
that, each allocation takes the slower general path. With 200 kept, the same queries take
about a quarter less CPU in the engine (docs/benchmarks.md). glibc reads this setting only
when a process starts, so ``lamcoop serve`` starts itself again with it, once, before it
forks its workers.

A worker evaluates each query on its main thread, whose stack is the process's
``RLIMIT_STACK``. Oxigraph's engine recurses once per level of a query's nesting, and 8 MiB
(the usual limit) is crashed by about 850 nested ``FILTER EXISTS``. The query limits
(:mod:`graph_loader.query_limits`) refuse far less; as a second defence ``lamcoop serve``
raises the limit to :data:`SERVED_STACK_BYTES` before it starts itself again (the kernel
lays out a process's memory for its stack limit when it starts). Only the pages a query
touches take memory.

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
import resource
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


#: The stack limit of ``lamcoop serve``'s processes: 32 times the usual 8 MiB.
SERVED_STACK_BYTES = 256 * 1024 * 1024


def raise_stack(wanted: int = SERVED_STACK_BYTES) -> bool:
    """Raise this process's stack limit to ``wanted`` (or as near as the hard limit lets);
    True when it changed, which takes effect for the main thread once the process starts
    again."""
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return False
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target <= soft:
        return False
    resource.setrlimit(resource.RLIMIT_STACK, (target, hard))
    return True


def restart_tuned() -> None:
    """Replace this process by the same command with the allocator setting and the larger
    stack, unless it has both already (then return). Output written so far is flushed
    first."""
    raised = raise_stack()
    environ = tuned_environ(os.environ, libc=platform.libc_ver()[0])
    if environ is None and not raised:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environ or dict(os.environ))
