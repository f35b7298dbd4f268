"""What one agreement states for each component, in words a reader knows, and where the
challenges its gaps expose come from: for the per-agreement audit page and its exports.

A value is shown by its own text: a literal as written, a thing (a party, a standard, a
provision) by its label in the reader's language, a provision without a label by its
``lamc:text``; only a thing with neither is shown by its IRI. Both reads look at one
agreement and at the few challenges of its gaps, never at the whole store.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from graph_loader.audit.model import Component
from graph_loader.store import ReadableStore
from graph_loader.vocab import (
    DEFAULT_LANGUAGE,
    LABEL_PREDICATES,
    LAMC,
    label_filter,
    pick_label,
    sparql_prefixes,
)

_PREFIXES = sparql_prefixes("lamc", "skos", "dcterms")
#: Labels first (the one label rule), then a provision's text.
_TEXTS = (*LABEL_PREDICATES, LAMC + "text")
# Every statement of the agreement (a few dozen), kept to the profile's paths here: IRIs
# go to queries as bound values, never into their text.
_VALUES = f"""SELECT ?a ?p ?v ?lp ?label WHERE {{ ?a ?p ?v .
  OPTIONAL {{ FILTER(!isLiteral(?v)) ?v ?lp ?label .
    {label_filter("lp", predicates=_TEXTS)} }} }}"""
_NOTES = f"""SELECT ?c ?what ?x ?lp ?label WHERE {{
  {{ ?c skos:broader ?x BIND("category" AS ?what) }}
  UNION {{ ?c dcterms:source ?x BIND("source" AS ?what) }}
  OPTIONAL {{ ?x ?lp ?label . {label_filter("lp")} }} }}"""


def stated(
    store: ReadableStore, agreement: str, components: list[Component], *, lang: str
) -> dict[str, list[dict[str, str]]]:
    """Component id -> what ``agreement`` states for it: ``{"property", "value", "text",
    "kind", "lang", "datatype"}`` each (``value`` the IRI or lexical form; ``text`` what a
    reader is shown; ``kind`` ``iri``, ``literal`` or ``blank``; ``lang`` the language tag of
    the text shown, ``""`` for none; ``datatype`` a literal's datatype IRI, else ``""``)."""
    paths = {p for c in components for p in c.paths}
    texts: dict[tuple[str, Any], list[Any]] = defaultdict(list)
    bound = {ox.Variable("a"): ox.NamedNode(agreement)}
    for row in store.query(_PREFIXES + _VALUES, substitutions=bound):
        if row["p"].value not in paths:
            continue
        bucket = texts[(row["p"].value, row["v"])]
        if row["label"] is not None:
            bucket.append((row["lp"].value, row["label"]))
    found: dict[str, list[dict[str, str]]] = {}
    for component in components:
        values = [
            {"property": p, "value": _lexical(v), **_shown(v, labels, lang)}
            for (p, v), labels in texts.items()
            if p in component.paths
        ]
        if values:
            found[component.id] = sorted(values, key=lambda x: (x["property"], x["text"]))
    return found


def challenge_notes(
    store: ReadableStore, challenges: list[str], *, lang: str = DEFAULT_LANGUAGE
) -> dict[str, dict[str, Any]]:
    """Challenge IRI -> its category (``skos:broader``) and its citation in the study
    (``dcterms:source``, the table or section), each ``{"iri", "label"}``."""
    labels: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    rows = (
        row
        for c in sorted(set(challenges))
        for row in store.query(
            _PREFIXES + _NOTES, substitutions={ox.Variable("c"): ox.NamedNode(c)}
        )
    )
    for row in rows:
        if not isinstance(row["x"], ox.NamedNode):
            continue
        bucket = labels[(row["c"].value, row["what"].value, row["x"].value)]
        if row["label"] is not None:
            bucket.append((row["lp"].value, row["label"]))
    notes: dict[str, dict[str, Any]] = {c: {"category": [], "source": []} for c in challenges}
    for (c, what, x), found in sorted(labels.items()):
        label = pick_label(found, lang=lang)
        notes[c][what].append({"iri": x, "label": None if label is None else label.value})
    return notes


def _lexical(term: Any) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _shown(term: Any, labels: list[Any], lang: str) -> dict[str, str]:
    """What a reader is shown of ``term``: its text, kind, language and datatype."""
    kind = "iri" if isinstance(term, ox.NamedNode) else "blank"
    if isinstance(term, ox.Literal):
        datatype = "" if term.language else term.datatype.value
        return _said(term.value, "literal", term.language or "", datatype)
    label = pick_label(labels, lang=lang)
    if label is not None:
        return _said(label.value, kind, label.language or "", "")
    return _said(term.value if kind == "iri" else "", kind, "", "")


def _said(text: str, kind: str, lang: str, datatype: str) -> dict[str, str]:
    return {"text": text, "kind": kind, "lang": lang, "datatype": datatype}
