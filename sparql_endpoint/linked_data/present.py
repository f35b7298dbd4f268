"""Presentation helpers the pages share: the reader's language, text in it, and links.

Pure functions: no request, no store. Which label to show is :func:`graph_loader.vocab.pick_label`.

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
>>> local_path("javascript:alert(7)", "https://w3id.org/lamcoop/")
''
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from babel import Locale, UnknownLocaleError
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from graph_loader.publish.dump import graph_file_stem
from graph_loader.safe_output import linkable
from graph_loader.vocab import DEFAULT_LANGUAGE, LAMC, normalise_language, same_language


def choose_language(param: str | None, accept_language: str | None) -> str:
    """``?lang=``, then the best of Accept-Language, then English."""
    if param and (chosen := normalise_language(param)):
        return chosen
    accept = parse_accept_header(accept_language or "", LanguageAccept)
    for tag, quality in sorted(accept, key=lambda item: -item[1]):
        if quality > 0 and (chosen := normalise_language(tag)):
            return chosen
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=1024)
def text_dir(tag: str | None) -> str:
    """``rtl`` for a language written right to left (by CLDR's character order, through
    Babel: Persian and Dari, Arabic, Hebrew, Urdu, Pashto, Uyghur, Sindhi, a language with
    the ``Arab`` script subtag...), else ``ltr``.

    >>> [text_dir(t) for t in ("fa", "prs-AF", "ug", "az-Arab", "az", "zh-hans", "", None)]
    ['rtl', 'rtl', 'rtl', 'rtl', 'ltr', 'ltr', 'ltr', 'ltr']
    """
    for candidate in (tag, normalise_language(tag or "")):
        try:
            locale = Locale.parse((candidate or "").replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
        return "rtl" if locale.character_order == "right-to-left" else "ltr"
    return "ltr"


def content_dir(value: object) -> str:
    """The direction of a text without a language, by its first strong letter, as HTML's
    ``dir="auto"`` decides (``ltr`` when it has none): for SVG text, which has no ``auto``.

    >>> content_dir("Lack of funding …"), content_dir("«کمبود منابع»"), content_dir("42 %")
    ('ltr', 'rtl', 'ltr')
    """
    for ch in str(value):
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "ltr"


def html_lang(tag: str | None) -> str:
    """A language tag as HTML writes it (``zh-hans`` -> ``zh-Hans``)."""
    if not tag:
        return ""
    return normalise_language(tag) or tag


@dataclass(frozen=True)
class Text:
    """A piece of text with its language and direction, and whether it is a translation."""

    value: str
    lang: str = ""
    translated: bool = False
    #: What a pointer over the text shows (a typed value's lexical form and datatype).
    title: str = ""

    @property
    def dir(self) -> str:
        return text_dir(self.lang) if self.lang else "auto"


def as_text(lit: ox.Literal, translated_langs: Iterable[str] = ()) -> Text:
    """A literal as :class:`Text`, marked translated when its language is among ``translated``."""
    tag = html_lang(lit.language)
    own = lit.language or ""
    marked = bool(own) and any(same_language(own, t) for t in translated_langs)
    return Text(lit.value, tag, marked)


def local_name(iri: str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``), for terms without a label."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or iri


def local_path(iri: str, base: str) -> str:
    """The path this server answers for ``iri`` when it lies under the base, else ``iri``
    when it is an http(s) IRI, else ``""``: the one place pages make link targets, and a page
    shows an IRI with no target as text, never as a link (``javascript:`` and the like).

    Graphs (``{base}graph/x``) lead to their Turtle dump.
    """
    ontology = str(LAMC)
    if iri.startswith(ontology):
        return "/ontology#" + iri[len(ontology) :]
    if iri.startswith(base):
        rest = iri[len(base) :]
        if rest.startswith("graph/") and "/" not in rest[6:]:
            return dump_path(iri, base)
        return "/" + rest
    return iri if linkable(iri) else ""


def dump_path(graph: str, base: str) -> str:
    """The path of ``graph``'s Turtle dump, named as the dumps name it (any graph, under the
    base or not: :func:`~graph_loader.publish.dump.graph_file_stem`)."""
    return f"/dumps/{graph_file_stem(graph, base_iri=base)}.ttl"


def bidi(value: object, lang: object = "", dir: object = "auto", title: object = "") -> Markup:
    """``value`` as an isolate with its own language and direction: the ``bidi`` of the
    pages' macros (``ld/macros.html``), made here because pages call it for every value
    and a Jinja macro call costs several times as much; the markup is the same.

    >>> str(bidi("a<b", "en", "ltr", title='"t"'))
    '<bdi lang="en" dir="ltr" title="&#34;t&#34;">a&lt;b</bdi>'
    >>> str(bidi(Markup("<i>x</i>")))
    '<bdi dir="auto"><i>x</i></bdi>'
    """
    attributes = f' lang="{_attribute(lang)}"' if lang else ""
    attributes += f' dir="{_attribute(dir)}"'
    if title:
        attributes += f' title="{escape(title)}"'
    return Markup(f"<bdi{attributes}>{escape(value)}</bdi>")


def _attribute(value: object) -> str:
    """``value`` for an attribute: a language tag or direction (letters, digits and
    hyphens, what nearly every call passes) as it is, anything else escaped. A page calls
    :func:`bidi` some thirty times, and each escape makes an object.

    >>> _attribute("zh-Hans"), str(_attribute('x" onclick="y'))
    ('zh-Hans', 'x&#34; onclick=&#34;y')
    """
    if isinstance(value, str) and value.isascii() and value.replace("-", "").isalnum():
        return value
    return escape(value)
