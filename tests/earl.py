"""EARL 1.0 reports of the W3C conformance runs, written to ``docs/earl/`` on request.

Each conformance module records every test's outcome in a :class:`EarlReport` through
:meth:`EarlReport.record`; the report is written when ``LAMCOOP_WRITE_EARL=1`` is set and
every test of the suite was recorded (a partial run never overwrites a full report).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, DOAP, FOAF, XSD

EARL = Namespace("http://www.w3.org/ns/earl#")
EARL_DIR = Path(__file__).resolve().parent.parent / "docs" / "earl"
SUBJECT = URIRef("https://w3id.org/lamcoop/#software")
ASSERTOR = URIRef("https://w3id.org/lamcoop/#conformance-runner")
WRITE_VARIABLE = "LAMCOOP_WRITE_EARL"

OUTCOMES = ("passed", "failed", "inapplicable")


class EarlReport:
    """The outcomes of one suite's tests, in the order they ran."""

    def __init__(self, suite: str, title: str, expected_tests: int):
        self.suite = suite
        self.title = title
        self.expected_tests = expected_tests
        self.outcomes: dict[str, tuple[str, str]] = {}

    def add(self, test: str, outcome: str, note: str = "") -> None:
        """Record ``outcome`` (passed, failed or inapplicable) for the test IRI ``test``."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        self.outcomes[test] = (outcome, note)

    @contextlib.contextmanager
    def record(self, test: str) -> Iterator[None]:
        """Run a test's body: passed when it returns, inapplicable when it skips, else failed.

        A body may call :func:`pytest.xfail` after an honest check to say the W3C result is
        not met for a reason outside the service; that is recorded as failed with the reason.
        """
        try:
            yield
        except pytest.skip.Exception as exc:
            self.add(test, "inapplicable", str(exc.msg))
            raise
        except pytest.xfail.Exception as exc:
            self.add(test, "failed", str(exc.msg))
            raise
        except BaseException as exc:
            self.add(test, "failed", f"{type(exc).__name__}: {exc}"[:500])
            raise
        else:
            if test not in self.outcomes:
                self.add(test, "passed")

    def counts(self) -> dict[str, int]:
        """How many tests ended in each outcome."""
        found = dict.fromkeys(OUTCOMES, 0)
        for outcome, _ in self.outcomes.values():
            found[outcome] += 1
        return found

    def graph(self) -> Graph:
        """The report as an RDF graph (EARL 1.0, DOAP for the subject)."""
        g = Graph()
        g.bind("earl", EARL)
        g.bind("doap", DOAP)
        g.bind("dct", DCTERMS)
        g.bind("foaf", FOAF)
        _describe_subject(g)
        now = Literal(dt.datetime.now(dt.UTC).replace(microsecond=0), datatype=XSD.dateTime)
        for test, (outcome, note) in self.outcomes.items():
            assertion, result = BNode(), BNode()
            g.add((assertion, RDF.type, EARL.Assertion))
            g.add((assertion, EARL.assertedBy, ASSERTOR))
            g.add((assertion, EARL.subject, SUBJECT))
            g.add((assertion, EARL.test, URIRef(test)))
            g.add((assertion, EARL.mode, EARL.automatic))
            g.add((assertion, EARL.result, result))
            g.add((result, RDF.type, EARL.TestResult))
            g.add((result, EARL.outcome, EARL[outcome]))
            g.add((result, DCTERMS.date, now))
            if note:
                g.add((result, DCTERMS.description, Literal(note)))
        return g

    def write_if_asked(self) -> Path | None:
        """Write ``docs/earl/<suite>.ttl`` when asked to and the run was complete."""
        if os.environ.get(WRITE_VARIABLE) != "1" or len(self.outcomes) != self.expected_tests:
            return None
        EARL_DIR.mkdir(parents=True, exist_ok=True)
        path = EARL_DIR / f"{self.suite}.ttl"
        header = f"# EARL report: {self.title}. Counts: {self.counts()}\n"
        path.write_text(header + self.graph().serialize(format="turtle"), encoding="utf-8")
        return path


def _describe_subject(g: Graph) -> None:
    release = BNode()
    g.add((SUBJECT, RDF.type, DOAP.Project))
    g.add((SUBJECT, RDF.type, EARL.TestSubject))
    g.add((SUBJECT, RDF.type, EARL.Software))
    g.add((SUBJECT, DOAP.name, Literal("lamcoop")))
    g.add((SUBJECT, DOAP["programming-language"], Literal("Python")))
    g.add((SUBJECT, DOAP.release, release))
    g.add((release, DOAP.revision, Literal(version("lamcoop"))))
    g.add((ASSERTOR, RDF.type, EARL.Assertor))
    g.add((ASSERTOR, RDF.type, EARL.Software))
    g.add(
        (ASSERTOR, FOAF.name, Literal("lamcoop conformance runner (tests/test_conformance_*.py)"))
    )
