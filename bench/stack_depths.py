"""At which depth each deeply nested SPARQL construct crashes pyoxigraph, per stack size.

Each trial runs one query (or update) in a fresh subprocess, on the main thread (whose stack
is the process's ``RLIMIT_STACK``, set before the interpreter starts) over a small on-disk
store, and reads the whole result. A trial ends ``ok`` (answered), ``error`` (refused with
an exception) or ``crash`` (the process died of a signal). For each construct the script
bisects the smallest depth that crashes, up to ``--max``.

    python bench/stack_depths.py --stack-mb 8 --max 100000 [construct ...]

Used to set the limits of :mod:`graph_loader.query_limits` (see docs/sparql.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

#: Seconds a trial may run; past it the trial is ``slow`` (the time limit's business).
TRIAL_SECONDS = 10
ROOT = Path(__file__).resolve().parent.parent
# bench/http.py must not shadow the standard library's http: the repository's root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from tests.hostile.deep_queries import CONSTRUCTS  # noqa: E402

_CHILD = """
import sys, pyoxigraph as ox
sys.path.insert(0, {root!r})
from tests.hostile.deep_queries import CONSTRUCTS
text = CONSTRUCTS[{name!r}]({n})
store = ox.Store({path!r})
store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
              ox.Literal(1), ox.NamedNode("http://example.org/g")))
try:
    if text.startswith(("INSERT", "DELETE")):
        store.update(text)
    else:
        result = store.query(text, use_default_graph_as_union=True)
        if not isinstance(result, bool):
            list(result)
    print("ok")
except Exception as exc:
    print("error", type(exc).__name__, str(exc)[:80].replace(chr(10), " "))
"""


def trial(name: str, n: int, stack_mb: int) -> str:
    """``ok``, ``error ...`` or ``crash SIG`` for ``name`` at depth ``n``."""
    with tempfile.TemporaryDirectory() as tmp:
        code = _CHILD.format(root=str(ROOT), name=name, n=n, path=tmp + "/store")

        def limit() -> None:
            stack = stack_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_STACK, (stack, resource.RLIM_INFINITY))

        try:
            done = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                preexec_fn=limit,
                timeout=TRIAL_SECONDS,
            )
        except subprocess.TimeoutExpired:
            return "slow"
    if done.returncode < 0:
        return f"crash {-done.returncode}"
    if done.returncode != 0:
        return f"crash exit {done.returncode}: {done.stderr.strip()[-100:]}"
    return done.stdout.strip()


def crash_depth(name: str, top: int, stack_mb: int) -> int | None:
    """The smallest depth up to ``top`` that crashes (within 5 %), or None."""
    if not trial(name, top, stack_mb).startswith("crash"):
        return None
    low, high = 1, top  # low does not crash, high does
    while high - low > max(1, low // 20):
        mid = (low + high) // 2
        if trial(name, mid, stack_mb).startswith("crash"):
            high = mid
        else:
            low = mid
    return high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("constructs", nargs="*")
    parser.add_argument("--stack-mb", type=int, default=8)
    parser.add_argument("--max", type=int, default=100_000)
    parser.add_argument("--at", type=int, help="only try this depth")
    args = parser.parse_args()
    for name in args.constructs or CONSTRUCTS:
        if args.at:
            print(
                json.dumps(
                    {
                        "construct": name,
                        "depth": args.at,
                        "outcome": trial(name, args.at, args.stack_mb),
                    }
                ),
                flush=True,
            )
            continue
        found = crash_depth(name, args.max, args.stack_mb)
        print(
            json.dumps({"construct": name, "stack_mb": args.stack_mb, "crashes_at": found}),
            flush=True,
        )


if __name__ == "__main__":
    main()
