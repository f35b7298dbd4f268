"""The W3C SHACL core test suite through the engine (fast path plus pySHACL fallback).

Reads ``../shared/conformance/shacl``; skipped where that is absent. Run this module as a
script to write the per-test summary (which path each test took) to
``docs/shacl-conformance.md``.
"""

from __future__ import annotations

import pytest
from shacl_suite import CORE_MANIFEST, compare, entries, path_taken, run

ENTRIES = list(entries()) if CORE_MANIFEST.is_file() else []

#: Tests whose report matches only once the expected report passes through the store as the
#: data did: the store keeps "300"^^xsd:byte as "300"^^xsd:integer, so the value reported
#: is the stored literal. Listed so that a change in the store shows here.
STORE_REWRITES = {"property/datatype-ill-formed"}

pytestmark = pytest.mark.shared


@pytest.mark.skipif(not ENTRIES, reason=f"{CORE_MANIFEST} is absent (../shared not beside)")
def test_the_suite_has_its_98_core_tests():
    assert len(ENTRIES) == 98


@pytest.mark.skipif(not ENTRIES, reason=f"{CORE_MANIFEST} is absent (../shared not beside)")
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_core(entry):
    report = run(entry)
    difference, exact = compare(entry, report)
    assert not difference, f"{entry.id} ({path_taken(report)}): {entry.label}\n{difference}"
    assert exact == (entry.id not in STORE_REWRITES)
