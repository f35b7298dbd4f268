"""A store for the audit's pages and exports: agreements in two countries, a consortium,
provisions with texts, and a challenge of the study with its category and citation; audited.
"""

from __future__ import annotations

from pathlib import Path

from graph_loader.audit.run import run_audit
from graph_loader.store import open_store
from tests.audit_support import (
    BASE,
    COMPONENTS,
    agreement,
    load_shipped,
    load_turtle,
    settings,
)

A = BASE + "id/agreement/"
INST = BASE + "id/institution/"
CODE = BASE + "id/concept/lam-study-codes/"
#: Persian party in Iran (address), a Chinese one (direct code), and a consortium.
WORLD = f"""
inst:a schema:addressCountry "IR" ; skos:prefLabel "کتابخانهٔ الف"@fa .
inst:b schema:address [ a schema:PostalAddress ; schema:addressCountry "CN" ] .
inst:c org:memberOf inst:cons .
code:lack-of-skilled-motivated-staff a skos:Concept ;
    skos:prefLabel "Lack of skilled and motivated staff"@en , "کمبود نیروی متخصص"@fa ;
    skos:broader code:current-situation ;
    <http://purl.org/dc/terms/source> <{BASE}id/document/study/table-6> .
code:current-situation a skos:Concept ; skos:prefLabel "Current situation"@en .
<{BASE}id/document/study/table-6> <http://www.w3.org/2000/01/rdf-schema#label> "Table 6"@en .
"""
FULL = [c for c in COMPONENTS if c != "staffing"]
AGREEMENTS = (
    # In Iran and China, everything but staffing.
    agreement("full", FULL),
    # Library A and Museum C (a member of the consortium): parties only.
    agreement("thin", ["parties"], extra="lamc:party inst:c")
    .replace("lamc:party inst:a , inst:b", "lamc:party inst:a")
    .replace('skos:prefLabel "Agreement thin"@en', 'skos:prefLabel "=HYPERLINK(1)"@en'),
    # No party at all, so in no country.
    agreement("lonely", ["areas"]),
)


def build_audit_store(workdir: Path) -> Path:
    """The store at ``workdir/store``, audited, closed."""
    path = workdir / "store"
    store, s = open_store(path), settings()
    try:
        load_shipped(store, s)
        load_turtle(store, WORLD + "".join(AGREEMENTS))
        run_audit(store, s)
    finally:
        store.close()
    return path
