"""The interface's own words in the reader's language: Jinja's i18n extension over Babel
message catalogues (``sparql_endpoint/translations/<locale>/LC_MESSAGES/messages.po``).

Templates write ``{{ _("Labels") }}`` (or ``{% trans %}``); the words come out in the
language of the request (``?lang=``, else Accept-Language, see
:func:`~sparql_endpoint.linked_data.request_args.reader_language`). The catalogues are read
once, when the app is made; a language without a catalogue reads English. Templates also get
the filters ``number`` and ``percent``, which write figures as the reader does
(:mod:`sparql_endpoint.reader_formats`: Persian digits for a Persian reader). Python code
marks its page text with :func:`gettext` (or ``N_`` where the text is shown later).
``make translations`` extracts every message (``babel.cfg``) and updates the catalogues.

>>> catalogues = Catalogues.read(TRANSLATIONS)
>>> catalogues.get("en").gettext("Labels")
'Labels'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from graph_loader.vocab import DEFAULT_LANGUAGE
from sparql_endpoint import reader_formats
from sparql_endpoint.linked_data import page_markup, value_markup
from sparql_endpoint.linked_data.present import bidi
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.refusals import Said

#: Where the catalogues live, one folder per locale (Babel's layout).
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

#: The language tags lamcoop serves, by the locale their catalogue is filed under.
LOCALES = {"fa": "fa", "zh-Hans": "zh_Hans"}


@dataclass(frozen=True)
class Catalogues:
    """Every catalogue, by language tag; read once, shared by every request."""

    by_language: dict[str, Translations] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> Catalogues:
        """Read each locale's ``messages.po`` (compiled in memory, so no ``.mo`` is kept)."""
        found: dict[str, Translations] = {}
        for tag, locale in LOCALES.items():
            po = folder / locale / "LC_MESSAGES" / "messages.po"
            if po.is_file():
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=locale)
                compiled = BytesIO()
                write_mo(compiled, catalog)
                compiled.seek(0)
                found[tag] = Translations(compiled)
        return cls(found)

    def get(self, language: str) -> NullTranslations:
        """The catalogue for ``language``; English (the source text) when there is none."""
        return self.by_language.get(language) or NullTranslations()


#: The most words of one language kept made (the templates' own are a few hundred).
KEPT_WORDS = 4096
#: The template variable holding the request's :class:`Words` (see :func:`install`), and
#: the app's extension holding each language's.
WORDS = "interface_words"


@dataclass(frozen=True)
class Words:
    """One language's interface words as templates write them (Jinja's "newstyle"
    gettext: the translation is markup, then filled with its escaped ``%(name)s``
    values). The words a page repeats without values are kept once made.

    >>> words = Words(NullTranslations())
    >>> words.gettext("50%% <b>", {}, autoescape=True)
    Markup('50% <b>')
    >>> words.ngettext("%(num)s file", "%(num)s files", 2, {}, autoescape=True)
    Markup('2 files')
    >>> words.gettext("matched %(text)s", {"text": "<i>"}, autoescape=True)
    Markup('matched &lt;i&gt;')
    """

    translations: NullTranslations
    made: dict[str, Markup] = field(default_factory=dict)

    def gettext(self, text: str, variables: dict[str, Any], *, autoescape: bool) -> str:
        """``text`` translated, filled with ``variables``."""
        if not autoescape:
            return self.translations.gettext(text) % variables
        if variables:
            return Markup(self.translations.gettext(text)) % variables
        found = self.made.get(text)
        if found is None:
            found = Markup(self.translations.gettext(text)) % variables
            if len(self.made) < KEPT_WORDS:  # a text made of a request's data is not kept
                self.made[text] = found
        return found

    def ngettext(
        self, one: str, many: str, n: int, variables: dict[str, Any], *, autoescape: bool
    ) -> str:
        """``one`` or ``many`` as ``n`` asks, translated, filled with ``variables`` (and
        ``num``, ``n``)."""
        variables.setdefault("num", n)
        chosen = self.translations.ngettext(one, many, n)
        return (Markup(chosen) if autoescape else chosen) % variables


def install(app: Flask, catalogues: Catalogues | None = None) -> None:
    """Give the app's templates ``_``, ``gettext`` and ``ngettext`` in the reader's language.

    Each render gets the request's :class:`Words` as a variable, so a page's words are
    looked up without going through the request's globals each time; a template imported
    without the page's context (the macros) finds them from the request."""
    found = catalogues or Catalogues.read(TRANSLATIONS)
    app.extensions[WORDS] = {
        tag: Words(found.get(tag)) for tag in (DEFAULT_LANGUAGE, *found.by_language)
    }

    def of(context: Context) -> Words:
        chosen = context.get(WORDS)
        return chosen if isinstance(chosen, Words) else _words(app)

    @pass_context
    def gettext(context: Context, text: str, /, **variables: Any) -> str:
        return of(context).gettext(text, variables, autoescape=context.eval_ctx.autoescape)

    @pass_context
    def ngettext(context: Context, one: str, many: str, n: int, /, **variables: Any) -> str:
        autoescape = context.eval_ctx.autoescape
        return of(context).ngettext(one, many, n, variables, autoescape=autoescape)

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.newstyle_gettext = True  # type: ignore[attr-defined]

    @pass_context
    def said_line(context: Context, said: Said) -> Markup:
        """A refusal's line in the reader's language: its translation is text, escaped as
        the English line is (``<%(iri)s>`` is no markup), each value an isolate."""
        return _said_markup(of(context), said)

    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, said_line=said_line)
    app.context_processor(lambda: {WORDS: _words(app)})
    app.jinja_env.filters["number"] = lambda value: reader_formats.number(value, _language())
    app.jinja_env.filters["percent"] = lambda share: reader_formats.percent(share, _language())
    app.jinja_env.globals["bidi_isolate"] = bidi
    app.jinja_env.globals.update(value_markup.globals_for_templates())
    app.jinja_env.globals.update(page_markup.page_globals())


def _said_markup(words: Words, said: Said) -> Markup:
    """``said`` translated by ``words``, escaped, each value an isolate; a value that is a
    part of the message (a :class:`Said`) translated in turn, in the line's own direction."""
    values = {
        k: _said_markup(words, v) if isinstance(v, Said) else ISOLATE.format(v)
        for k, v in said.values.items()
    }
    return escape(words.translations.gettext(said.message)) % values


#: A value within a translated line: left to right, apart from the line's direction.
ISOLATE = Markup('<bdi dir="ltr">{}</bdi>')


def gettext(text: str) -> str:
    """``text`` in the current request's language (for page text made in Python)."""
    return _words(current_app).translations.gettext(text)


def _language() -> str:
    """The language the current request reads (English outside one), worked out once per
    request: a page asks for it with every figure and interface word."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    found = g.get("interface_language")
    if found is None:
        found = g.interface_language = reader_language()
    return str(found)


def _words(app: Flask) -> Words:
    """The words of the language the current request reads (English outside one), found
    once per request."""
    if not has_request_context():
        return Words(NullTranslations())
    chosen = g.get(WORDS)
    if chosen is None:
        languages: dict[str, Words] = app.extensions[WORDS]
        chosen = g.interface_words = languages.get(_language()) or languages[DEFAULT_LANGUAGE]
    return chosen
