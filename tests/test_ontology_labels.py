"""The pitfalls of the OOPS! catalogue that concern labels and definitions, by language:
one label per language, English definitions, each language in its own script."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

import pytest
from ontology_support import ontology_graph
from pitfall_support import (
    LANGUAGES,
    TRADITIONAL_ONLY,
    declared,
    terms,
)
from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

ONTOLOGY = URIRef("https://w3id.org/lamcoop/ontology")
LAMC_TRANSLATED = URIRef("https://w3id.org/lamcoop/ontology#translatedLanguage")
#: What the project names itself (schemes), not the sources.
PROJECT_NAMED = "https://w3id.org/lamcoop/id/scheme/"
#: Works named as the study cites them (authors and year, as printed or transliterated), and
#: the platforms the slides name in Latin letters: names, not words to translate. (A work's
#: figures, and the articles and journals the sources title, are words: named in all three.)
AS_CITED = re.compile(r"https://w3id\.org/lamcoop/id/work/[^/]+$")
PLATFORMS = "https://w3id.org/lamcoop/id/platform/"
FIGURE = URIRef("https://w3id.org/lamcoop/ontology#ReportedFigure")
#: An author-and-year label, as the study cites a work.
CITED_AS = re.compile(r"\((?:1[0-9]|20)\d\d(?: SH)?\)$")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def record(dataset_record) -> Graph:
    graph = dataset_record
    if not len(graph):
        pytest.skip("the build loads no dataset-of-record graph (seed-*) yet")
    return graph


# -- labels and definitions, by language -------------------------------------------------------


def labelled(ontology: Graph) -> set[URIRef]:
    return terms(ontology) | declared(ontology, OWL.NamedIndividual)


def test_every_term_has_one_label_in_each_language(ontology, record):
    """Terms in the ontology alone; its individuals with what the dataset of record adds
    (seed 002 gives the funding models' Chinese and English labels)."""
    union = ontology + record
    problems = []
    for term in sorted(labelled(ontology)):
        source = ontology if term in terms(ontology) else union
        # Oxigraph writes language tags in lower case; tags are case-insensitive.
        tags = Counter(o.language.lower() for o in source.objects(term, RDFS.label))
        for lang in (language.lower() for language in LANGUAGES):
            if tags[lang] != 1:
                problems.append(f"{term}: {tags[lang]} rdfs:label in {lang}")
        problems += [
            f"{term}: label in unexpected language {tag}"
            for tag in tags
            if tag not in {language.lower() for language in LANGUAGES}
        ]
    assert not problems, "\n".join(problems)


def test_every_term_has_an_english_definition(ontology, record):
    union = ontology + record
    missing = [
        t
        for t in sorted(labelled(ontology))
        if not any(d.language == "en" for d in union.objects(t, SKOS.definition))
    ]
    assert not missing, f"without an English skos:definition: {missing}"


def test_every_english_definition_has_one_in_persian_and_one_in_chinese(ontology):
    """A Persian or Chinese reader of /ontology read every definition in English (the page
    marked each "not yet in this language"). Each is now translated, in its own script; the
    ontology's title and description are too."""
    problems = []
    for subject in sorted({s for s, o in ontology.subject_objects(SKOS.definition)}):
        found = [o for o in ontology.objects(subject, SKOS.definition) if isinstance(o, Literal)]
        tags = Counter((o.language or "").lower() for o in found)
        if not tags["en"]:
            continue
        problems += [
            f"{subject}: {tags[t]} definitions in {t}" for t in ("fa", "zh-hans") if tags[t] != 1
        ]
        problems += [
            f"{subject} {o!r}: {problem}"
            for o in found
            if o.language and o.language.lower() != "en"
            for problem in script_problems(str(o), o.language, names_allowed=True)
        ]
    for prop in (DCTERMS.title, DCTERMS.description):
        tags = {(o.language or "").lower() for o in ontology.objects(ONTOLOGY, prop)}
        problems += [
            f"the ontology's {prop} has no {t}" for t in ("fa", "zh-hans") if t not in tags
        ]
    assert not problems, "\n".join(problems[:40])


def script_problems(text: str, lang: str, *, names_allowed: bool = False) -> list[str]:
    """What is wrong with ``text`` as a label in ``lang``, judged by its letters.

    ``names_allowed``: a label may be a name printed in Latin letters (sources print
    "ResearchGate" in Persian text); it must still not use another script's forms.
    """
    letters = [c for c in text if c.isalpha()]
    names = [unicodedata.name(c, "") for c in letters]
    arabic = sum(n.startswith("ARABIC") for n in names)
    han = sum(n.startswith("CJK UNIFIED") for n in names)
    problems = []
    lang = lang.lower()
    if lang == "fa":
        if not arabic and not names_allowed:
            problems.append("no Persian letters")
        if set(text) & {"\u064a", "\u0643"}:
            problems.append("Arabic yeh or kaf where Persian writes ی and ک")
    elif lang == "zh-hans":
        if not han and not names_allowed:
            problems.append("no Chinese characters")
        if set(text) & TRADITIONAL_ONLY:
            problems.append(f"traditional characters {sorted(set(text) & TRADITIONAL_ONLY)}")
    elif lang == "en" and (arabic or han):
        problems.append("Persian or Chinese letters in an English label")
    return problems


def test_labels_are_written_in_their_languages_script(ontology):
    problems = [
        f"{s} {o!r}@{o.language}: {problem}"
        for prop in (RDFS.label, SKOS.prefLabel)
        for s, o in ontology.subject_objects(prop)
        if isinstance(o, Literal) and o.language
        for problem in script_problems(str(o), o.language)
    ]
    assert not problems, "\n".join(problems)


def test_the_dataset_of_record_labels_are_written_in_their_languages_script(record):
    problems = [
        f"{s} {o!r}@{o.language}: {problem}"
        for prop in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for s, o in record.subject_objects(prop)
        if isinstance(o, Literal) and o.language
        for problem in script_problems(str(o), o.language, names_allowed=True)
    ]
    assert not problems, "\n".join(problems[:40])


def test_the_dataset_of_record_names_everything_in_the_three_languages(ontology, record):
    """Every thing the dataset of record labels (skos:prefLabel) has a label in English,
    Persian and Chinese: a Chinese reader read the Persian study's codes in English, a Persian
    reader the Chinese consortia's names in Chinese. The project's labels are translations,
    marked as such."""
    union = ontology + record
    missing = []
    for node in sorted(set(record.subjects(SKOS.prefLabel, None))):
        tags = {(o.language or "").lower() for o in union.objects(node, SKOS.prefLabel)}
        marked = {str(o).lower() for o in union.objects(node, LAMC_TRANSLATED)}
        english = [str(o) for o in union.objects(node, SKOS.prefLabel) if o.language == "en"]
        cited = AS_CITED.match(str(node)) and any(CITED_AS.search(e) for e in english)
        if cited or (str(node).startswith(PLATFORMS) and "en" not in marked):
            continue  # works as the study cites them; platforms by the Latin names printed
        missing += [f"{node}: no {t} label" for t in ("en", "fa", "zh-hans") if t not in tags]
        printed = tags - marked
        # A scheme, or a figure a work reports (what the value counts), is named in our words.
        ours = str(node).startswith(PROJECT_NAMED) or (node, RDF.type, FIGURE) in union
        if not printed and not ours:
            missing.append(f"{node}: no label as printed in the source")
    assert not missing, "\n".join(missing[:400]) + f"\n({len(missing)} in all)"


def test_the_sources_sections_are_named_in_the_three_languages(record):
    """A citation names the section of its source: a Persian page named the Persian
    study's tables "Table 6"."""
    sections = {s for s in record.subjects(DCTERMS.isPartOf, None) if "/document/" in str(s)}
    assert len(sections) > 40
    missing = [
        f"{section}: no {t}"
        for section in sorted(sections)
        for t in ("en", "fa", "zh-hans")
        if t not in {(o.language or "").lower() for o in record.objects(section, RDFS.label)}
    ]
    assert not missing, "\n".join(missing)


def test_the_dataset_of_record_describes_its_things_in_the_three_languages(record):
    """The project's description or definition of a labelled thing (what the source says of
    it, in our words) is given in Persian and Chinese as well as English."""
    missing = []
    for prop in (DCTERMS.description, SKOS.definition):
        for node in sorted(set(record.subjects(prop, None))):
            if not any(record.objects(node, SKOS.prefLabel)):
                continue  # a statement's wording, not a thing's description
            tags = {(o.language or "").lower() for o in record.objects(node, prop)}
            missing += [f"{node} {prop}: no {t}" for t in ("en", "fa", "zh-hans") if t not in tags]
    assert not missing, "\n".join(missing[:40]) + f"\n({len(missing)} in all)"


def test_the_script_check_can_fail():
    assert script_problems("كتابخانه", "fa")  # Arabic kaf
    assert script_problems("圖書館", "zh-Hans")
    assert script_problems("library", "fa")
    assert not script_problems("ResearchGate", "fa", names_allowed=True)
    assert script_problems("كتابخانه ResearchGate", "fa", names_allowed=True)
    assert not script_problems("کتابخانه", "fa") and not script_problems("图书馆", "zh-Hans")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_terms_share_a_label(ontology, lang):
    seen = defaultdict(list)
    for term in labelled(ontology):
        for label in ontology.objects(term, RDFS.label):
            if label.language == lang:
                seen[str(label).casefold()].append(term)
    shared = {label: ts for label, ts in seen.items() if len(ts) > 1}
    assert not shared, f"terms sharing a {lang} label: {shared}"


def test_concepts_have_at_most_one_preferred_label_per_language(ontology, record):
    union = ontology + record
    counts = Counter(
        (s, o.language) for s, o in union.subject_objects(SKOS.prefLabel) if isinstance(o, Literal)
    )
    clashes = sorted(f"{s} ({lang})" for (s, lang), n in counts.items() if n > 1)
    assert not clashes, f"more than one skos:prefLabel in a language: {clashes}"


def test_every_concept_has_an_english_preferred_label(ontology, record):
    union = ontology + record
    missing = sorted(
        c
        for c in set(union.subjects(RDF.type, SKOS.Concept))
        if not any(o.language == "en" for o in union.objects(c, SKOS.prefLabel))
    )
    assert not missing, f"concepts without an English skos:prefLabel: {missing}"
