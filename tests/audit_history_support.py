"""A store with two kept audit runs, made as an analyst makes them: the real ``lamcoop``
loads a register and audits, then loads a changed register (a component added, a gap
closed, a new gap, an agreement added) and audits again.

What the comparison of the two runs must say is written out here (:data:`EXPECTED_TOTALS`,
:data:`EXPECTED_AGREEMENTS`), worked out by hand from the registers: the twelve components
are in docs/audit.md.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph_loader.store import open_store
from tests.audit_support import BASE, COMPONENTS, load_shipped, load_turtle, settings
from tests.fixtures_run import made_once
from tests.servers import VENV_BIN

AGR = BASE + "id/agreement/"
HEADER = "id,title,type,parties,coordinator,signed,end,funding_model\n"
#: mou-1 has its parties only (a signing date states no term); lic-1 parties, coordinator,
#: term and funding.
FIRST = HEADER + (
    "mou-1,Shared cataloguing,MoU,Library A;Archive B,,14/05/2019,,\n"
    "lic-1,E-resource licence,licensing-agreement,Library A;Museum C,Library A,"
    "2020-01-01,2024-12-31,member-cost-sharing\n"
)
#: mou-1 gains a coordinator and an end (two gaps closed), lic-1 loses its funding model (a
#: new gap), svc-1 is added with its parties only.
SECOND = HEADER + (
    "mou-1,Shared cataloguing,MoU,Library A;Archive B,Archive B,14/05/2019,13/05/2024,\n"
    "lic-1,E-resource licence,licensing-agreement,Library A;Museum C,Library A,"
    "2020-01-01,2024-12-31,\n"
    "svc-1,Digitisation service,service agreement,Archive B;Museum C,,March 2021,,\n"
)
#: The components every agreement of the register lacks: all after the first four.
ALL_BUT = COMPONENTS[4:]
EXPECTED_TOTALS = {
    "agreements": {"a": 2, "b": 3},
    "agreements_added": 1,
    "agreements_removed": 0,
    "agreements_changed": 2,
    "agreements_unchanged": 0,
    # a: mou-1 11, lic-1 8; b: mou-1 9, lic-1 9, svc-1 11.
    "gaps": {"a": 19, "b": 29},
    "gaps_closed": 2,
    "new_gaps": 1,
    "gaps_of_added": 11,
    "gaps_of_removed": 0,
    # (1/12 + 4/12) / 2 and (3/12 + 3/12 + 1/12) / 3, with six decimals.
    "completeness": {"a": 0.208333, "b": 0.194444},
}
#: (iri, label, change, completeness a, b, gaps closed, new gaps), by label.
EXPECTED_AGREEMENTS = [
    (AGR + "svc-1", "Digitisation service", "added", None, 0.083333, [], []),
    (AGR + "lic-1", "E-resource licence", "changed", 0.333333, 0.25, [], ["funding"]),
    (AGR + "mou-1", "Shared cataloguing", "changed", 0.083333, 0.25, ["coordinator", "term"], []),
]


@dataclass(frozen=True)
class History:
    """The store and the identifiers of its two runs, oldest first."""

    store: Path
    first: str
    second: str


def lamcoop(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The installed ``lamcoop`` as a real process (no ``LAMCOOP_*`` of the caller's); with
    ``check``, it must succeed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    done = subprocess.run(
        [str(VENV_BIN / "lamcoop"), *args], cwd=workdir, env=env, capture_output=True, timeout=600
    )
    assert not check or done.returncode == 0, done.stderr.decode()[-3000:]
    return done


def make_history(workdir: Path) -> History:
    """The store at ``workdir/store`` with the two runs (see the module)."""
    path = workdir / "store"
    store, s = open_store(path), settings()
    try:
        load_shipped(store, s)
        load_turtle(store, "")  # the institutions the registers name
    finally:
        store.close()
    register = workdir / "register.csv"
    audited = 0.0
    for text in (FIRST, SECOND):
        register.write_text(text, encoding="utf-8")
        lamcoop(workdir, "--store", str(path), "load", str(register))
        # Each run in a second of its own: the tests name a run by its second, which two
        # runs started in the same second share (a fast machine loads and audits in less).
        time.sleep(max(0.0, math.floor(audited) + 1 - time.time()))
        lamcoop(workdir, "--store", str(path), "audit")
        audited = time.time()
    runs = json.loads(
        lamcoop(workdir, "--store", str(path), "audit", "--runs", "--format", "json").stdout
    )
    assert len(runs) == 2, runs
    return History(path, runs[0]["id"], runs[1]["id"])


def history_copy(tmp_path_factory, worker_id: str, name: str) -> History:
    """A copy, in a new directory ``name``, of the store :func:`make_history` makes: made
    once per run for every worker and module that needs it."""

    def make(made: Path) -> None:
        history = make_history(made)
        (made / "runs.json").write_text(json.dumps([history.first, history.second]))

    made = made_once(tmp_path_factory, worker_id, "audit-history", make)
    store = shutil.copytree(made / "store", tmp_path_factory.mktemp(name) / "store")
    first, second = json.loads((made / "runs.json").read_text())
    return History(store, first, second)


def expected_text(first: str, second: str, started: tuple[str, str]) -> str:
    """What ``lamcoop audit --compare`` prints for the two runs."""
    lines = [
        f"Audit runs compared: {first} ({started[0]}) -> {second} ({started[1]})",
        "Agreements: 2 -> 3 (1 added, 0 removed, 2 changed, 0 unchanged)",
        "Gaps: 19 -> 29 (2 closed, 1 new; 11 in agreements added, 0 in agreements removed)",
        "Mean completeness: 20.8 % -> 19.4 %",
        "Profile: the same",
        "",
        "By component (gaps closed, new gaps; agreements missing it):",
        "  coordinator            1 closed     0 new   1 -> 1",
        "  term                   1 closed     0 new   1 -> 1",
        "  funding                0 closed     1 new   1 -> 3",
        *(f"  {c:<18}     0 closed     0 new   2 -> 3" for c in ALL_BUT),
        "",
        "Agreements:",
        "  + Digitisation service: added, 8.3 %; missing: coordinator, term, funding, "
        + ", ".join(ALL_BUT),
        "  ~ E-resource licence: 33.3 % -> 25.0 %; closed: none; new: funding",
        "  ~ Shared cataloguing: 8.3 % -> 25.0 %; closed: coordinator, term; new: none",
    ]
    return "\n".join(lines) + "\n"


def rows_of(agreements: list[dict]) -> list[tuple]:
    """The comparison's agreements as :data:`EXPECTED_AGREEMENTS` writes them."""
    return [
        (
            r["iri"],
            r["label"],
            r["change"],
            r["completeness"]["a"],
            r["completeness"]["b"],
            r["gaps_closed"],
            r["new_gaps"],
        )
        for r in agreements
    ]
