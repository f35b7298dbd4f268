"""Dependencies run one way: graph_loader never imports flask or sparql_endpoint."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO_ROOT

FORBIDDEN = ("flask", "werkzeug", "sparql_endpoint")
MODULES = sorted((REPO_ROOT / "graph_loader").rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file (top level or nested)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func):
            found.update(arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant))
    return found


def _is_dynamic_import(func: ast.expr) -> bool:
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in {"import_module", "__import__"}


def test_the_package_has_modules_to_check():
    assert REPO_ROOT / "graph_loader" / "store" / "embedded.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_graph_loader_module_imports_no_service_code(path):
    bad = sorted(
        name
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    )
    assert not bad, f"{path.relative_to(REPO_ROOT)} imports {', '.join(bad)}"


def test_the_checker_sees_nested_and_dynamic_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f():\n    from flask import Flask\n"
        "import importlib\nimportlib.import_module('sparql_endpoint.app')\n"
    )
    assert {"flask", "sparql_endpoint.app", "importlib"} <= imported_modules(sample)
