"""The wheel carries ontology/, shapes/ and data/, and an installed lamcoop works elsewhere.

The fresh venv gets the wheel alone (``--no-deps``); its dependencies come from the test
venv's site-packages through a path file, so no network is needed. The checkout is never
on its path, so whatever it finds it found inside the wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT

RESOURCE_DIRS = ("ontology", "shapes", "data")
PIP = (sys.executable, "-m", "pip")


def _shipped_files() -> set[str]:
    """Every file of ontology/, shapes/ and data/ in the checkout, as wheel paths."""
    found = set()
    for name in RESOURCE_DIRS:
        for path in (REPO_ROOT / name).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(REPO_ROOT).as_posix()
                found.add(f"graph_loader/_resources/{relative}")
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO_ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("lamcoop-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory, wheel) -> Path:
    """A new venv holding only the wheel, with the test venv's dependencies on its path."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [*PIP, "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    dependencies = sysconfig.get_paths()["purelib"]
    Path(site, "test-dependencies.pth").write_text(dependencies + "\n")
    return venv


@pytest.mark.slow
def test_wheel_carries_packages_and_resources(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "graph_loader/store/__init__.py" in names
    assert "graph_loader/cli/__init__.py" in names
    shipped = _shipped_files()
    assert any("/ontology/" in name for name in shipped), "ontology/ is empty in the checkout"
    missing = sorted(shipped - names)
    assert not missing, f"not in the wheel: {missing[:5]}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "lamcoop = graph_loader.cli:main" in text


@pytest.mark.slow
def test_installed_lamcoop_runs_from_elsewhere_and_builds(fresh_venv, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAMCOOP_", "PYTHON"))}
    env["LAMCOOP_STORE"] = str(tmp_path / "store")
    python = fresh_venv / "bin" / "python"
    where = subprocess.run(
        [
            str(python),
            "-c",
            "from graph_loader.resources import resource_dir as r;"
            "print(r('ontology')); print(r('shapes')); print(r('data'))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(fresh_venv) for p in where), where

    lamcoop = str(fresh_venv / "bin" / "lamcoop")
    shown = subprocess.run([lamcoop, "--help"], cwd=tmp_path, env=env, capture_output=True)
    assert shown.returncode == 0 and b"build" in shown.stdout

    built = subprocess.run([lamcoop, "build"], cwd=tmp_path, env=env, capture_output=True)
    assert built.returncode == 0, built.stderr.decode()[-2000:]
    listed = subprocess.run(
        [lamcoop, "graphs", "--format", "json"], cwd=tmp_path, env=env, capture_output=True
    )
    graphs = {row["graph"]: row for row in json.loads(listed.stdout)}
    ontology = "https://w3id.org/lamcoop/graph/ontology"
    if (REPO_ROOT / "ontology" / "lamcoop.ttl").is_file():
        assert graphs[ontology]["triples"] > 0
        assert graphs[ontology]["source"] == "lamcoop.ttl"
    for shape in (REPO_ROOT / "shapes").glob("*.ttl"):
        assert f"https://w3id.org/lamcoop/graph/shapes-{shape.stem}" in graphs
