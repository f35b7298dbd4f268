"""A replace swapped in whole (graph_loader/store/swap.py) is atomic across a killed process.

A real ``lamcoop load`` replaces a graph that holds data, in its own process, and is killed
(SIGKILL: no handler runs) while it publishes: at any moment of publishing, and after it
emptied the target, before the new version is in. The next open must find the published
graphs, their provenance and the internal graphs exactly as before, and the scratch store
removed. A replace whose file is bad leaves no scratch store either.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from functools import partial
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph_loader.loading import LoadError, load_file
from graph_loader.store import open_store
from graph_loader.store.swap import SCRATCH_DIR as SCRATCH
from tests.hostile.conftest import store_state_at
from tests.hostile.test_interrupts import (
    BASE,
    EX,
    LOAD_DEADLINE,
    _caught,
    _provenance,
    _seeded,
    killed_when,
    replacing_load,
)


def _target_count(store_path: Path) -> int | None:
    """How many triples the replaced graph holds, read by another process (None when the
    reader opened while the writer compacted: the caller looks again)."""
    try:
        raw = ox.Store.read_only(str(store_path))
    except (OSError, RuntimeError):
        return None
    try:
        return sum(
            1 for _ in raw.quads_for_pattern(None, None, None, ox.NamedNode(EX + "existing"))
        )
    except (OSError, RuntimeError):
        return None
    finally:
        del raw


def _emptied(process: subprocess.Popen, store_path: Path) -> bool:
    """Stop the load (SIGSTOP) once it is publishing and has emptied the target; False if
    it ended first."""
    deadline = time.monotonic() + LOAD_DEADLINE
    while _caught(process, store_path, "publishing"):
        if _target_count(store_path) == 0:
            return True
        process.send_signal(signal.SIGCONT)
        assert time.monotonic() < deadline, "the load never emptied the target"
        time.sleep(0.002)
    return False


def _swapped(store_path: Path) -> None:
    assert (store_path / SCRATCH).is_dir()  # the replace went through the swap


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["publishing", "emptied"])
def test_a_replace_killed_while_it_publishes_is_undone_on_next_open(medium_nt, tmp_path, moment):
    source = tmp_path / "big.nt"
    shutil.copyfile(medium_nt, source)
    for attempt in range(8):
        store_path = tmp_path / f"store-{attempt}"
        before, sources = _seeded(store_path, tmp_path)

        with replacing_load(store_path, source) as process:
            caught = (
                partial(_caught, process, store_path, "publishing")
                if moment == "publishing"
                else partial(_emptied, process, store_path)
            )
            if not killed_when(process, caught, partial(_swapped, store_path)):
                continue
        assert store_state_at(store_path) == before  # the old triples back, nothing staged
        assert _provenance(store_path) == sources
        assert not (store_path / SCRATCH).exists()
        return
    raise AssertionError(f"the load was never caught {moment}")


def test_a_bad_file_replacing_a_graph_leaves_no_scratch_store(tmp_path):
    store_path = tmp_path / "store"
    before, sources = _seeded(store_path, tmp_path)
    bad = tmp_path / "bad.nt"
    good = "".join(f"<{EX}s{i}> <{EX}p> <{EX}n{i}> .\n" for i in range(20_000))
    bad.write_text(good + f"<{EX}s> <{EX}p> oops .\n", encoding="utf-8")
    store = open_store(store_path)
    try:
        with pytest.raises(LoadError, match=r"bad\.nt.*20001"):
            load_file(store, bad, base_iri=BASE, graph=EX + "existing")
    finally:
        store.close()
    assert store_state_at(store_path) == before
    assert _provenance(store_path) == sources
    assert not (store_path / SCRATCH).exists()
