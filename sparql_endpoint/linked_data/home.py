"""The home page (what the dataset is, counts by kind, entry points, the paradigm model)
and ``/search?q=`` over labels in every language, as HTML or JSON."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
from flask import Blueprint, Response, abort, jsonify, render_template, request

from graph_loader.describe import search_query
from sparql_endpoint.context import service
from sparql_endpoint.linked_data import reader
from sparql_endpoint.linked_data.present import (
    Text,
    as_text,
    choose_language,
    local_name,
    local_path,
    pick,
    text_dir,
)
from sparql_endpoint.linked_data.study import layout, paradigm
from sparql_endpoint.negotiation import parse_accept

blueprint = Blueprint("home", __name__, template_folder="templates")

SEARCH_LIMIT = 200
MAX_QUERY_CHARS = 200

KINDS_QUERY = """SELECT ?prefix ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?type . FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix))
  BIND(STRBEFORE(CONCAT(SUBSTR(STR(?s), STRLEN(?prefix) + 1), "/"), "/") AS ?kind)
} GROUP BY ?prefix ?kind ORDER BY DESC(?n)"""
ENTRY_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?x ?l WHERE {
  { SELECT DISTINCT ?class ?x WHERE { ?x a ?class } ORDER BY ?x LIMIT 200 }
  OPTIONAL { ?x skos:prefLabel|rdfs:label ?l }
}"""
#: Entry points: the class whose instances each lists.
ENTRY_CLASSES = (
    ("consortia", "Consortium"),
    ("agreements", "Agreement"),
    ("studies", "Study"),
    ("institutions", "Institution"),
)


@blueprint.get("/")
def home() -> str:
    """What the dataset is, with counts, entry points and the paradigm model."""
    base = service().settings.base_iri
    lang = _lang()
    counts = [
        (row["kind"].value, int(row["n"].value))
        for row in reader.select(KINDS_QUERY, {"prefix": ox.Literal(base + "id/")})
        if row.get("kind") and row["kind"].value
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
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    bound = {"class": ox.NamedNode("https://w3id.org/lamcoop/ontology#" + cls)}
    for row in reader.select(ENTRY_QUERY, bound):
        bucket = labels[row["x"].value]
        if "l" in row:
            bucket.append(row["l"])  # type: ignore[arg-type]
    items = []
    for iri, lits in labels.items():
        lit = pick(lits, lang)
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
    base = service().settings.base_iri
    lang = _lang()
    results = _search(q, base, lang) if q else []
    if _wants_json():
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


def _wants_json() -> bool:
    if request.args.get("format") == "json":
        return True
    accept = parse_accept(request.headers.get("Accept"))
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json"


def _search(q: str, base: str, lang: str) -> list[tuple[str, str, Text, Text]]:
    """(IRI, local link, label in ``lang``, the label that matched) per entity."""
    hits: dict[str, ox.Literal] = {}
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in reader.select(search_query(SEARCH_LIMIT), {"q": ox.Literal(q)}):
        iri = row["x"].value
        hits.setdefault(iri, row["hit"])  # type: ignore[arg-type]
        if "l" in row:
            labels[iri].append(row["l"])  # type: ignore[arg-type]
    out = []
    for iri, hit in hits.items():
        lit = pick(labels[iri], lang) or hit
        out.append((iri, local_path(iri, base), as_text(lit), as_text(hit)))
    return sorted(out, key=lambda item: (len(item[3].value), item[2].value.lower()))
