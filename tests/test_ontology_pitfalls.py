"""The automatically checkable pitfalls of the OOPS! catalogue, aware of languages.

Checked on the ontology, and where a pitfall concerns how terms are used, on the dataset of
record as ``lamcoop build`` loads it (graphs ``seed-*``), so the data is held to the
ontology too.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

import pytest
from ontology_support import ontology_graph
from pitfall_support import (
    BUILT_IN,
    DCTERMS,
    LAMC,
    NO_DOMAIN,
    NO_RANGE,
    ONTOLOGY,
    PREFIXES,
    PROPERTY_TYPES,
    VANN,
    declared,
    terms,
    without_reification,
)
from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef

from graph_loader.reasoning import closure


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def record(dataset_record) -> Graph:
    graph = dataset_record
    if not len(graph):
        pytest.skip("the build loads no dataset-of-record graph (seed-*) yet")
    return graph


# -- the header ------------------------------------------------------------------------------


def test_the_header_says_what_whose_and_which_version(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.license):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    version = ontology.value(ONTOLOGY, OWL.versionIRI)
    info = ontology.value(ONTOLOGY, OWL.versionInfo)
    assert version is not None and str(version).endswith(str(info))
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix)) == "lamc"
    assert str(ontology.value(ONTOLOGY, VANN.preferredNamespaceUri)) == str(LAMC)
    assert not list(ontology.objects(ONTOLOGY, OWL.imports)), "no remote imports"


# -- declarations ----------------------------------------------------------------------------


def test_every_term_the_vocabulary_page_names_is_declared(ontology, repo_root):
    page = (repo_root / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    named = {
        URIRef(PREFIXES[prefix] + local)
        for prefix, local in re.findall(r"\b([a-z]+):([A-Za-z][A-Za-z0-9]*)\b", page)
        if prefix in PREFIXES
    }
    missing = sorted(named - declared(ontology))
    assert not missing, f"docs/vocabulary.md names terms the ontology does not declare: {missing}"


def used_terms(graph: Graph) -> set[URIRef]:
    """Predicates, classes of instances, and terms that axioms point at."""
    axioms = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf)
    used = {p for _, p, _ in without_reification(graph)}
    used |= {o for o in graph.objects(None, RDF.type)}
    used |= {o for p in axioms for o in graph.objects(None, p)}
    return {t for t in used if isinstance(t, URIRef) and not str(t).startswith(BUILT_IN)}


def test_the_ontology_uses_no_term_it_does_not_declare(ontology):
    missing = sorted(used_terms(ontology) - declared(ontology))
    assert not missing, f"used without a declaration: {missing}"


def test_the_dataset_of_record_uses_no_term_the_ontology_does_not_declare(ontology, record):
    missing = sorted(used_terms(record) - declared(ontology))
    assert not missing, f"the dataset of record uses undeclared terms: {missing}"


def test_external_terms_are_declared_only_where_used(ontology, record, repo_root):
    page = (repo_root / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    mentioned = (
        used_terms(ontology)
        | used_terms(record)
        | {
            URIRef(PREFIXES[p] + local)
            for p, local in re.findall(r"\b([a-z]+):([A-Za-z][A-Za-z0-9]*)\b", page)
            if p in PREFIXES
        }
    )
    external = {t for t in terms(ontology) if not str(t).startswith(str(LAMC))}
    unused = sorted(external - mentioned)
    assert not unused, f"external terms declared but never used: {unused}"


def test_each_term_has_one_kind(ontology):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for term in declared(ontology):
        mine = [k for k in kinds if (term, RDF.type, k) in ontology]
        assert len(mine) <= 1, f"{term} is declared as {mine}"


# -- structure ---------------------------------------------------------------------------------


def named_pairs(graph: Graph, prop: URIRef) -> list[tuple[str, str]]:
    return [
        (str(a), str(b))
        for a, b in graph.subject_objects(prop)
        if isinstance(a, URIRef) and isinstance(b, URIRef)
    ]


@pytest.mark.parametrize("prop", [RDFS.subClassOf, RDFS.subPropertyOf])
def test_no_cycle_in_the_hierarchies(ontology, prop):
    cyclic = [a for a, above in closure(named_pairs(ontology, prop)).items() if a in above]
    loop = closure([("a", "b"), ("b", "a")])
    assert "a" in loop["b"] and "b" in loop["a"]  # the check would see a loop
    assert not cyclic, f"{prop} cycles through {cyclic}"


def test_naming_conventions(ontology):
    for term in terms(ontology):
        if str(term).startswith(str(LAMC)):
            local = str(term)[len(str(LAMC)) :]
            upper = (term, RDF.type, OWL.Class) in ontology or (
                term,
                RDF.type,
                RDFS.Datatype,
            ) in ontology
            assert re.fullmatch(r"[A-Z][A-Za-z0-9]*" if upper else r"[a-z][A-Za-z0-9]*", local), (
                term
            )


def test_properties_have_domain_and_range_unless_exempt(ontology):
    own = {p for p in declared(ontology, *PROPERTY_TYPES) if str(p).startswith(str(LAMC))}
    no_domain = {p for p in own if ontology.value(p, RDFS.domain) is None}
    no_range = {p for p in own if ontology.value(p, RDFS.range) is None}
    assert no_domain == set(NO_DOMAIN), f"domain missing: {no_domain - set(NO_DOMAIN)}"
    assert no_range == set(NO_RANGE), f"range missing: {no_range - set(NO_RANGE)}"


def test_no_orphan_property(ontology, record, repo_root):
    """Every property is connected: to a class, to another property, or to use."""
    page = (repo_root / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    used = {p for _, p, _ in record}
    related = (RDFS.domain, RDFS.range, RDFS.subPropertyOf, OWL.inverseOf)

    def connected(p: URIRef) -> bool:
        return (
            any(ontology.value(p, r) is not None for r in related)
            or any(True for _ in ontology.subjects(RDFS.subPropertyOf, p))
            or any(True for _ in ontology.subjects(OWL.inverseOf, p))
            or p in used
            or f"lamc:{str(p).rsplit('#', 1)[-1]}" in page
            # an external term the importers write (schema:address), documented there
            or ontology.namespace_manager.normalizeUri(p) in page
        )

    orphans = sorted(p for p in declared(ontology, *PROPERTY_TYPES) if not connected(p))
    assert not orphans, f"properties connected to nothing: {orphans}"


def test_inverses_agree_on_domain_and_range(ontology):
    for p, q in ontology.subject_objects(OWL.inverseOf):
        pairs = [
            (ontology.value(p, RDFS.domain), ontology.value(q, RDFS.range)),
            (ontology.value(p, RDFS.range), ontology.value(q, RDFS.domain)),
        ]
        for mine, theirs in pairs:
            if mine is not None and theirs is not None and not isinstance(mine, BNode):
                assert mine == theirs, f"{p} inverse of {q}: {mine} vs {theirs}"


def test_inverses_are_declared_where_both_directions_are_used(ontology, record):
    union = Graph()
    for triple in without_reification(ontology + record):
        union.add(triple)
    supers = closure(named_pairs(ontology, RDFS.subPropertyOf))
    down = defaultdict(set)  # a property and every property below it
    for p in declared(ontology, OWL.ObjectProperty):
        down[p].add(p)
    for sub, above in supers.items():
        for sup in above:
            down[URIRef(sup)].add(URIRef(sub))
    inverse = set(ontology.subject_objects(OWL.inverseOf))
    inverse |= {(b, a) for a, b in inverse}
    symmetric = set(ontology.subjects(RDF.type, OWL.SymmetricProperty))

    def covered(p: URIRef, q: URIRef) -> bool:
        if p == q:
            return p in symmetric
        return any((a, b) in inverse for a in down[p] or {p} for b in down[q] or {q})

    by_pair = defaultdict(set)
    for s, p, o in union:
        if isinstance(o, URIRef) and p != RDF.type and not str(p).startswith(BUILT_IN):
            by_pair[(s, o)].add(p)
    missing = set()
    for (s, o), props in by_pair.items():
        for q in by_pair.get((o, s), ()):
            missing |= {(p, q) for p in props if not covered(p, q) and (s != o)}
    assert not missing, f"used in both directions without an inverse: {sorted(missing)}"


# -- values of the right kind -------------------------------------------------------------------

NUMERIC = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long}


def literal_fits(value: Literal, datatype: URIRef, ontology: Graph) -> bool:
    """Whether ``value`` lies in ``datatype``, a named XSD type or a union of them."""
    union = ontology.value(datatype, OWL.equivalentClass)
    if union is not None:
        members = ontology.collection(ontology.value(union, OWL.unionOf))
        return any(literal_fits(value, m, ontology) for m in members)
    if value.language:
        return False
    dt = value.datatype or XSD.string
    if datatype == XSD.nonNegativeInteger:
        return dt in NUMERIC and _number(value) is not None and _number(value) >= 0
    if datatype == XSD.decimal:
        return dt in NUMERIC | {XSD.decimal} and _number(value) is not None
    return dt == datatype


def _number(value: Literal) -> Decimal | None:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def kind_problems(data: Graph, ontology: Graph) -> list[str]:
    objects = declared(ontology, OWL.ObjectProperty)
    datatypes = declared(ontology, OWL.DatatypeProperty)
    ranges = {p: ontology.value(p, RDFS.range) for p in datatypes}
    problems = []
    for s, p, o in without_reification(data):
        if p in objects and isinstance(o, Literal):
            problems.append(f"object property {p} with the literal {o!r} on {s}")
        elif p in datatypes and not isinstance(o, Literal):
            problems.append(f"datatype property {p} with the node {o} on {s}")
        elif p in datatypes and ranges[p] is not None and not literal_fits(o, ranges[p], ontology):
            problems.append(f"{p} value {o!r} on {s} is not in its range {ranges[p]}")
    return problems


def test_the_ontology_uses_its_properties_with_the_right_kind_of_value(ontology):
    assert not kind_problems(ontology, ontology)


def test_the_dataset_of_record_uses_properties_with_the_right_kind_of_value(ontology, record):
    problems = kind_problems(record, ontology)
    assert not problems, "\n".join(problems[:40])


def test_the_kind_check_can_fail(ontology):
    bad = Graph()
    bad.add((URIRef("urn:x"), LAMC.party, Literal("a name")))
    bad.add((URIRef("urn:x"), LAMC.isil, URIRef("urn:isil")))
    bad.add((URIRef("urn:x"), LAMC.memberCount, Literal(-3)))
    bad.add((URIRef("urn:x"), LAMC.signedOn, Literal("2001-12-01T00:00:00", datatype=XSD.dateTime)))
    bad.add((URIRef("urn:x"), LAMC.budgetCurrency, Literal("CNY", lang="en")))
    assert len(kind_problems(bad, ontology)) == 5
    good = Graph()
    good.add((URIRef("urn:x"), LAMC.signedOn, Literal("2001-12", datatype=XSD.gYearMonth)))
    good.add((URIRef("urn:x"), LAMC.memberCount, Literal(27)))
    assert not kind_problems(good, ontology)


# -- more of the catalogue ----------------------------------------------------------------------


def test_one_domain_and_one_range_at_most(ontology):
    """P19: several rdfs:domain (or range) statements mean their intersection, rarely meant."""
    for p in declared(ontology, *PROPERTY_TYPES):
        for axiom in (RDFS.domain, RDFS.range):
            assert len(list(ontology.objects(p, axiom))) <= 1, f"{p} has several {axiom}"


def test_annotations_are_text(ontology):
    """P20: labels and definitions are literals, not links."""
    for prop in (RDFS.label, SKOS.prefLabel, SKOS.definition):
        bad = [s for s, o in ontology.subject_objects(prop) if not isinstance(o, Literal)]
        assert not bad, f"{prop} with a non-literal on {bad}"


def test_no_property_is_its_own_inverse(ontology):
    """P25: a property inverse to itself should be declared symmetric instead."""
    assert not [p for p, q in ontology.subject_objects(OWL.inverseOf) if p == q]
