"""The integrity shapes catch each kind of violation they claim: for each, a failing and a
passing example, validated in a real store with the ontology beside the data."""

from __future__ import annotations

import pytest

from graph_loader.integrity import validate_integrity
from graph_loader.store import open_store
from tests.audit_support import BASE, DATA_GRAPH, load_shipped, load_turtle, settings

SH = "http://www.w3.org/ns/shacl#"
FOCUS = {
    "inst": BASE + "id/institution/x",
    "agr": BASE + "id/agreement/x",
    "mem": BASE + "id/membership/cons--x",
    "code": BASE + "id/concept/lam-study-codes/x",
    "acct": BASE + "id/account/x",
    "resp": BASE + "id/agreement/x/responsibility",
}
INST = 'inst:x a lamc:Library ; skos:prefLabel "X"@en'
AGR = 'agr:x a lamc:Agreement ; skos:prefLabel "X"@en'
MEM = "<{mem}> a org:Membership ; org:organization inst:cons"
CODE = (
    'code:x a skos:Concept ; skos:prefLabel "x"@en ; skos:inScheme scheme:lam-study-codes .\n'
    'scheme:lam-study-codes a skos:ConceptScheme ; skos:prefLabel "codes"@en'
)
RESP = '<{resp}> a lamc:Responsibility ; lamc:text "Hosts the catalogue."@en'

# (case, focus, failing Turtle, passing Turtle, constraint component)
CASES = [
    ("label required", "inst", "inst:x a lamc:Library", INST, "MinCount"),
    ("label is a literal", "inst", f"{INST} ; rdfs:label inst:a", INST, "NodeKind"),
    (
        "one prefLabel per language",
        "inst",
        f'{INST} ; skos:prefLabel "Y"@en',
        f'{INST} ; skos:prefLabel "ایکس"@fa',
        "UniqueLang",
    ),
    (
        "ISIL syntax",
        "inst",
        f'{INST} ; lamc:isil "DE 101"',
        f'{INST} ; lamc:isil "DE-101"',
        "Pattern",
    ),
    (
        "ISIL too long",
        "inst",
        f'{INST} ; lamc:isil "DE-123456789012"',
        f'{INST} ; lamc:isil "US-DLC"',
        "Pattern",
    ),
    (
        "ISIL is a string",
        "inst",
        f'{INST} ; lamc:isil "DE-101"@de',
        f'{INST} ; lamc:isil "DE-101"',
        "Datatype",
    ),
    (
        "GND id is a string",
        "inst",
        f"{INST} ; lamc:gndId 123",
        f'{INST} ; lamc:gndId "123"',
        "Datatype",
    ),
    (
        "latitude in range",
        "inst",
        f"{INST} ; geo:lat 95.0",
        f"{INST} ; geo:lat 45.5",
        "MaxInclusive",
    ),
    (
        "latitude is a decimal",
        "inst",
        f'{INST} ; geo:lat "45.5"',
        f"{INST} ; geo:lat 45.5",
        "Datatype",
    ),
    ("one latitude", "inst", f"{INST} ; geo:lat 45.5, 46.5", f"{INST} ; geo:lat 45.5", "MaxCount"),
    (
        "longitude in range",
        "inst",
        f"{INST} ; geo:long -181.0",
        f"{INST} ; geo:long -120.25",
        "MinInclusive",
    ),
    (
        "sameAs is an IRI",
        "inst",
        f'{INST} ; owl:sameAs "Q1"',
        f"{INST} ; owl:sameAs <http://www.wikidata.org/entity/Q1>",
        "NodeKind",
    ),
    (
        "address is a postal address",
        "inst",
        f"{INST} ; schema:address inst:a",
        f'{INST} ; schema:address [ a schema:PostalAddress ; schema:addressLocality "Tehran" ]',
        "Class",
    ),
    (
        "founding date typed",
        "inst",
        f"{INST} ; lamc:foundedOn 2001",
        f'{INST} ; lamc:foundedOn "2001-12"^^xsd:gYearMonth',
        "Node",
    ),
    (
        "founder is an institution",
        "inst",
        f"{INST} ; lamc:foundedBy area:resource-sharing",
        f"{INST} ; lamc:foundedBy inst:a",
        "Class",
    ),
    (
        "member count non-negative",
        "inst",
        f"{INST} ; lamc:memberCount -3",
        f'{INST} ; lamc:memberCount "27"^^xsd:nonNegativeInteger',
        "MinInclusive",
    ),
    (
        "member count an integer",
        "inst",
        f"{INST} ; lamc:memberCount 27.5",
        f"{INST} ; lamc:memberCount 27",
        "Datatype",
    ),
    (
        "membership has a role",
        "mem",
        MEM + " ; org:member inst:a",
        MEM + " ; org:member inst:a ; org:role lamc:MemberRole",
        "MinCount",
    ),
    (
        "membership role is a role",
        "mem",
        MEM + " ; org:member inst:a ; org:role inst:b",
        MEM + " ; org:member inst:a ; org:role lamc:FoundingMemberRole",
        "Class",
    ),
    (
        "membership has one member",
        "mem",
        MEM + " ; org:member inst:a , inst:b ; org:role lamc:MemberRole",
        MEM + " ; org:member inst:b ; org:role lamc:MemberRole",
        "MaxCount",
    ),
    (
        "member is an institution",
        "mem",
        MEM + " ; org:member area:resource-sharing ; org:role lamc:MemberRole",
        MEM + " ; org:member inst:c ; org:role lamc:MemberRole",
        "Class",
    ),
    (
        "membership date typed",
        "mem",
        MEM + ' ; org:member inst:a ; org:role lamc:MemberRole ; lamc:memberFrom "2001"',
        MEM + ' ; org:member inst:a ; org:role lamc:MemberRole ; lamc:memberFrom "2001"^^xsd:gYear',
        "Node",
    ),
    (
        "parties are institutions",
        "agr",
        f"{AGR} ; lamc:party inst:a , unit:council",
        f"{AGR} ; lamc:party inst:a , inst:cons",
        "Class",
    ),
    (
        "coordinator is an institution",
        "agr",
        f"{AGR} ; lamc:coordinator area:resource-sharing",
        f"{AGR} ; lamc:coordinator inst:b",
        "Class",
    ),
    (
        "one signing date",
        "agr",
        f'{AGR} ; lamc:signedOn "2001"^^xsd:gYear , "2002"^^xsd:gYear',
        f'{AGR} ; lamc:signedOn "2001"^^xsd:gYear',
        "MaxCount",
    ),
    (
        "end date typed",
        "agr",
        f'{AGR} ; lamc:endDate "2010-01-01"',
        f'{AGR} ; lamc:endDate "2010-01-01"^^xsd:date',
        "Node",
    ),
    (
        "open-ended is a boolean",
        "agr",
        f'{AGR} ; lamc:openEnded "yes"',
        f"{AGR} ; lamc:openEnded true",
        "Datatype",
    ),
    (
        "budget non-negative",
        "agr",
        f"{AGR} ; lamc:budgetAmount -5.0",
        f"{AGR} ; lamc:budgetAmount 5000.00",
        "MinInclusive",
    ),
    (
        "budget is a decimal",
        "agr",
        f'{AGR} ; lamc:budgetAmount "5000"',
        f"{AGR} ; lamc:budgetAmount 5000.0",
        "Datatype",
    ),
    (
        "currency is ISO 4217",
        "agr",
        f'{AGR} ; lamc:budgetCurrency "yuan"',
        f'{AGR} ; lamc:budgetCurrency "CNY"',
        "Pattern",
    ),
    (
        "funding model in its scheme",
        "agr",
        f"{AGR} ; lamc:fundingModel area:resource-sharing",
        f"{AGR} ; lamc:fundingModel fm:fee-for-service",
        "Node",
    ),
    (
        "governance body is a unit",
        "agr",
        f"{AGR} ; lamc:governanceBody inst:a",
        f"{AGR} ; lamc:governanceBody unit:council",
        "Class",
    ),
    (
        "area is a concept",
        "agr",
        f"{AGR} ; lamc:cooperationArea inst:a",
        f"{AGR} ; lamc:cooperationArea area:resource-sharing",
        "Class",
    ),
    (
        "standard is a standard",
        "agr",
        f"{AGR} ; lamc:adoptsStandard area:resource-sharing",
        f"{AGR} ; lamc:adoptsStandard std:dublin-core",
        "Class",
    ),
    (
        "agreement governs a consortium",
        "agr",
        f"{AGR} ; lamc:governs inst:a",
        f"{AGR} ; lamc:governs inst:cons",
        "Class",
    ),
    ("provision has its wording", "resp", "<{resp}> a lamc:Responsibility", RESP, "MinCount"),
    (
        "responsible party is an institution",
        "resp",
        RESP + " ; lamc:responsibleParty unit:council",
        RESP + " ; lamc:responsibleParty inst:a",
        "Class",
    ),
    (
        "concept in a scheme",
        "code",
        'code:x a skos:Concept ; skos:prefLabel "x"@en',
        CODE,
        "MinCount",
    ),
    (
        "frequency non-negative integer",
        "code",
        f"{CODE} .\ncode:x lamc:frequency -1",
        f'{CODE} .\ncode:x lamc:frequency "15"^^xsd:nonNegativeInteger',
        "MinInclusive",
    ),
    (
        "frequency is an integer",
        "code",
        f'{CODE} .\ncode:x lamc:frequency "15"',
        f'{CODE} .\ncode:x lamc:frequency "0"^^xsd:nonNegativeInteger',
        "Datatype",
    ),
    (
        "code number an integer",
        "code",
        f'{CODE} .\ncode:x lamc:codeNumber "1"',
        f'{CODE} .\ncode:x lamc:codeNumber "1"^^xsd:nonNegativeInteger',
        "Datatype",
    ),
    (
        "paradigm role in its scheme",
        "code",
        f"{CODE} .\ncode:x lamc:paradigmRole code:x",
        f"{CODE} .\ncode:x lamc:paradigmRole <{BASE}id/concept/paradigm-model/strategies>",
        "Node",
    ),
    (
        "translated language tag",
        "code",
        f'{CODE} .\ncode:x lamc:translatedLanguage "English"',
        f'{CODE} .\ncode:x lamc:translatedLanguage "en"',
        "Pattern",
    ),
    (
        "account on a platform",
        "acct",
        "<{acct}> a lamc:OutreachAccount ; lamc:accountOf inst:a",
        "<{acct}> a lamc:OutreachAccount ; lamc:accountOf inst:a ; lamc:onPlatform <{platform}>",
        "MinCount",
    ),
    (
        "platform launch year",
        "acct",
        "<{acct}> a lamc:OutreachAccount ; lamc:onPlatform <{platform}> ; lamc:launchYear 2004",
        "<{acct}> a lamc:OutreachAccount ; lamc:onPlatform <{platform}> ; "
        'lamc:launchYear "2004"^^xsd:gYear',
        "Datatype",
    ),
]

CONTEXT = f"""
<{BASE}id/concept/paradigm-model/strategies> a skos:Concept ; skos:prefLabel "Strategies"@en ;
    skos:inScheme scheme:paradigm-model .
scheme:paradigm-model a skos:ConceptScheme ; skos:prefLabel "Paradigm model"@en .
<{BASE}id/platform/telegram> a lamc:SocialMediaPlatform ; skos:prefLabel "Telegram"@en .
"""


@pytest.fixture(scope="module")
def checker():
    store, s = open_store(None), settings()
    load_shipped(store, s)
    graphs = [s.graph_iri("ontology"), DATA_GRAPH]

    def results(turtle: str, focus: str) -> list:
        text = turtle.format(platform=BASE + "id/platform/telegram", **FOCUS)
        load_turtle(store, CONTEXT + text + " .\n")
        outcome = validate_integrity(store, s, graphs=graphs)
        return [r for r in outcome.report.results if str(r.focus_node) == FOCUS[focus]]

    return results


@pytest.mark.parametrize(
    ("case", "focus", "bad", "good", "component"), CASES, ids=[c[0] for c in CASES]
)
def test_shape_catches_and_passes(checker, case, focus, bad, good, component):
    caught = checker(bad, focus)
    assert f"{SH}{component}ConstraintComponent" in {
        str(r.source_constraint_component) for r in caught
    }, case
    assert checker(good, focus) == [], case


def test_the_context_of_the_examples_conforms(checker):
    store_results = checker('inst:x a lamc:Library ; skos:prefLabel "X"@en', "inst")
    assert store_results == []


def test_the_ontology_conforms_to_the_integrity_shapes():
    store, s = open_store(None), settings()
    load_shipped(store, s)
    outcome = validate_integrity(store, s, graphs=[s.graph_iri("ontology")])
    assert [str(r.focus_node) for r in outcome.report.results] == []
