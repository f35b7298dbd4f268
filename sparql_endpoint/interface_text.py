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

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_request_context

from graph_loader.vocab import DEFAULT_LANGUAGE
from sparql_endpoint import reader_formats
from sparql_endpoint.linked_data import value_markup
from sparql_endpoint.linked_data.present import bidi
from sparql_endpoint.linked_data.request_args import reader_language

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


EXTENSION = "lamcoop.interface_text"


def install(app: Flask, catalogues: Catalogues | None = None) -> None:
    """Give the app's templates ``_``, ``gettext`` and ``ngettext`` in the reader's language."""
    app.extensions[EXTENSION] = catalogues or Catalogues.read(TRANSLATIONS)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: _current(app).gettext(text),
        ngettext=lambda one, many, n: _current(app).ngettext(one, many, n),
        newstyle=True,  # Jinja escapes and fills ``%(name)s`` itself
    )
    app.jinja_env.filters["number"] = lambda value: reader_formats.number(value, _language())
    app.jinja_env.filters["percent"] = lambda share: reader_formats.percent(share, _language())
    app.jinja_env.globals["bidi_isolate"] = bidi
    app.jinja_env.globals.update(value_markup.globals_for_templates())


def gettext(text: str) -> str:
    """``text`` in the current request's language (for page text made in Python)."""
    return _current(current_app).gettext(text)


def _language() -> str:
    """The language the current request reads (English outside one), worked out once per
    request: a page asks for it with every figure and interface word."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    found = g.get("interface_language")
    if found is None:
        found = g.interface_language = reader_language()
    return str(found)


def _current(app: Flask) -> NullTranslations:
    """The catalogue of the language the current request reads (English outside one)."""
    if not has_request_context():
        return NullTranslations()
    found = g.get("interface_text")
    if found is None:
        found = g.interface_text = app.extensions[EXTENSION].get(_language())
    return found
