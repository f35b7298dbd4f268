"""A built store with the dataset of record, a museum with coordinates, the audit and the
dumps; and a real ``lamcoop serve`` over it (one per test module)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import VENV_BIN, RunningServer

BASE = "https://w3id.org/lamcoop/"
CALIS = BASE + "id/institution/calis"
MUSEUM = BASE + "id/institution/test-museum"
GEO_TTL = f"""@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix lamc: <https://w3id.org/lamcoop/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{MUSEUM}> a lamc:Museum ; skos:prefLabel "Test museum"@en ;
  geo:lat 38.8895 ; geo:long -77.0353 ; lamc:cooperatesWith <{CALIS}> .
"""


def _lamcoop(workdir: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    env["LAMCOOP_STORE"] = str(workdir / "store")
    subprocess.run(
        [str(VENV_BIN / "lamcoop"), *args],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def build_store(workdir: Path) -> Path:
    """Build, load the museum, audit, dump; returns the store path (dumps beside it)."""
    _lamcoop(workdir, "build", "--quiet")
    (workdir / "geo.ttl").write_text(GEO_TTL, encoding="utf-8")
    _lamcoop(workdir, "load", "geo.ttl", "--graph", BASE + "graph/test-geo")
    _lamcoop(workdir, "audit", "--format", "json")
    _lamcoop(workdir, "dump")
    return workdir / "store"


def start_server(workdir: Path) -> RunningServer:
    """A built store served by a real ``lamcoop serve`` on 127.0.0.1."""
    store = build_store(workdir)
    return RunningServer(store, workdir, settings={"workers": 2})
