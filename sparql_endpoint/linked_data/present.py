"""Presentation helpers the pages share: the reader's language, labels in it, and links.

Pure functions: no request, no store.

>>> choose_language("fa", None)
'fa'
>>> choose_language(None, "zh-CN,zh;q=0.9,en;q=0.5")
'zh-Hans'
>>> choose_language("xx", "de")
'en'
>>> text_dir("fa"), text_dir("zh-hans")
('rtl', 'ltr')
>>> local_path("https://w3id.org/lamcoop/id/institution/calis", "https://w3id.org/lamcoop/")
'/id/institution/calis'
>>> local_path("https://w3id.org/lamcoop/ontology#Consortium", "https://w3id.org/lamcoop/")
'/ontology#Consortium'
>>> local_path("https://example.org/x", "https://w3id.org/lamcoop/")
'https://example.org/x'
>>> local_path("https://w3id.org/lamcoop/graph/seed-000", "https://w3id.org/lamcoop/")
'/dumps/seed-000.ttl'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: The languages the dataset labels things in, as pages name them.
LANGUAGES = ("en", "fa", "zh-Hans")
DEFAULT_LANGUAGE = "en"
_RTL = {"fa", "ar", "he", "ur", "ps", "ckb", "yi", "dv"}
_ALIASES = {"zh": "zh-Hans", "zh-hans": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans"}
ONTOLOGY_NS = "https://w3id.org/lamcoop/ontology#"


def normalise(tag: str) -> str | None:
    """One of :data:`LANGUAGES` for a language tag, or ``None``."""
    low = tag.strip().lower()
    if low in _ALIASES:
        return _ALIASES[low]
    primary = low.split("-", 1)[0]
    if primary in ("en", "fa"):
        return primary
    return _ALIASES.get(primary) if primary == "zh" else None


def choose_language(param: str | None, accept_language: str | None) -> str:
    """``?lang=``, then the best of Accept-Language, then English."""
    if param and (chosen := normalise(param)):
        return chosen
    accept = parse_accept_header(accept_language or "", LanguageAccept)
    for tag, quality in sorted(accept, key=lambda item: -item[1]):
        if quality > 0 and (chosen := normalise(tag)):
            return chosen
    return DEFAULT_LANGUAGE


def text_dir(tag: str | None) -> str:
    """``rtl`` for right-to-left scripts, else ``ltr``."""
    primary = (tag or "").lower().split("-", 1)[0]
    return "rtl" if primary in _RTL else "ltr"


def html_lang(tag: str | None) -> str:
    """A language tag as HTML writes it (``zh-hans`` -> ``zh-Hans``)."""
    if not tag:
        return ""
    return normalise(tag) or tag


@dataclass(frozen=True)
class Text:
    """A piece of text with its language and direction, and whether it is a translation."""

    value: str
    lang: str = ""
    translated: bool = False

    @property
    def dir(self) -> str:
        return text_dir(self.lang) if self.lang else "auto"


def pick(literals: Sequence[ox.Literal], lang: str) -> ox.Literal | None:
    """The literal in ``lang``, else English, else one without a tag, else the first."""
    if not literals:
        return None
    for wanted in (lang, DEFAULT_LANGUAGE, ""):
        for lit in literals:
            if _same(lit.language or "", wanted):
                return lit
    return literals[0]


def _same(tag: str, wanted: str) -> bool:
    if not wanted:
        return not tag
    return (normalise(tag) or tag.lower()) == (normalise(wanted) or wanted.lower())


def as_text(lit: ox.Literal, translated_langs: Iterable[str] = ()) -> Text:
    """A literal as :class:`Text`, marked translated when its language is among ``translated``."""
    language = lit.language or ""
    tag = html_lang(lit.language)
    marked = bool(language) and any(_same(language, t) for t in translated_langs)
    return Text(lit.value, tag, marked)


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``), for terms without a label."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or iri


def local_path(iri: str, base: str) -> str:
    """The path this server answers for ``iri`` when it lies under the base, else ``iri``.

    Graphs (``{base}graph/x``) lead to their Turtle dump.
    """
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS) :]
    if iri.startswith(base):
        rest = iri[len(base) :]
        if rest.startswith("graph/") and "/" not in rest[6:]:
            return f"/dumps/{rest[6:]}.ttl"
        return "/" + rest
    return iri
