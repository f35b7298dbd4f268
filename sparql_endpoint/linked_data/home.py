"""The home page (what the dataset is, counts by kind, entry points, the paradigm model)
and ``/search?q=`` over labels in every language, as HTML or JSON."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, jsonify, render_template, request

from graph_loader.describe import PAGE_LABELS, search_query
from graph_loader.vocab import LAMC, Labelled, label_values, pick_label, sparql_prefixes, text_of
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.present import (
    Text,
    as_text,
    choose_language,
    local_name,
    local_path,
    text_dir,
)
from sparql_endpoint.linked_data.study import layout, paradigm
from sparql_endpoint.negotiation import PAGE_OFFERS, negotiate

blueprint = Blueprint("home", __name__, template_folder="templates")

SEARCH_LIMIT = 200
MAX_QUERY_CHARS = 200

KINDS_QUERY = """SELECT ?prefix ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?type . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix))
  BIND(STRBEFORE(CONCAT(SUBSTR(STR(?s), STRLEN(?prefix) + 1), "/"), "/") AS ?kind)
} GROUP BY ?prefix ?kind ORDER BY DESC(?n)"""
ENTRY_QUERY = sparql_prefixes("skos", "rdfs") + (
    f"""SELECT ?class ?x ?lp ?l WHERE {{
  {{ SELECT DISTINCT ?class ?x WHERE {{ ?x a ?class }} ORDER BY ?x LIMIT 200 }}
  OPTIONAL {{ {label_values("lp", predicates=PAGE_LABELS)} ?x ?lp ?l }}
}}"""
)
#: Entry points: the class whose instances each lists.
ENTRY_CLASSES = (
    ("consortia", "Consortium"),
    ("agreements", "Agreement"),
    ("studies", "Study"),
    ("institutions", "Institution"),
)


@blueprint.get("/")
def home() -> str:
    """What the dataset is, with counts, entry points and the paradigm model (read in one
    block: one lock, one time limit, one version of the data)."""
    base = service().settings.base_iri
    lang = _lang()
    with reader.reading():
        counts = [
            (text_of(row["kind"]), int(text_of(row["n"])))
            for row in reader.select(KINDS_QUERY, {"prefix": ox.Literal(base + "id/")})
            if row.get("kind") and text_of(row["kind"])
        ]
        entries = {name: _instances(cls, base, lang) for name, cls in ENTRY_CLASSES}
        roles = paradigm(reader.select, base, lang)
    return render_template(
        "ld/home.html",
        lang=lang,
        dir=text_dir(lang),
        counts=counts,
        entries=entries,
        diagram=layout(roles) if roles else None,
    )


def _instances(cls: str, base: str, lang: str, limit: int = 60) -> list[tuple[str, Text]]:
    """(local link, label) of instances of ``lamc:{cls}``, sorted by label."""
    labels: dict[str, list[Labelled]] = defaultdict(list)
    for row in reader.select(ENTRY_QUERY, {"class": LAMC[cls]}):
        bucket = labels[text_of(row["x"])]
        if isinstance(label := row.get("l"), ox.Literal):
            bucket.append((text_of(row["lp"]), label))
    items = []
    for iri, lits in labels.items():
        lit = pick_label(lits, lang=lang)
        items.append((local_path(iri, base), as_text(lit) if lit else Text(local_name(iri))))
    return sorted(items, key=lambda item: item[1].value.lower())[:limit]


def _lang() -> str:
    return choose_language(request.args.get("lang"), request.headers.get("Accept-Language"))


@blueprint.get("/search")
def search() -> Response | str:
    """Entities whose labels contain ``q`` (case-insensitive, any language)."""
    q = request.args.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        abort(400, f"q is longer than {MAX_QUERY_CHARS} characters")
    as_json = negotiate(request, PAGE_OFFERS, what="the search") == "json"
    base = service().settings.base_iri
    lang = _lang()
    results = _search(q, base, lang) if q else []
    if as_json:
        return jsonify(
            {
                "q": q,
                "results": [
                    {"iri": iri, "href": href, "label": t.value, "lang": t.lang, "matched": m.value}
                    for iri, href, t, m in results
                ],
            }
        )
    return render_template("ld/search.html", lang=lang, dir=text_dir(lang), q=q, results=results)


def _search(q: str, base: str, lang: str) -> list[tuple[str, str, Text, Text]]:
    """(IRI, local link, label in ``lang``, the label that matched) per entity."""
    hits: dict[str, ox.Literal] = {}
    labels: dict[str, list[Labelled]] = defaultdict(list)
    for row in reader.select(search_query(SEARCH_LIMIT), {"q": ox.Literal(q)}):
        iri = text_of(row["x"])
        if isinstance(hit := row["hit"], ox.Literal):
            hits.setdefault(iri, hit)
        if isinstance(label := row.get("l"), ox.Literal):
            labels[iri].append((text_of(row["lp"]), label))
    out = []
    for iri, hit in hits.items():
        lit = pick_label(labels[iri], lang=lang) or hit
        out.append((iri, local_path(iri, base), as_text(lit), as_text(hit)))
    return sorted(out, key=lambda item: (len(item[3].value), item[2].value.lower()))
