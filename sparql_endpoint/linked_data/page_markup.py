"""The markup of parts pages share: the links to a page in the three languages, a
language's name in the reader's language, and an entity document's links to its formats.

These were the macros ``languages`` and ``language_name`` of ``ld/macros.html`` and two
loops of ``ld/entity.html``. An entity page shows them all, and a Jinja macro, a loop or
an import of the macros costs more than its markup (about 50 µs of the 300 µs of an
entity page's template, 2026-12-07), so they are made here; ``ld/macros.html`` binds them by
their old names and the markup is the same. Interface words come from the template's own
``_`` in the reader's language and are marked with ``N_`` for ``make translations``.

>>> from jinja2 import Environment
>>> env = Environment(autoescape=True)
>>> env.globals.update(page_globals())
>>> env.globals["_"] = lambda text: Markup(text)  # as the i18n extension's newstyle ``_``
>>> print(env.from_string("{{ languages_markup() }}").render())
<bdi class="label read-in">Read in:</bdi>
<a href="?lang=en" hreflang="en" lang="en" dir="ltr">English</a> ·
<a href="?lang=fa" hreflang="fa" lang="fa" dir="rtl">فارسی</a> ·
<a href="?lang=zh-Hans" hreflang="zh-Hans" lang="zh-Hans" dir="ltr">中文</a>
>>> names = "{{ language_name_markup('fa') }} {{ language_name_markup('x<') }}"
>>> print(env.from_string(names).render())
Persian <bdi dir="ltr">x&lt;</bdi>
>>> formats = [DocFormat("ttl", "text/turtle", None), DocFormat("html", "text/html", None)]
>>> format_links("a&b", formats)
Markup('<a href="/doc/a&amp;b.ttl" type="text/turtle" class="format" dir="ltr">ttl</a> ')
>>> print(alternate_links("a&b", formats))
<BLANKLINE>
<link rel="alternate" type="text/turtle" href="/doc/a&amp;b.ttl">
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from sparql_endpoint.linked_data.documents import DocFormat
from sparql_endpoint.refusals import N_

#: The words before the links to the page in each language.
READ_IN = N_("Read in:")
#: The languages of the interface, named in the reader's language (``_`` translates them).
LANGUAGE_NAMES = {
    "en": N_("English"),
    "fa": N_("Persian"),
    "zh-Hans": N_("Chinese (Simplified)"),
}
#: Each language of the interface named in itself, with its tag and direction.
_IN_ITSELF = (("en", "ltr", "English"), ("fa", "rtl", "فارسی"), ("zh-Hans", "ltr", "中文"))


@pass_context
def languages_markup(context: Context, query: str = "") -> Markup:
    """The links to this page in the three languages, each language named in itself;
    ``query`` is what follows ``?lang=…`` in each link (already escaped for HTML)."""
    words = escape(context.call(context.resolve("_"), READ_IN))
    links = " ·\n".join(
        f'<a href="?lang={tag}{escape(query)}" hreflang="{tag}" lang="{tag}" dir="{way}">{name}</a>'
        for tag, way, name in _IN_ITSELF
    )
    return Markup(f'<bdi class="label read-in">{words}</bdi>\n{links}')


@pass_context
def language_name_markup(context: Context, tag: str) -> Markup:
    """A language tag as the reader names the language; another tag as it is."""
    name = LANGUAGE_NAMES.get(tag)
    if name is None:
        return Markup(f'<bdi dir="ltr">{escape(tag)}</bdi>')
    return escape(context.call(context.resolve("_"), name))


def format_links(stem: str, formats: Iterable[DocFormat]) -> Markup:
    """The links to an entity's document in each RDF format (every format but HTML), each
    followed by a space."""
    path = escape(stem)
    return Markup(
        "".join(
            f'<a href="/doc/{path}.{f.extension}" type="{f.media_type}" class="format"'
            f' dir="ltr">{f.extension}</a> '
            for f in formats
            if f.extension != "html"
        )
    )


def alternate_links(stem: str, formats: Iterable[DocFormat]) -> Markup:
    """The ``<link rel="alternate">`` of an entity page's head, one per RDF format, each on
    its own line."""
    path = escape(stem)
    return Markup(
        "".join(
            f'\n<link rel="alternate" type="{f.media_type}" href="/doc/{path}.{f.extension}">'
            for f in formats
            if f.extension != "html"
        )
    )


def page_globals() -> dict[str, Any]:
    """The functions templates call by these names (``ld/macros.html`` binds the first two
    to ``languages`` and ``language_name``)."""
    return {
        "languages_markup": languages_markup,
        "language_name_markup": language_name_markup,
        "format_links": format_links,
        "alternate_links": alternate_links,
    }
