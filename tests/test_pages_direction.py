"""The pages in English, Persian and Chinese in a real headless Chromium, on the session's
real ``lamcoop serve``: screenshots of the home, an entity, search and audit pages in each
language (``tests/artifacts/{page}-{lang}.png``), and what a reader would see go wrong.

- Persian pages are mirrored: the computed direction is rtl, the brand sits at the right of
  the header and the search box at its left, headings start at the right.
- Data stays in reading order: the "cited" label comes before its value, and a Persian
  quotation comes before its English translation (bounding boxes, not text).
- The paradigm diagram flows right to left on a Persian page, each text inside its box.
- No glyph is missing (see :data:`MISSING_GLYPHS`), and Persian and Chinese titles are set in
  the fonts the style sheet names (DevTools' platform fonts of the node).

Boxes are compared with tolerances of a few pixels, never pixel-exact.
"""

from __future__ import annotations

import os
import unicodedata

import pytest

from tests.browser_support import ARGS, ARTIFACTS, CHROMIUM, needs_chromium, shot
from tests.servers import HTTP_DEADLINE

#: The browser, page and server fixtures.
pytest_plugins = ("tests.browser_fixtures",)
pytestmark = needs_chromium

LANGUAGES = ("en", "fa", "zh-Hans")
#: The pages shot in each language: (name, path, what must be on it).
PAGES = (
    ("home", "/", "svg#paradigm-model"),
    ("entity", "/doc/institution/calis.html", "table.props"),
    ("search", "/search?q=CALIS", "ol.results li"),
    ("audit", "/audit", "table#agreements tbody tr"),
)
MUSEUM_PAGE = "/doc/institution/test-museum.html"

#: Whether each character of a text renders as a glyph, in a given font stack. Each is drawn
#: on a canvas in the element's own font stack (Chromium falls back through the system's
#: fonts as on the page) and its pixels are compared with those of U+10FFFD, a private-use
#: code point no font has, which Chromium draws as the last-resort ``.notdef`` box ("tofu").
#: Identical pixels mean the character has no glyph either. This does not depend on which
#: font is installed or on a width guessed in advance, and
#: :func:`test_the_glyph_check_sees_a_missing_glyph` shows it finds Chinese missing in a
#: Chromium that sees only DejaVu (no CJK font), so a pass here is not vacuous.
MISSING_GLYPHS = r"""
([chars, family]) => {
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  ctx.font = '40px ' + family;
  const pixels = ch => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.fillText(ch, 8, 48);
    return ctx.getImageData(0, 0, 64, 64).data.join(',');
  };
  const notdef = pixels('\u{10FFFD}');
  return chars.filter(ch => pixels(ch) === notdef);
}
"""
#: Every text the reader sees, with the font stack of the element it is set in.
SHOWN_TEXT = """
() => {
  const seen = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const e = n.parentElement;
    if (!e || ['SCRIPT', 'STYLE', 'TITLE'].includes(e.tagName)) continue;
    if (!n.textContent.trim() || !e.getClientRects().length) continue;
    seen.push([n.textContent, getComputedStyle(e).fontFamily]);
  }
  return seen;
}
"""


def visible_characters(texts: list[list[str]]) -> dict[str, set[str]]:
    """The distinct characters that should draw ink, by font stack (spaces, joiners and
    other format characters draw none, so they cannot be told from a missing glyph)."""
    found: dict[str, set[str]] = {}
    for text, family in texts:
        for ch in text:
            if unicodedata.category(ch)[0] not in "ZC" and unicodedata.category(ch) != "Mn":
                found.setdefault(family, set()).add(ch)
    return found


def missing_glyphs(page) -> list[str]:
    """The characters shown on ``page`` that render as the ``.notdef`` box."""
    missing: list[str] = []
    for family, chars in visible_characters(page.evaluate(SHOWN_TEXT)).items():
        missing += page.evaluate(MISSING_GLYPHS, [sorted(chars), family])
    return missing


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found, "not rendered"
    return found


def precedes(a: dict[str, float], b: dict[str, float], rtl: bool) -> bool:
    """Whether box ``a`` is read before box ``b``: on an earlier line, or on the same line
    and further towards the line's start (the right on a right-to-left page)."""
    if b["y"] >= a["y"] + a["height"] - 2:
        return True
    if a["y"] >= b["y"] + b["height"] - 2:
        return False
    if rtl:
        return a["x"] >= b["x"] + b["width"] - 2
    return a["x"] + a["width"] <= b["x"] + 2


def text_box(page, selector: str) -> dict[str, float]:
    """The box of the text inside the first ``selector`` (not of its block)."""
    return page.eval_on_selector(
        selector,
        """e => { const r = document.createRange(); r.selectNodeContents(e);
                  const b = r.getBoundingClientRect();
                  return {x: b.x, y: b.y, width: b.width, height: b.height}; }""",
    )


def open_page(page, server, path: str, lang: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    joiner = "&" if "?" in path else "?"
    page.goto(f"{server.url}{path}{joiner}lang={lang}")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "path", "present"), PAGES, ids=[p[0] for p in PAGES])
def test_each_page_in_each_language(server, page, name, path, present, lang):
    """Mirrored in Persian, not in English or Chinese, with every glyph drawn."""
    open_page(page, server, path, lang)
    assert page.locator(present).count() > 0
    shot(page, f"{name}-{lang}")
    rtl = lang == "fa"
    assert page.evaluate("document.documentElement.lang") == lang
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == ("rtl" if rtl else "ltr")
    width = page.evaluate("document.documentElement.clientWidth")
    brand = box(page.locator("header.site .brand"))
    search = box(page.locator("header.site form.search"))
    first, last = (box(page.locator("header.site nav a").nth(i)) for i in (0, -1))
    heading = text_box(page, "main h1")
    main = page.eval_on_selector(
        "main",
        """e => { const b = e.getBoundingClientRect(), s = getComputedStyle(e);
                  return {x: b.x + parseFloat(s.paddingLeft),
                          right: b.right - parseFloat(s.paddingRight)}; }""",
    )
    if rtl:
        assert brand["x"] + brand["width"] > width - 60, brand  # at the right edge
        assert search["x"] < 60 and search["x"] < brand["x"], search
        assert first["x"] > last["x"]  # "Home" is read first, at the right
        assert abs(heading["x"] + heading["width"] - main["right"]) < 4, (heading, main)
    else:
        assert brand["x"] < 60 and search["x"] > brand["x"]
        assert first["x"] < last["x"]
        assert abs(heading["x"] - main["x"]) < 4, (heading, main)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert missing_glyphs(page) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_citation_reads_in_order(server, page, lang):
    """ "cited:" before its source, each "printed as" before its quotation, and the two
    quotations (one Persian, one English, each ending in a full stop) in the order the page
    gives them, each in its own isolate with its own direction."""
    open_page(page, server, MUSEUM_PAGE, lang)
    citation = page.locator(".citation").first
    citation.scroll_into_view_if_needed()
    citation.screenshot(path=str(ARTIFACTS / f"citation-{lang}.png"))
    shot(page, f"museum-{lang}")
    rtl = lang == "fa"
    label = citation.locator(".part.cited bdi.label")
    if lang == "en":
        assert label.inner_text().strip() == "cited:"
    assert label.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
    assert precedes(box(label), box(citation.locator(".part.cited a")), rtl)
    parts = citation.locator(".part.printed")
    assert parts.count() == 2
    for i in (0, 1):
        said = parts.nth(i).locator("bdi.label")
        assert precedes(box(said), box(parts.nth(i).locator("q bdi")), rtl)
    assert precedes(box(parts.nth(0)), box(parts.nth(1)), rtl)
    persian = citation.locator(".part.printed bdi[lang=fa]")
    english = citation.locator(".part.printed bdi[lang=en]")
    assert persian.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # Each quotation's closing full stop ends it: at the left of the Persian one, at the
    # right of the English one, in every page's direction.
    stop = """e => { const t = e.firstChild, r = document.createRange();
                     r.setStart(t, t.length - 1); r.setEnd(t, t.length);
                     const all = e.getBoundingClientRect(), b = r.getBoundingClientRect();
                     return [b.left - all.left, all.right - b.right]; }"""
    left, right = persian.evaluate(stop)
    assert left < right, (left, right)
    left, right = english.evaluate(stop)
    assert right < left, (left, right)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_paradigm_diagram_flows_in_the_reading_direction(server, page, lang):
    """Causes on the reading-start side, consequences on the other, arrows pointing from one
    to the other, and every text of a box inside the box."""
    open_page(page, server, "/", lang)
    diagram = page.locator("svg#paradigm-model")
    diagram.scroll_into_view_if_needed()
    diagram.screenshot(path=str(ARTIFACTS / f"paradigm-{lang}.png"))
    rtl = lang == "fa"
    causes = box(diagram.locator("g.role[data-role=causal-conditions] rect.box"))
    effects = box(diagram.locator("g.role[data-role=consequences] rect.box"))
    assert (causes["x"] > effects["x"]) == rtl
    for arrow in diagram.locator("line.arrow").all():
        x1, x2 = (float(arrow.get_attribute(a) or 0) for a in ("x1", "x2"))
        assert x1 == x2 or (x2 < x1) == rtl
    outside = diagram.evaluate(
        """svg => [...svg.querySelectorAll('g.role')].flatMap(g => {
             const r = g.querySelector('rect.box').getBoundingClientRect();
             return [...g.querySelectorAll('text')].filter(t => {
               const b = t.getBoundingClientRect();
               return b.width === 0 || b.left < r.left - 1 || b.right > r.right + 1;
             }).map(t => t.textContent);
           })"""
    )
    assert outside == []
    fa_texts = diagram.locator("text[lang=fa]")
    if rtl:
        assert fa_texts.count() > 10
        assert fa_texts.first.evaluate("e => getComputedStyle(e).direction") == "rtl"


@pytest.mark.parametrize(
    ("path", "lang", "family"),
    [
        (MUSEUM_PAGE, "fa", ("Vazirmatn", "Noto Sans Arabic", "Noto Naskh Arabic")),
        ("/doc/institution/calis.html", "zh-Hans", ("Noto Sans CJK SC",)),
    ],
)
def test_titles_are_set_in_the_fonts_the_stack_names(server, page, path, lang, family):
    """The fonts Chromium actually used for the title's text (DevTools' platform fonts): a
    Persian or Chinese font the CSS stack names, not whatever fontconfig falls back to (for
    Chinese, the simplified-Chinese forms of Noto Sans CJK rather than the Japanese ones)."""
    open_page(page, server, path, lang)
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1 bdi"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    used = {f["familyName"] for f in fonts}
    assert used & set(family), used


def test_the_glyph_check_sees_a_missing_glyph(playwright, tmp_path):
    """The check of :data:`MISSING_GLYPHS` in a Chromium whose fontconfig sees only DejaVu
    (no CJK font): Chinese is found missing, Persian and Latin are not, and a private-use
    character is."""
    dejavu = "/usr/share/fonts/truetype/dejavu"
    if not os.path.isdir(dejavu):
        pytest.skip("fonts-dejavu-core is not installed")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<dir>{dejavu}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=ARGS, env=env, timeout=HTTP_DEADLINE * 1000
    )
    try:
        shown = chromium.new_page()
        shown.set_content("<p>x</p>")
        missing = shown.evaluate(
            MISSING_GLYPHS, [["中", "文", "ف", "ی", "a", "\ue000"], "system-ui, sans-serif"]
        )
    finally:
        chromium.close()
    assert missing == ["中", "文", "\ue000"]
