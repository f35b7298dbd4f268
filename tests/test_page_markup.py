"""The page parts made in Python (:mod:`sparql_endpoint.linked_data.page_markup`) are the
markup the ``languages`` and ``language_name`` macros and the entity page's format loops
made, byte for byte, in every language (the old macros and loops: tests/data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from sparql_endpoint.interface_text import TRANSLATIONS, Catalogues
from sparql_endpoint.linked_data.documents import DOC_FORMATS
from sparql_endpoint.linked_data.page_markup import page_globals

BEFORE = (Path(__file__).parent / "data" / "page_macros_before.html").read_text(encoding="utf-8")
AFTER = """[{{ languages_markup() }}][{{ languages_markup(query) }}]
{% for t in tags %}[{{ language_name_markup(t) }}]{% endfor %}
[{{ alternate_links(stem, formats) }}]
[{{ format_links(stem, formats) }}]
"""


@pytest.mark.parametrize("language", ["en", "fa", "zh-Hans"])
def test_the_page_parts_are_the_macros_markup(language):
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(  # type: ignore[attr-defined]
        Catalogues.read(TRANSLATIONS).get(language), newstyle=True
    )
    env.globals.update(page_globals())
    values = {
        "query": "&q=<a&b>",
        "tags": ["en", "fa", "zh-Hans", "de", 'x"<y'],
        "stem": 'institution/a&b"<c>',
        "formats": DOC_FORMATS,
    }
    before = env.from_string(BEFORE).render(**values)
    after = env.from_string(AFTER).render(**values)
    assert "&amp;q=&lt;a&amp;b&gt;" in before and "a&amp;b&#34;&lt;c&gt;" in before
    assert 'type="text/turtle"' in before and ".html" not in before
    assert after == before[before.index("[") :]
    if language != "en":  # the words are the reader's
        assert "Read in:" not in after and "Persian" not in after
