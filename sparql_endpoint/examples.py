"""Example queries the editor offers: researchers' questions about the dataset of record,
their labels in the reader's language.

They use only the terms fixed in ``docs/vocabulary.md``; a test runs each one against the
built store.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph_loader.vocab import DEFAULT_LANGUAGE, sparql_prefixes

#: The prefixes every example declares (a few, so the editor shows short queries).
PREFIXES = sparql_prefixes("lamc", "org", "skos", "dcterms")


def N_(text: str) -> str:
    """Mark ``text`` as interface text for the catalogues (``make translations`` extracts it);
    the page shows it through ``_()`` in the reader's language."""
    return text


#: Where an example's query names the reader's language (labels picked for the reader).
READER = '"READER"'


@dataclass(frozen=True)
class Example:
    """A named question and the query that answers it, labels in the reader's language
    (:data:`READER` in ``text`` stands for it).

    >>> example = Example("x", 'SELECT * { ?s ?p ?l FILTER(langMatches(LANG(?l), "READER")) }')
    >>> example.query_in("fa")
    'SELECT * { ?s ?p ?l FILTER(langMatches(LANG(?l), "fa")) }'
    >>> example.query == example.query_in("en")
    True
    """

    name: str
    text: str

    @property
    def query(self) -> str:
        """The query with its labels in English."""
        return self.query_in(DEFAULT_LANGUAGE)

    def query_in(self, lang: str) -> str:
        """The query for a reader of ``lang`` (one of the pages' language tags)."""
        return self.text.replace(READER, f'"{lang}"')


def _q(body: str) -> str:
    return PREFIXES + body.strip() + "\n"


EXAMPLES: tuple[Example, ...] = (
    Example(
        N_("Which cooperation codes did the Iranian study find most often?"),
        _q("""
SELECT ?code ?label ?frequency WHERE {
  ?code skos:inScheme ?scheme ; lamc:frequency ?frequency ; skos:prefLabel ?label .
  FILTER (STRENDS(STR(?scheme), "/id/scheme/lam-study-codes"))
  FILTER (langMatches(LANG(?label), "READER"))
}
ORDER BY DESC(?frequency) LIMIT 20"""),
    ),
    Example(
        N_("Which codes fill each role of the study's paradigm model?"),
        _q("""
# Figure 1 as printed: its 25 boxes, each role once (ordered as the model numbers them).
SELECT ?role (COUNT(DISTINCT ?code) AS ?codes) (GROUP_CONCAT(?label; separator=" | ") AS ?labels)
WHERE {
  ?code skos:inScheme ?scheme ; lamc:paradigmRole ?r ; dcterms:source ?figure ;
        skos:prefLabel ?label .
  FILTER (STRENDS(STR(?scheme), "/id/scheme/lam-study-selective-codes"))
  FILTER (STRENDS(STR(?figure), "/figure-1"))
  ?r skos:prefLabel ?role ; skos:notation ?number .
  FILTER (langMatches(LANG(?label), "READER") && langMatches(LANG(?role), "READER"))
}
GROUP BY ?role ?number ORDER BY ?number"""),
    ),
    Example(
        N_("Which consortia are there, and how many members does each have?"),
        _q("""
SELECT ?consortium ?name (COUNT(DISTINCT ?member) AS ?namedMembers) (MAX(?count) AS ?statedMembers)
WHERE {
  ?consortium a lamc:Consortium .
  OPTIONAL { ?consortium skos:prefLabel ?name FILTER (langMatches(LANG(?name), "READER")) }
  OPTIONAL { ?consortium org:hasMember ?member }
  OPTIONAL { ?consortium lamc:memberCount ?count }
}
GROUP BY ?consortium ?name ORDER BY DESC(?namedMembers)"""),
    ),
    Example(
        N_("Which agreements say nothing about data protection or evaluation?"),
        _q("""
SELECT ?agreement ?missing WHERE {
  ?agreement a lamc:Agreement .
  { FILTER NOT EXISTS { ?agreement lamc:dataProtectionProvision ?p }
    BIND ("data protection" AS ?missing) }
  UNION
  { FILTER NOT EXISTS { ?agreement lamc:evaluationProvision ?e }
    BIND ("evaluation" AS ?missing) }
}
ORDER BY ?agreement"""),
    ),
    Example(
        N_("What challenges of social media do libraries face (in English and Persian)?"),
        _q("""
SELECT ?challenge ?en ?fa WHERE {
  ?challenge skos:inScheme ?scheme .
  FILTER (STRENDS(STR(?scheme), "/id/scheme/social-media-challenges"))
  OPTIONAL { ?challenge skos:prefLabel ?en FILTER (langMatches(LANG(?en), "en")) }
  OPTIONAL { ?challenge skos:prefLabel ?fa FILTER (langMatches(LANG(?fa), "fa")) }
}"""),
    ),
    Example(
        N_("Which facts come from which section of which source document?"),
        _q("""
SELECT ?section ?document (COUNT(?entity) AS ?entities) WHERE {
  ?entity dcterms:source ?section .
  OPTIONAL { ?section dcterms:isPartOf ?document }
}
GROUP BY ?section ?document ORDER BY DESC(?entities) LIMIT 50"""),
    ),
    Example(
        N_("How many triples does each named graph hold?"),
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } }\n"
        "GROUP BY ?graph ORDER BY DESC(?triples)\n",
    ),
)
