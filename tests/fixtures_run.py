"""How the suite shares its slow parts across the workers of ``pytest -n`` and orders its
files (a plugin of tests/conftest.py).

* :func:`made_once`: a directory made once per test run for every worker (the dataset
  store's build, the embedded store's outputs the remote suites compare with), under a file
  lock in the run's temporary directory, as pytest-xdist's documentation shows. Workers
  copy what they use from it and never write it.
* :data:`SLOW_FIRST`: the longest files start first, so that none starts last and holds
  the others up.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest


def made_once(
    tmp_path_factory: pytest.TempPathFactory,
    worker_id: str,
    name: str,
    make: Callable[[Path], object],
) -> Path:
    """The directory ``name``, filled by ``make(directory)`` once per test run: the first
    worker to ask makes it, holding a lock the others wait on; the others find it made.
    Without xdist (``worker_id`` "master") it is made in this run's own temporary
    directory. A worker whose ``make`` failed leaves it unmade: the next one tries again."""
    if worker_id == "master":
        made = tmp_path_factory.mktemp(name)
        make(made)
        return made
    run_dir = tmp_path_factory.getbasetemp().parent  # one per run, shared by its workers
    made, done = run_dir / name, run_dir / f"{name}.done"
    with (run_dir / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(made, ignore_errors=True)
            made.mkdir()
            make(made)
            done.touch()
    return made


#: The longest test files, slowest first (measured: ``--durations=0``, setup, call and
#: teardown summed per file; docs/testing.md), run first so that under ``-n`` none starts
#: last and holds all up. pytest-xdist would order files by their number of tests instead
#: (which ran the longest, single-test files last): pyproject.toml's
#: ``--no-loadscope-reorder`` keeps this order.
SLOW_FIRST = (
    "tests/test_openapi_fuzz.py",
    "tests/test_importers_full.py",
    "tests/test_remote_store.py",
    "tests/test_conformance_protocol.py",
    "tests/test_conformance_graph_store.py",
    "tests/test_cli.py",
    "tests/test_consistency.py",
    "tests/test_conformance_query.py",
    "tests/test_remote_build.py",
    "tests/hostile/test_interrupts.py",
    "tests/test_remote_direct.py",
    "tests/test_remote_serve.py",
    "tests/test_many_nodes.py",
    "tests/hostile/test_ssrf.py",
    "tests/test_comunica.py",
    "tests/test_remote_virtuoso.py",  # after test_remote_build, which it waits for
    "tests/test_audit_history.py",
    "tests/hostile/test_internal_graphs.py",
    "tests/test_packaging.py",
    "tests/test_ontology_reasoning.py",
    "tests/test_endpoint_system.py",
    "tests/test_loading.py",
    "tests/test_remote_text.py",
    "tests/hostile/test_remote_writers.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest files first, the rest in their own order (a stable sort: every worker
    of ``pytest -n`` sorts alike, as xdist needs)."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
