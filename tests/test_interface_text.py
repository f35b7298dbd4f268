"""The interface's words are all in the catalogues: no template holds a word outside ``_()``
or ``{% trans %}``, and every message the templates and the Python code use (as
``make translations`` extracts them, babel.cfg) has a Persian and a Chinese translation that
is neither empty nor fuzzy, with the same placeholders."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

from sparql_endpoint.interface_text import LOCALES, TRANSLATIONS
from tests.conftest import REPO_ROOT

TEMPLATES = sorted(
    p
    for folder in ("sparql_endpoint/linked_data/templates", "sparql_endpoint/templates")
    for p in (REPO_ROOT / folder).rglob("*")
    if p.suffix in (".html", ".svg")
)
#: Attributes a person reads (the rest are links, classes, data for scripts).
READ_ATTRIBUTES = frozenset({"title", "aria-label", "placeholder", "alt"})
#: Elements whose text is code or data, never interface words.
NOT_WORDS = frozenset({"script", "style", "code"})
#: Words a template may hold as they are: names (the project's, formats', each language's own
#: name for itself, shown so a reader of any language finds their own).
NAMES = frozenset({"lamcoop", "English", "فارسی", "中文", "JSON", "CSV", "SHA"})
PLACEHOLDER = "\x00"
WORD = re.compile(r"[^\W\d_]{2,}")
ATTRIBUTE = re.compile(r'([a-z][\w-]*)="([^"]*)"')


def static_text(template: Path) -> str:
    """The template's own text, each expression (``{{ ... }}``, a translated message
    included) replaced by :data:`PLACEHOLDER`."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    tree = env.parse(template.read_text(encoding="utf-8"))
    parts: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, nodes.TemplateData):
            parts.append(node.data)
        elif isinstance(node, nodes.Output):
            for child in node.nodes:
                walk(child) if isinstance(child, nodes.TemplateData) else parts.append(PLACEHOLDER)
        else:
            for child in node.iter_child_nodes():
                walk(child)

    walk(tree)
    return "".join(parts)


class Words(HTMLParser):
    """The words a person would read in a piece of HTML: text outside code and scripts,
    and the attributes people read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_WORDS:
            self.skipping.append(tag)
        self.found += [value or "" for name, value in attrs if name in READ_ATTRIBUTES]

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        # An attribute a template adds under a condition (` title="{{ t }}"`) is text here.
        for name, value in ATTRIBUTE.findall(data):
            if name in READ_ATTRIBUTES:
                self.found.append(value)
        self.found.append(ATTRIBUTE.sub(" ", data))


def untranslated(html: str) -> list[str]:
    """Words of ``html`` that no ``_()`` wraps (names aside)."""
    parser = Words()
    parser.feed(html)
    words = [w for text in parser.found for w in WORD.findall(text.replace(PLACEHOLDER, " "))]
    return [w for w in words if w not in NAMES]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_holds_a_word_outside_the_catalogues(template):
    assert untranslated(static_text(template)) == []


def test_the_pages_templates_are_all_checked():
    """The ontology's page is one of the templates checked (the static English copy in
    docs/ontology.html is rendered by graph_loader/templates, in English only, on purpose)."""
    names = {p.relative_to(REPO_ROOT).as_posix() for p in TEMPLATES}
    assert "sparql_endpoint/linked_data/templates/ld/ontology.html" in names
    assert "sparql_endpoint/linked_data/templates/ld/entity.html" in names


def test_the_check_finds_a_word_left_in_a_template(tmp_path):
    """The check above can fail: a heading, a button, an attribute left in English."""
    left = tmp_path / "left.html"
    left.write_text(
        '<h2>{{ _("Labels") }}</h2><h2>Sources</h2><button title="Go">{{ x }}</button>'
        "<code>lamcoop dump</code><script>const label = 1;</script>"
        '{% if x %} aria-label="Close"{% endif %}{% if y %} href="{{ y }}"{% endif %}'
        '<p>{% trans %}Said {{ n }} times{% endtrans %}</p><input placeholder="Search here">',
        encoding="utf-8",
    )
    assert untranslated(static_text(left)) == ["Sources", "Go", "Close", "Search", "here"]


def extracted() -> Catalog:
    """Every message of the code and the templates, as ``make translations`` extracts it."""
    method_map = [
        ("sparql_endpoint/**.py", "python"),
        ("sparql_endpoint/**/templates/**.html", "jinja2"),
        ("sparql_endpoint/**/templates/**.svg", "jinja2"),
    ]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    catalog = Catalog()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT), method_map, keywords=keywords
    ):
        catalog.add(message)
    return catalog


@pytest.fixture(scope="module")
def messages() -> Catalog:
    found = extracted()
    assert len(found) > 100  # the extraction found the interface's messages
    return found


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_every_message_has_a_translation(messages, locale):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    missing, empty, fuzzy = [], [], []
    for message in messages:
        if not message.id:
            continue
        translated = catalogue.get(message.id)
        if translated is None:
            missing.append(message.id)
            continue
        strings = translated.string if isinstance(translated.string, tuple) else [translated.string]
        if not all(strings) or len(strings) < (
            catalogue.num_plurals if message.pluralizable else 1
        ):
            empty.append(message.id)
        if translated.fuzzy:
            fuzzy.append(message.id)
    assert (missing, empty, fuzzy) == ([], [], [])
    stale = [m.id for m in catalogue if m.id and messages.get(m.id) is None]
    assert stale == [], "run make translations: these messages are no longer used"
    problems = [(m.id, errors) for m, errors in catalogue.check() if errors]
    assert problems == []  # placeholders (%(name)s) the same as the English


def test_the_catalogues_are_read_when_the_app_is_made():
    from sparql_endpoint.interface_text import Catalogues

    read = Catalogues.read(TRANSLATIONS)
    assert read.get("fa").gettext("Labels") == "برچسب‌ها"
    assert read.get("zh-Hans").gettext("Labels") == "标签"
    assert read.get("zh-Hans").ngettext("%(num)s inferred statement", "x", 5) != "x"


def test_words_made_of_request_data_are_not_all_kept():
    """The words a page repeats are kept once made, in the three languages, but texts made
    of a request's data (an error's line) do not grow the store of them without end."""
    from babel.support import NullTranslations

    from sparql_endpoint.interface_text import KEPT_WORDS, Catalogues, Words

    catalogues = Catalogues.read(TRANSLATIONS)
    for language in ("en", "fa", "zh-Hans"):
        words = Words(catalogues.get(language))
        assert words.gettext("Labels", {}, autoescape=True) == catalogues.get(language).gettext(
            "Labels"
        )
        assert "Labels" in words.made
    words = Words(NullTranslations())
    texts = [f"line {n} <{n}>" for n in range(KEPT_WORDS + 500)]
    assert [words.gettext(t, {}, autoescape=True) for t in texts] == [
        f"line {n} <{n}>" for n in range(KEPT_WORDS + 500)
    ]
    assert len(words.made) == KEPT_WORDS
