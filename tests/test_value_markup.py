"""The value markup made in Python (:mod:`sparql_endpoint.linked_data.value_markup`) is the
markup the ``text``, ``link``, ``graph`` and ``value`` macros made, byte for byte, in every
language: rendered side by side with the macros as they were (below), over values of every
kind (links, yes and no, typed literals, nested blank nodes, citations, translated labels)."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from graph_loader.publish.dump import graph_file_stem
from sparql_endpoint.interface_text import TRANSLATIONS, Catalogues
from sparql_endpoint.linked_data.entity_view import Citation, Link, Row, Value
from sparql_endpoint.linked_data.present import Text, bidi
from sparql_endpoint.linked_data.value_markup import BASE_IRI, globals_for_templates

BASE = "https://w3id.org/lamcoop/"

#: The macros as ``ld/macros.html`` had them before they were made in Python.
MACROS = (Path(__file__).parent / "data" / "value_macros_before.html").read_text(encoding="utf-8")

CALLS = """{% for v in values %}[{{ value(v) }}]{% endfor %}
{% for l in links %}[{{ link(l) }}]{% endfor %}{% for t in texts %}[{{ text(t) }}]{% endfor %}
{% for g in graphs %}[{{ graph(g) }}]{% endfor %}"""

BEFORE = MACROS + CALLS
AFTER = (
    """{% set bidi = bidi_isolate %}{% set text = text_markup %}{% set link = link_markup %}
{% set graph = graph_markup %}{% set value = value_markup %}"""
    + CALLS
)


def _values() -> dict[str, list]:
    fa = Text("کتابخانه <ملی>", "fa", translated=True)
    plain = Text("a & b")
    link = Link("/id/x?a=1&b=2", fa, "https://w3id.org/lamcoop/id/x")
    bare = Link("", plain, "urn:x-lamcoop-test:no-target")
    cite = Citation(link, printed=[fa, plain], notes=[Text("§ 3", "en")])
    nested = [Row(link, [Value("g", literal=plain), Value("g", link=bare)]), Row(bare, [])]
    deep = [Row(bare, [Value("g", nested=nested, citations=[cite])])]
    return {
        "values": [
            Value("g", link=link),
            Value("g", boolean=True),
            Value("g", boolean=False, citations=[cite, Citation(None)]),
            Value("g", literal=plain, datatype="xsd:gYear"),
            Value("g", literal=fa),
            Value("g", nested=nested),
            Value("g", nested=deep),
            Value("g"),
            Value("g", citations=[cite]),
        ],
        "links": [link, bare],
        "texts": [fa, plain, Text("x", "zh-Hans", title='"t"')],
        # a graph under the base (dumped by its name); others are dumped under a hash, which
        # the macros did not know (test below)
        "graphs": ["https://w3id.org/lamcoop/graph/seed-001"],
    }


def _environment(language: str) -> Environment:
    """A Jinja environment as the pages have it, in ``language``: the old macros and the
    new functions rendered side by side."""
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(  # type: ignore[attr-defined]
        Catalogues.read(TRANSLATIONS).get(language), newstyle=True
    )
    env.globals["bidi_isolate"] = bidi
    env.globals.update(globals_for_templates())
    env.globals[BASE_IRI] = BASE  # as the app sets it
    return env


@pytest.mark.parametrize("language", ["en", "fa", "zh-Hans"])
def test_the_markup_is_the_macros_markup(language):
    env = _environment(language)
    values = _values()
    before = env.from_string(BEFORE).render(**values)
    after = env.from_string(AFTER).render(**values)
    assert 'class="nested"' in before and 'class="boolean"' in before
    assert 'class="citation"' in before and 'class="translated"' in before
    assert after.strip() == before.strip()


#: The entity page's table macros as ``ld/entity.html`` had them before they were made in
#: Python (``rows_markup``, ``incoming_markup``).
ROWS_BEFORE = (Path(__file__).parent / "data" / "entity_rows_before.html").read_text(
    encoding="utf-8"
)
ROWS_AFTER = "[{{ rows_markup(rows) }}][{{ incoming_markup(incoming) }}]"


@pytest.mark.parametrize("language", ["en", "fa", "zh-Hans"])
def test_the_table_rows_are_the_macros_rows(language):
    env = _environment(language)
    values = _values()
    link, bare = values["links"]
    rows = [Row(link, values["values"]), Row(bare, []), Row(bare, values["values"][:1])]
    incoming = [(link, bare, "https://w3id.org/lamcoop/graph/seed-001"), (bare, link, "urn:g<")]
    names = {"rows": rows, "incoming": incoming}
    before = env.from_string(AFTER.removesuffix(CALLS) + ROWS_BEFORE).render(**names)
    after = env.from_string(ROWS_AFTER).render(**names)
    assert 'rowspan="9"' in before and "<td><a" in before and "&lt;" in before
    assert after == before[before.index("[") :]


@pytest.mark.parametrize("language", ["en", "fa", "zh-Hans"])
def test_the_map_is_the_templates_map(language):
    svg = (Path(__file__).parent / "data" / "map_before.svg").read_text(encoding="utf-8")
    env = Environment(
        autoescape=True, extensions=["jinja2.ext.i18n"], loader=DictLoader({"map.svg": svg})
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        Catalogues.read(TRANSLATIONS).get(language), newstyle=True
    )
    env.globals.update(globals_for_templates())
    points = [(43.2692, 123.09433), (-33.9, -70.6), (0.0, 0.0), (89.99, -179.99), (-0.05, 5.55)]
    for point in points:
        view = {"point": point}
        before = env.from_string('[{% include "map.svg" %}]').render(view=view)
        after = env.from_string("[{{ map_markup(view.point) }}]").render(view=view)
        assert "<circle" in before and "°</text>" in before
        assert after == before


@pytest.mark.parametrize(
    "graph", ["urn:x-lamcoop-test:g<1>", BASE + "graph/داده\u200cها", "http://e.org/graph/seed-001"]
)
def test_a_graph_is_linked_to_the_dump_it_is_written_to(graph):
    """The macros linked a graph to ``/dumps/{last segment}.ttl``; a graph whose name is not
    a plain slug, or that is not under the base, is dumped under a hash."""
    markup = _environment("en").from_string("{{ graph_markup(g) }}").render(g=graph)
    stem = graph_file_stem(graph, base_iri=BASE)
    assert stem.startswith("graph-")
    assert f'href="/dumps/{stem}.ttl"' in markup
