"""The vocabularies lamcoop speaks: namespaces, prefixes, and which label to show.

Every module names RDF terms through the namespaces here, serialises with :data:`PREFIXES`
and starts its SPARQL with :data:`SPARQL_PREFIXES` (or :func:`sparql_prefixes` for a few),
so a prefix means one namespace everywhere. :func:`pick_label` is the one rule for which of
a thing's labels a reader sees, on pages and in audit reports alike.

>>> LAMC.Library
<NamedNode value=https://w3id.org/lamcoop/ontology#Library>
>>> DCTERMS["title"].value
'http://purl.org/dc/terms/title'
>>> RDF + "type"
'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'
>>> PREFIXES["lamc"] == str(LAMC)
True
>>> print(sparql_prefixes("skos", "lamc"))
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import pyoxigraph as ox

#: An RDF term as pyoxigraph gives it (RDF 1.2 triple terms included).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def text_of(term: Term) -> str:
    """An IRI, blank node label or literal's lexical form; a triple term in N-Triples.

    >>> text_of(ox.NamedNode("http://a")), text_of(ox.Literal("x", language="en"))
    ('http://a', 'x')
    """
    return str(term) if isinstance(term, ox.Triple) else term.value


class Namespace:
    """An IRI prefix. ``NS.term`` and ``NS["term"]`` are the term as a NamedNode;
    ``NS + "term"`` is its IRI as text and ``str(NS)`` the namespace IRI itself.

    >>> SKOS.prefLabel.value, str(SKOS)
    ('http://www.w3.org/2004/02/skos/core#prefLabel', 'http://www.w3.org/2004/02/skos/core#')
    """

    __slots__ = ("_iri",)
    _iri: str

    def __init__(self, iri: str):
        object.__setattr__(self, "_iri", iri)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Namespace is read-only")

    def __getattr__(self, name: str) -> ox.NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return ox.NamedNode(self._iri + name)

    def __getitem__(self, name: str) -> ox.NamedNode:
        return ox.NamedNode(self._iri + name)

    def __add__(self, name: str) -> str:
        return self._iri + name

    def __str__(self) -> str:
        return self._iri

    def __repr__(self) -> str:
        return f"Namespace({self._iri!r})"


RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = Namespace("https://schema.org/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
VANN = Namespace("http://purl.org/vocab/vann/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: The lamcoop ontology.
LAMC = Namespace("https://w3id.org/lamcoop/ontology#")

#: Prefix -> namespace IRI, for Turtle, TriG and RDF/XML output and for SPARQL headers.
PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        name: str(ns)
        for name, ns in (
            ("rdf", RDF),
            ("rdfs", RDFS),
            ("owl", OWL),
            ("xsd", XSD),
            ("skos", SKOS),
            ("dcterms", DCTERMS),
            ("org", ORG),
            ("prov", PROV),
            ("sh", SH),
            ("schema", SCHEMA),
            ("geo", GEO),
            ("dcat", DCAT),
            ("void", VOID),
            ("spdx", SPDX),
            ("frapo", FRAPO),
            ("foaf", FOAF),
            ("hydra", HYDRA),
            ("vann", VANN),
            ("sd", SD),
            ("lamc", LAMC),
        )
    }
)


def sparql_prefixes(*names: str) -> str:
    """SPARQL ``PREFIX`` lines for ``names`` (every prefix of :data:`PREFIXES` when none)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in chosen)


#: Every prefix of :data:`PREFIXES`, declared for SPARQL.
SPARQL_PREFIXES = sparql_prefixes()

# -- the label rule ----------------------------------------------------------------------

#: The languages the dataset labels things in, as pages name them.
LANGUAGES = ("en", "fa", "zh-Hans")
DEFAULT_LANGUAGE = "en"
_LANGUAGE_ALIASES = MappingProxyType(
    {"zh": "zh-Hans", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans"}
)
#: Label predicates, most preferred first. Pages read the first two; audits all three.
LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", DCTERMS + "title")


#: Persian and its written varieties (ISO 639-3): Iranian Persian and Dari.
_PERSIAN = ("fa", "pes", "prs")


def normalise_language(tag: str) -> str | None:
    """One of :data:`LANGUAGES` for a language tag, or ``None``.

    Persian is the macrolanguage ``fa`` and its two written varieties, Iranian Persian
    (``pes``) and Dari (``prs``, which Windows sends in Afghanistan as ``prs-AF``): one
    script, one page.

    >>> normalise_language("zh-CN"), normalise_language("en-GB"), normalise_language("de")
    ('zh-Hans', 'en', None)
    >>> normalise_language("prs-AF"), normalise_language("pes"), normalise_language("ps")
    ('fa', 'fa', None)
    """
    low = tag.strip().lower()
    if low in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[low]
    primary = low.split("-", 1)[0]
    if primary in _PERSIAN:
        return "fa"
    if primary == "en":
        return primary
    return _LANGUAGE_ALIASES.get(primary) if primary == "zh" else None


def same_language(tag: str, wanted: str) -> bool:
    """Whether ``tag`` is the language ``wanted`` names (``""``: no tag at all).

    >>> same_language("zh-hans", "zh-CN"), same_language("", ""), same_language("en", "")
    (True, True, False)
    """
    if not wanted:
        return not tag
    return (normalise_language(tag) or tag.lower()) == (
        normalise_language(wanted) or wanted.lower()
    )


Labelled = ox.Literal | tuple[str, ox.Literal]


def pick_label(labels: Iterable[Labelled], *, lang: str = DEFAULT_LANGUAGE) -> ox.Literal | None:
    """The label a reader of ``lang`` sees, or ``None`` when there is none.

    ``labels`` are literals, or (predicate IRI, literal) pairs where the predicate is known.
    The rule, in order: a label in the reader's language, then in English, then one without
    a language tag, then any other (by tag); among those, ``skos:prefLabel`` before
    ``rdfs:label`` before ``dcterms:title`` before any other predicate; then the first text
    in code-point order, so the choice never depends on the order rows came in. Tags compare
    as pages name languages (``zh-CN`` is ``zh-Hans``, ``en-GB`` is ``en``).

    >>> fa, en, bare = ox.Literal("کتابخانه", language="fa"), ox.Literal("Library",
    ...     language="en"), ox.Literal("library")
    >>> pick_label([bare, en, fa], lang="fa").value
    'کتابخانه'
    >>> pick_label([bare, en, fa], lang="zh-Hans").value
    'Library'
    >>> pick_label([bare, ox.Literal("图书馆", language="zh-CN")], lang="zh-Hans").language
    'zh-cn'
    >>> pick_label([ox.Literal("B", language="de"), bare]).value
    'library'
    >>> pick_label([(RDFS + "label", ox.Literal("A", language="en")),
    ...             (SKOS + "prefLabel", ox.Literal("Z", language="en"))]).value
    'Z'
    >>> pick_label([]) is None
    True
    """
    ranked = [_rank(label, lang) for label in labels]
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def _rank(label: Labelled, lang: str) -> tuple[tuple[int, int, str, str, str], ox.Literal]:
    predicate, literal = label if isinstance(label, tuple) else ("", label)
    tag = literal.language or ""
    tier = next(
        (i for i, wanted in enumerate((lang, DEFAULT_LANGUAGE, "")) if same_language(tag, wanted)),
        3,
    )
    by_predicate = (
        LABEL_PREDICATES.index(predicate)
        if predicate in LABEL_PREDICATES
        else len(LABEL_PREDICATES)
    )
    other = tag.lower() if tier == 3 else ""
    return (tier, by_predicate, other, literal.value, tag), literal


def each_language(labels: Iterable[Labelled]) -> tuple[ox.Literal, ...]:
    """The labels readers of each of :data:`LANGUAGES` see (:func:`pick_label`), each once,
    in the order of the languages: what keeps a thing's name for every reader.

    >>> fa, en = ox.Literal("کتابخانه", language="fa"), ox.Literal("Library", language="en")
    >>> [label.value for label in each_language([en, fa, ox.Literal("B", language="de")])]
    ['Library', 'کتابخانه']
    """
    every = list(labels)
    picked = (pick_label(every, lang=lang) for lang in LANGUAGES)
    return tuple(dict.fromkeys(label for label in picked if label is not None))


def label_texts(
    rows: Iterable[tuple[str, Labelled | None]], *, lang: str = DEFAULT_LANGUAGE
) -> dict[str, str | None]:
    """IRI -> the text of its label by :func:`pick_label` (``None`` for a row with no label).

    Every IRI of ``rows`` is kept, so things without a label still appear.

    >>> label_texts([("x", None), ("y", ox.Literal("Y")), ("y", ox.Literal("Why", language="en"))])
    {'x': None, 'y': 'Why'}
    """
    found: dict[str, list[Labelled]] = {}
    for iri, label in rows:
        bucket = found.setdefault(iri, [])
        if label is not None:
            bucket.append(label)
    return {iri: _text(pick_label(labels, lang=lang)) for iri, labels in found.items()}


def _text(literal: ox.Literal | None) -> str | None:
    return None if literal is None else literal.value


def label_values(var: str, *, predicates: Iterable[str] = LABEL_PREDICATES) -> str:
    """A SPARQL ``VALUES`` clause binding ``?var`` to label predicates (all by default), so a
    query returns which predicate each label comes by, for :func:`pick_label`.

    >>> label_values("lp", predicates=LABEL_PREDICATES[:1])
    'VALUES ?lp { <http://www.w3.org/2004/02/skos/core#prefLabel> }'
    """
    return f"VALUES ?{var} {{ {' '.join(f'<{p}>' for p in predicates)} }}"


def label_filter(var: str, *, predicates: Iterable[str] = LABEL_PREDICATES) -> str:
    """A SPARQL ``FILTER`` keeping ``?var`` to label predicates: the form to use when the
    subjects come from another pattern, since with :func:`label_values` the engine may start
    from every label of the store and join afterwards.

    >>> label_filter("lp", predicates=LABEL_PREDICATES[:1])
    'FILTER(?lp IN (<http://www.w3.org/2004/02/skos/core#prefLabel>))'
    """
    return f"FILTER(?{var} IN ({', '.join(f'<{p}>' for p in predicates)}))"
