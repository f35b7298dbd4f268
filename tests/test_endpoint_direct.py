"""The pieces the server's processes share: store locks, the state file, shared counters,
and the watchdog that ends a process at a query's deadline."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sparql_endpoint.executor.store_files import LockTimeout, StateFile, StoreLocks
from sparql_endpoint.executor.watchdog import EXIT_STATUS
from sparql_endpoint.metrics import SharedMetrics


def soon() -> float:
    """A deadline for a lock that must not be had: it is given up soon."""
    return time.monotonic() + 0.1


def later() -> float:
    """A deadline for a lock that must be had: never reached, however busy the machine."""
    return time.monotonic() + 120


def test_a_write_waits_for_readers_and_readers_for_a_write(tmp_path: Path):
    reader, writer = StoreLocks(tmp_path), StoreLocks(tmp_path)
    try:
        with reader.reading(later()), pytest.raises(LockTimeout), writer.writing(soon()):
            pass
        with writer.writing(later()), pytest.raises(LockTimeout), reader.reading(soon()):
            pass
        with reader.reading(later()), StoreLocks(tmp_path).reading(later()):
            pass  # readers share
        with writer.writing(later()):
            pass
    finally:
        reader.close()
        writer.close()


def test_the_state_file_is_reread_after_a_new_version(tmp_path: Path):
    state, other = StateFile(tmp_path), StateFile(tmp_path)
    assert not state.exists() and state.next_version() == 0
    state.publish(0, {"http://example.org/g": 3})
    assert other.current().known == frozenset({"http://example.org/g"})
    state.publish(state.next_version(), {})
    assert other.current().version == 1 and other.current().graphs == {}


def _count_a_timeout(directory: str) -> None:
    metrics = SharedMetrics(Path(directory))
    metrics.count_timeout()
    metrics.close()


def test_shared_counters_add_up_every_process(tmp_path: Path):
    here = SharedMetrics(tmp_path)
    here.count_request("/sparql", 200)
    here.close()
    child = multiprocessing.get_context("spawn").Process(
        target=_count_a_timeout, args=(str(tmp_path),)
    )
    child.start()
    child.join(60)
    text = SharedMetrics(tmp_path).render()
    assert "lamcoop_query_timeouts_total 1" in text
    assert 'lamcoop_http_requests_total{route="/sparql",status="200"} 1' in text


def test_the_watchdog_acts_then_ends_the_process(tmp_path: Path):
    # Disarmed in time, the first deadline does nothing; the second ends the process long
    # before its sleep would: its exit status is the watchdog's, not the script's 0.
    mark = tmp_path / "acted"
    program = (
        "import time; from pathlib import Path\n"
        "from sparql_endpoint.executor.watchdog import Watchdog\n"
        "dog = Watchdog(period=0.01)\n"
        "dog.arm(600, lambda reason: None); dog.disarm()\n"
        f"dog.arm(0.2, lambda reason: Path({str(mark)!r}).write_text(reason))\n"
        "time.sleep(3600)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], timeout=600, check=False)
    assert done.returncode == EXIT_STATUS
    assert mark.read_text() == "the query ran past the 0.2 s time limit"


def test_the_watchdog_ends_a_process_past_its_memory_limit(tmp_path: Path):
    # Armed with an hour to go, the process then takes 200 MiB more than its limit allows:
    # the watchdog names the memory limit and ends the process long before the sleep ends.
    mark = tmp_path / "acted"
    program = (
        "import time; from pathlib import Path\n"
        "from sparql_endpoint.executor.watchdog import Watchdog, resident_bytes\n"
        "dog = Watchdog(period=0.01, memory_limit=resident_bytes() + 100 * 1024 * 1024)\n"
        f"dog.arm(3600, lambda reason: Path({str(mark)!r}).write_text(reason))\n"
        "hog = bytearray(200 * 1024 * 1024)\n"
        "hog[:: 4096] = b'x' * len(hog[:: 4096])\n"
        "time.sleep(3600)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], timeout=600, check=False)
    assert done.returncode == EXIT_STATUS
    assert "MiB memory limit of a query process" in mark.read_text()


def test_the_watchdog_thread_leaves_stop_signals_to_the_main_thread():
    # The server's C handler for SIGINT/SIGTERM must not run in the watchdog's thread (it
    # crashed a worker on Ctrl-C): the thread blocks them, the main thread does not.
    program = (
        "import threading, time, signal\n"
        "from sparql_endpoint.executor.watchdog import Watchdog\n"
        "dog = Watchdog(period=0.01)\n"
        "dog.arm(600, lambda reason: None)\n"
        "thread = next(t for t in threading.enumerate() if t.name == 'lamcoop-watchdog')\n"
        "def blocked(tid):\n"
        "    status = open(f'/proc/self/task/{tid}/status').read()\n"
        "    line = next(l for l in status.splitlines() if l.startswith('SigBlk'))\n"
        "    mask = int(line.split()[1], 16)\n"
        "    return [s for s in (signal.SIGINT, signal.SIGTERM) if mask >> (s - 1) & 1]\n"
        # The thread blocks them as it starts: wait for that (a deadline, not a delay).
        "deadline = time.monotonic() + 120\n"
        "while len(blocked(thread.native_id)) < 2 and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "print(len(blocked(thread.native_id)), len(blocked(threading.main_thread().native_id)))\n"
        "dog.disarm()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=600, check=True
    )
    assert done.stdout.split() == ["2", "0"]
