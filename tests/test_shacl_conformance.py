"""The W3C SHACL core test suite through the engine (fast path plus pySHACL fallback).

Reads ``../shared/conformance/shacl``; skipped where that is absent. Run this module as a
script to write the per-test summary (which path each test took) to
``docs/shacl-conformance.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shacl_suite import CORE_MANIFEST, compare, entries, path_taken, run  # noqa: E402

ENTRIES = list(entries()) if CORE_MANIFEST.is_file() else []

pytestmark = pytest.mark.shared


@pytest.mark.skipif(not ENTRIES, reason=f"{CORE_MANIFEST} is absent (../shared not beside)")
def test_the_suite_has_its_98_core_tests():
    assert len(ENTRIES) == 98


@pytest.mark.skipif(not ENTRIES, reason=f"{CORE_MANIFEST} is absent (../shared not beside)")
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_core(entry):
    report = run(entry)
    difference = compare(entry, report)
    assert not difference, f"{entry.id} ({path_taken(report)}): {entry.label}\n{difference}"
