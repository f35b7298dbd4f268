"""A deterministic, seeded generator of synthetic LAM cooperation data in N-Triples.

Consortia with organisational units, member institutions (libraries, archives, museums)
with addresses and identifiers, memberships, and agreements in the terms of
docs/vocabulary.md. Each agreement leaves out some of the audit's twelve components at
random (injected gaps); :func:`generate` returns them so audit benchmarks know the answer.

    python bench/synthetic.py 1m bench/work/synthetic-1m.nt   # also writes ….gaps.json

The same size and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE = "https://w3id.org/lamcoop/"
LAMC = BASE + "ontology#"
ORG = "http://www.w3.org/ns/org#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"
XSD = "http://www.w3.org/2001/XMLSchema#"

SIZES = {"100k": 100_000, "1m": 1_000_000, "1.5m": 1_500_000, "5m": 5_000_000}

COMPONENTS = (
    "parties",
    "coordinator",
    "term",
    "funding",
    "governance",
    "areas",
    "standards",
    "responsibilities",
    "indicators",
    "evaluation",
    "data-protection",
    "staffing",
)
INSTITUTION_KINDS = (
    "AcademicLibrary",
    "PublicLibrary",
    "NationalLibrary",
    "SpecialLibrary",
    "Archive",
    "ArtMuseum",
    "HistoryMuseum",
    "ScienceMuseum",
    "GeneralMuseum",
)
CONSORTIUM_KINDS = ("NationalConsortium", "RegionalConsortium", "SectoralConsortium")
AGREEMENT_KINDS = (
    "MemorandumOfUnderstanding",
    "ConsortiumCharter",
    "ServiceAgreement",
    "LicensingAgreement",
)
UNIT_KINDS = ("Council", "Secretariat", "Committee", "ManagementCentre", "RegionalCentre")
ROLES = ("MemberRole", "FoundingMemberRole", "CoreLibraryRole", "CoordinatorRole")
FUNDING = ("government-allocation", "member-cost-sharing", "fee-for-service", "sponsorship")
AREAS = ("resource-sharing", "union-catalogue", "interlibrary-loan", "training", "digitisation")
STANDARDS = ("marc-21", "dublin-core", "isil", "z39-50", "oai-pmh")
CITIES = ("Beijing", "Shanghai", "Tehran", "Isfahan", "Guangzhou", "Tianjin", "Shiraz")
PROVISIONS = {
    "responsibilities": ("responsibility", "Responsibility"),
    "indicators": ("performanceIndicator", "PerformanceIndicator"),
    "evaluation": ("evaluationProvision", "EvaluationProvision"),
    "data-protection": ("dataProtectionProvision", "DataProtectionProvision"),
    "staffing": ("staffingProvision", "StaffingProvision"),
}


def iri(path: str) -> str:
    return f"<{BASE}{path}>"


def lamc(term: str) -> str:
    return f"<{LAMC}{term}>"


def lit(text: str, *, lang: str = "", datatype: str = "") -> str:
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if lang:
        return f"{quoted}@{lang}"
    return f"{quoted}^^<{XSD}{datatype}>" if datatype else quoted


@dataclass
class Generated:
    """What a run wrote: how many triples, and the components each agreement lacks."""

    triples: int = 0
    gaps: dict[str, list[str]] = field(default_factory=dict)


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[str] = []
        self.gaps: dict[str, list[str]] = {}

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def institution(self, n: int) -> str:
        rng, me = self.rng, iri(f"id/institution/inst-{n:07d}")
        kind = rng.choice(INSTITUTION_KINDS)
        self.t(me, RDF_TYPE, lamc(kind))
        self.t(me, f"<{SKOS}prefLabel>", lit(f"Institution {n} ({kind})", lang="en"))
        if rng.random() < 0.5:
            self.t(me, f"<{SKOS}prefLabel>", lit(f"机构 {n}", lang="zh-Hans"))
        if rng.random() < 0.3:
            self.t(me, f"<{SKOS}prefLabel>", lit(f"نهاد {n}", lang="fa"))
        self.t(me, lamc("isil"), lit(f"XX-{n:07d}"))
        address = f"_:addr{n}"
        self.t(me, f"<{SCHEMA}address>", address)
        self.t(address, RDF_TYPE, f"<{SCHEMA}PostalAddress>")
        self.t(address, f"<{SCHEMA}addressLocality>", lit(rng.choice(CITIES)))
        self.t(address, f"<{SCHEMA}postalCode>", lit(f"{rng.randrange(100000, 999999)}"))
        self.t(me, f"<{GEO}lat>", lit(f"{rng.uniform(20, 45):.5f}", datatype="decimal"))
        self.t(me, f"<{GEO}long>", lit(f"{rng.uniform(45, 125):.5f}", datatype="decimal"))
        self.t(me, lamc("foundedOn"), lit(str(rng.randrange(1900, 2024)), datatype="gYear"))
        return me

    def consortium(self, c: int, members: list[str]) -> tuple[str, str]:
        rng, me = self.rng, iri(f"id/institution/consortium-{c:06d}")
        self.t(me, RDF_TYPE, lamc(rng.choice(CONSORTIUM_KINDS)))
        self.t(me, f"<{SKOS}prefLabel>", lit(f"Consortium {c}", lang="en"))
        self.t(me, f"<{SKOS}prefLabel>", lit(f"联盟 {c}", lang="zh-Hans"))
        self.t(
            me,
            lamc("foundedOn"),
            lit(f"{rng.randrange(1990, 2020)}-{rng.randrange(1, 13):02d}", datatype="gYearMonth"),
        )
        self.t(me, lamc("memberCount"), lit(str(len(members)), datatype="nonNegativeInteger"))
        self.t(me, lamc("fundingModel"), iri(f"id/concept/funding-models/{rng.choice(FUNDING)}"))
        unit = iri(f"id/unit/consortium-{c:06d}-{rng.choice(UNIT_KINDS).lower()}")
        self.t(unit, RDF_TYPE, lamc(rng.choice(UNIT_KINDS)))
        self.t(unit, f"<{ORG}unitOf>", me)
        self.t(me, f"<{ORG}hasUnit>", unit)
        self.t(unit, lamc("hostedBy"), members[0])
        for i, member in enumerate(members):
            self.membership(c, i, me, member)
        return me, unit

    def membership(self, c: int, i: int, consortium: str, member: str) -> None:
        rng, m = self.rng, iri(f"id/membership/consortium-{c:06d}--member-{i:04d}")
        role = "FoundingMemberRole" if i < 3 else rng.choice(ROLES)
        self.t(m, RDF_TYPE, f"<{ORG}Membership>")
        self.t(m, f"<{ORG}member>", member)
        self.t(m, f"<{ORG}organization>", consortium)
        self.t(m, f"<{ORG}role>", lamc(role))
        self.t(m, lamc("memberFrom"), lit(f"{rng.randrange(1995, 2024)}", datatype="gYear"))
        self.t(consortium, f"<{ORG}hasMember>", member)

    def agreement(self, a: int, consortium: str, unit: str, members: list[str]) -> None:
        rng, me = self.rng, iri(f"id/agreement/agreement-{a:07d}")
        missing = sorted(rng.sample(COMPONENTS, k=rng.choice((0, 0, 1, 1, 2, 3, 5))))
        self.gaps[f"{BASE}id/agreement/agreement-{a:07d}"] = missing
        self.t(me, RDF_TYPE, lamc(rng.choice(AGREEMENT_KINDS)))
        self.t(me, f"<{SKOS}prefLabel>", lit(f"Agreement {a}", lang="en"))
        self.t(me, lamc("governs"), consortium)
        present = [c for c in COMPONENTS if c not in missing]
        for component in present:
            self.component(me, component, consortium, unit, members)

    def component(self, me: str, component: str, consortium: str, unit: str, members) -> None:
        rng = self.rng
        if component == "parties":
            for party in members[:3]:
                self.t(me, lamc("party"), party)
        elif component == "coordinator":
            self.t(me, lamc("coordinator"), members[0])
        elif component == "term":
            self.t(me, lamc("signedOn"), lit(f"{rng.randrange(2000, 2024)}-06-01", datatype="date"))
            self.t(me, lamc("openEnded"), lit("true", datatype="boolean"))
        elif component == "funding":
            self.t(
                me, lamc("fundingModel"), iri(f"id/concept/funding-models/{rng.choice(FUNDING)}")
            )
            self.t(
                me, lamc("budgetAmount"), lit(f"{rng.randrange(10, 900)}000.00", datatype="decimal")
            )
            self.t(me, lamc("budgetCurrency"), lit(rng.choice(("CNY", "IRR", "USD"))))
        elif component == "governance":
            self.t(me, lamc("governanceBody"), unit)
        elif component == "areas":
            for area in rng.sample(AREAS, k=2):
                self.t(me, lamc("cooperationArea"), iri(f"id/concept/cooperation-areas/{area}"))
        elif component == "standards":
            self.t(me, lamc("adoptsStandard"), iri(f"id/standard/{rng.choice(STANDARDS)}"))
        else:
            prop, kind = PROVISIONS[component]
            node = f"{me[:-1]}/{component}>"
            self.t(me, lamc(prop), node)
            self.t(node, RDF_TYPE, lamc(kind))
            self.t(node, lamc("text"), lit(f"The parties agree on {component}.", lang="en"))
            if component == "responsibilities":
                self.t(node, lamc("responsibleParty"), members[0])


def triples(size: int, *, seed: int = 1957) -> Iterator[tuple[list[str], dict[str, list[str]]]]:
    """Batches of N-Triples lines (and the gaps they inject) until about ``size`` triples."""
    rng = random.Random(seed)
    written, institution, agreement, consortium = 0, 0, 0, 0
    while written < size:
        writer = _Writer(rng)
        members = [writer.institution(institution + i) for i in range(rng.randrange(5, 40))]
        institution += len(members)
        node, unit = writer.consortium(consortium, members)
        for _ in range(rng.randrange(1, 4)):
            writer.agreement(agreement, node, unit, members)
            agreement += 1
        consortium += 1
        written += len(writer.lines)
        yield writer.lines, writer.gaps


def generate(path: str | Path, size: int | str, *, seed: int = 1957) -> Generated:
    """Write about ``size`` triples (a number, or a name in :data:`SIZES`) of N-Triples."""
    target = SIZES[size.lower()] if isinstance(size, str) and size.lower() in SIZES else int(size)
    result = Generated()
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for lines, gaps in triples(target, seed=seed):
            out.writelines(lines)
            result.triples += len(lines)
            result.gaps.update(gaps)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", help="number of triples, or 100k, 1m, 1.5m, 5m")
    parser.add_argument("output", type=Path, help="N-Triples file to write")
    parser.add_argument("--seed", type=int, default=1957)
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    result = generate(args.output, args.size, seed=args.seed)
    gaps = args.output.with_name(args.output.name + ".gaps.json")
    gaps.write_text(json.dumps(result.gaps, indent=0, sort_keys=True), encoding="utf-8")
    print(
        f"{args.output}: {result.triples} triples, {len(result.gaps)} agreements", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
