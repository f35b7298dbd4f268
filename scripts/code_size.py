"""Module and function size figures of the two packages (for the closing notes of refactors).

Usage: ``python scripts/code_size.py [ROOT]`` prints modules, lines, the largest modules and
the distribution of function lengths (lines from ``def`` to the function's last line).
"""

from __future__ import annotations

import ast
import statistics
import sys
from pathlib import Path

PACKAGES = ("graph_loader", "sparql_endpoint")


def function_lengths(path: Path) -> list[tuple[int, str]]:
    """(lines, qualified name) of every function and method in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node.end_lineno - node.lineno + 1, f"{path}:{node.name}"))
    return found


def main(root: Path) -> None:
    modules = sorted(p for pkg in PACKAGES for p in (root / pkg).rglob("*.py"))
    sizes = sorted(
        ((len(p.read_text().splitlines()), p.relative_to(root)) for p in modules), reverse=True
    )
    functions = sorted((n, name) for p in modules for n, name in function_lengths(p))
    lengths = [n for n, _ in functions]
    print(f"modules: {len(modules)}, lines: {sum(n for n, _ in sizes)}")
    print(f"modules over 400 lines: {[str(p) for n, p in sizes if n > 400]}")
    print("largest modules:", ", ".join(f"{p} {n}" for n, p in sizes[:5]))
    print(
        f"functions: {len(lengths)}, median {statistics.median(lengths)} lines, "
        f"mean {statistics.mean(lengths):.1f}, max {lengths[-1]} ({functions[-1][1]}), "
        f"over 30 lines: {sum(n > 30 for n in lengths)}, over 50: {sum(n > 50 for n in lengths)}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve())
