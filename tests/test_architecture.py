"""The layout holds: no import cycle between first-party modules (imports made only for
type checking included), data commands never load the web stack, no module over 400 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT

from graph_loader.store import open_store

PACKAGES = ("graph_loader", "sparql_endpoint")
MODULES = sorted(p for pkg in PACKAGES for p in (REPO_ROOT / pkg).rglob("*.py"))
#: Every Python file of the project: the packages, the tests, the benchmarks, the scripts.
ALL_FILES = sorted(
    p
    for folder in (*PACKAGES, "tests", "bench", "scripts")
    for p in (REPO_ROOT / folder).rglob("*.py")
)
#: What a data command must not import: the web framework, the server, the service package.
WEB_STACK = ("flask", "werkzeug", "uwsgi", "pyuwsgi", "sparql_endpoint")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def first_party_imports(path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``path`` imports anywhere (type-checking blocks included).

    ``from package import name`` counts as importing ``package.name`` when that is a module,
    and ``package`` otherwise.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {name for name in found if name in known and name != this}


def import_graph() -> dict[str, set[str]]:
    known = {module_name(p) for p in MODULES}
    return {module_name(p): first_party_imports(p, known) for p in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_type_checking_and_relative_imports(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "b.py").write_text("")
    sample = package / "a.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import X\n"
        "from . import b\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "REPO_ROOT", tmp_path)
    assert first_party_imports(sample, {"pkg", "pkg.a", "pkg.b"}) == {"pkg.b"}
    sample.write_text("from pkg import VALUE\n")
    assert first_party_imports(sample, {"pkg", "pkg.a", "pkg.b"}) == {"pkg"}


def test_no_import_cycle_between_first_party_modules():
    assert cycles(import_graph()) == []


def test_graph_loader_never_imports_the_service_package():
    graph = import_graph()
    bad = {m: sorted(t for t in ts if t.startswith("sparql_endpoint")) for m, ts in graph.items()}
    assert {m: ts for m, ts in bad.items() if m.startswith("graph_loader") and ts} == {}


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_module_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


_PROBE = """
import atexit, sys
def report():
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {stack!r})
    sys.stderr.write("LOADED=" + ",".join(loaded) + "\\n")
atexit.register(report)
from graph_loader.cli import main
sys.argv = ["lamcoop", *{args!r}]
main()
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["settings"],
        ["graphs"],
        ["query", "ASK {}"],
        ["load", "{ttl}"],
    ],
    ids=lambda a: a[0],
)
def test_data_commands_do_not_import_the_web_stack(args, tmp_path):
    ttl = tmp_path / "small.ttl"
    ttl.write_text("<http://example.org/a> <http://example.org/b> 1 .\n")
    open_store(tmp_path / "store").close()  # the commands that only read need a store
    argv = ["--store", str(tmp_path / "store"), *(a.replace("{ttl}", str(ttl)) for a in args)]
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(stack=WEB_STACK, args=argv)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    loaded = done.stderr.rpartition("LOADED=")[2].strip()
    assert loaded == "", f"'lamcoop {args[0]}' imported {loaded}"


def test_help_lists_serve_without_importing_it(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(stack=WEB_STACK, args=["--help"])],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert "serve" in done.stdout
    assert "sparql_endpoint" not in done.stderr.rpartition("LOADED=")[2]
