"""The query mix of ``bench/http.py``: five kinds of query over the synthetic data.

Each kind is a template filled from a seeded random sequence (the same run, the same
queries), so no two consecutive requests ask quite the same thing:

* ``lookup``: every statement about one institution (a bound IRI);
* ``join``: one consortium's memberships joined to the members' labels and founding years,
  filtered on role, language and year;
* ``aggregate``: one consortium's members grouped by city (COUNT, MIN);
* ``optional``: one consortium's members with their English label and, where there is one,
  their Persian label;
* ``path``: the cities of the parties and coordinators of the agreements governing one
  consortium (inverse, alternative and sequence paths).

:func:`solutions` reads a SPARQL JSON result into a comparable form.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

BASE = "https://w3id.org/lamcoop/"
PREFIXES = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: How many consortia and institutions the data holds (each query picks one).
COUNT_QUERY = PREFIXES + (
    "SELECT (COUNT(DISTINCT ?c) AS ?consortia) (COUNT(DISTINCT ?i) AS ?institutions) "
    "WHERE { { ?c lamc:memberCount ?n } UNION { ?i lamc:isil ?isil } }"
)


@dataclass(frozen=True)
class Sizes:
    """How many consortia and institutions queries may name."""

    consortia: int
    institutions: int


@dataclass(frozen=True)
class Query:
    """One request of the mix: its kind and its SPARQL text."""

    kind: str
    text: str


def _institution(n: int) -> str:
    return f"<{BASE}id/institution/inst-{n:07d}>"


def _consortium(n: int) -> str:
    return f"<{BASE}id/institution/consortium-{n:06d}>"


def lookup(rng: random.Random, sizes: Sizes) -> str:
    """Every statement about one institution."""
    return f"SELECT ?p ?o WHERE {{ {_institution(rng.randrange(sizes.institutions))} ?p ?o }}"


def join(rng: random.Random, sizes: Sizes) -> str:
    """Memberships of one consortium joined to members, filtered."""
    c = _consortium(rng.randrange(sizes.consortia))
    return PREFIXES + (
        f"SELECT ?inst ?label ?year WHERE {{ ?m org:organization {c} ; org:member ?inst ; "
        "org:role ?role . ?inst skos:prefLabel ?label ; lamc:foundedOn ?year . "
        'FILTER(?role != lamc:MemberRole && lang(?label) = "en" '
        '&& ?year >= "1950"^^xsd:gYear) }'
    )


def aggregate(rng: random.Random, sizes: Sizes) -> str:
    """One consortium's members grouped by city."""
    c = _consortium(rng.randrange(sizes.consortia))
    return PREFIXES + (
        "SELECT ?city (COUNT(?inst) AS ?members) (MIN(?year) AS ?oldest) WHERE { "
        f"{c} org:hasMember ?inst . ?inst schema:address/schema:addressLocality ?city ; "
        "lamc:foundedOn ?year } GROUP BY ?city ORDER BY DESC(?members) ?city"
    )


def optional(rng: random.Random, sizes: Sizes) -> str:
    """One consortium's members with an English and, if any, a Persian label."""
    c = _consortium(rng.randrange(sizes.consortia))
    return PREFIXES + (
        f"SELECT ?inst ?en ?fa WHERE {{ {c} org:hasMember ?inst . ?inst skos:prefLabel ?en . "
        'FILTER(lang(?en) = "en") OPTIONAL { ?inst skos:prefLabel ?fa '
        'FILTER(lang(?fa) = "fa") } }'
    )


def path(rng: random.Random, sizes: Sizes) -> str:
    """Cities of the parties and coordinators of one consortium's agreements."""
    c = _consortium(rng.randrange(sizes.consortia))
    return PREFIXES + (
        f"SELECT DISTINCT ?city WHERE {{ {c} ^lamc:governs/(lamc:party|lamc:coordinator)/"
        "schema:address/schema:addressLocality ?city } ORDER BY ?city"
    )


TEMPLATES: dict[str, Callable[[random.Random, Sizes], str]] = {
    "lookup": lookup,
    "join": join,
    "aggregate": aggregate,
    "optional": optional,
    "path": path,
}


def mix(sizes: Sizes, count: int, *, seed: int = 7) -> list[Query]:
    """``count`` queries, the kinds in turn, parameters from a seeded sequence."""
    rng = random.Random(seed)
    kinds = list(TEMPLATES)
    return [
        Query(kinds[i % len(kinds)], TEMPLATES[kinds[i % len(kinds)]](rng, sizes))
        for i in range(count)
    ]


def solutions(result: dict) -> tuple[tuple[str, ...], list[tuple]]:
    """The variables and the sorted solutions of a SPARQL JSON result (blank nodes blanked)."""
    variables = tuple(result["head"]["vars"])
    rows = []
    for binding in result["results"]["bindings"]:
        rows.append(tuple(_term(binding.get(v)) for v in variables))
    return variables, sorted(rows)


def _term(term: dict | None) -> tuple:
    if term is None:
        return ()
    if term["type"] == "bnode":
        return ("bnode",)
    return (term["type"], term["value"], term.get("xml:lang", ""), term.get("datatype", ""))
