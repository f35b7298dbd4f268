"""The markup of the values pages show most: a text, a link, a graph and a property's
value, made in Python.

These were the macros ``text``, ``link``, ``graph`` and ``value`` of ``ld/macros.html``; an entity
page calls them for every value, and a Jinja macro call costs several times as much as a
function's. The templates still call them by those names (``ld/macros.html`` binds them);
the markup is the same. Interface words (the mark of a translated label, yes and no, a
citation's parts) come from the template's own ``_`` in the reader's language; they are
marked here with ``N_`` so that ``make translations`` keeps extracting them.

>>> from jinja2 import Environment
>>> env = Environment(autoescape=True)
>>> env.globals.update(globals_for_templates())
>>> env.globals["_"] = lambda text: Markup(text)  # as the i18n extension's newstyle ``_``
>>> env.globals[BASE_IRI] = "https://e/"  # as the app sets it
>>> t = Text("a<b", "en", translated=True)
>>> shown, mark = env.from_string("{{ text_markup(t) }}").render(t=t).split(" <small ")
>>> print(shown)
<bdi lang="en" dir="ltr">a&lt;b</bdi>
>>> print(mark)
class="translated" title="translated by lamcoop, not the source's words">(translation)</small>
>>> print(env.from_string("{{ link_markup(l) }}").render(l=Link("", Text("x"), "urn:x")))
<a title="urn:x"><bdi dir="auto">x</bdi></a>
>>> print(env.from_string("{{ graph_markup(g) }}").render(g="https://e/graph/seed"))
<a class="graph" href="/dumps/seed.ttl" title="https://e/graph/seed"><bdi dir="ltr">seed</bdi></a>
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from sparql_endpoint.linked_data.entity_view import Link, Row, Value
from sparql_endpoint.linked_data.present import Text, bidi, dump_path
from sparql_endpoint.refusals import N_

#: The words after a label lamcoop translated (``_`` gives them in the reader's language).
TRANSLATED_TITLE = N_("translated by lamcoop, not the source's words")
TRANSLATED = N_("(translation)")
#: The words of values: a boolean, a blank node without properties, a citation's parts.
YES, NO, BLANK = N_("yes"), N_("no"), N_("(blank node)")
CITED, PRINTED = N_("cited:"), N_("printed as")


@pass_context
def text_markup(context: Context, t: Text) -> Markup:
    """A text as an isolate in its language and direction, marked when lamcoop translated it."""
    shown = bidi(t.value, t.lang, t.dir, t.title)
    if not t.translated:
        return shown
    words = context.resolve("_")
    title, mark = context.call(words, TRANSLATED_TITLE), context.call(words, TRANSLATED)
    return shown + Markup(
        f' <small class="translated" title="{escape(title)}">{escape(mark)}</small>'
    )


#: The template global holding the configured base IRI (set by the app).
BASE_IRI = "lamcoop_base_iri"


@pass_context
def link_markup(context: Context, link: Link) -> Markup:
    """A link to a thing shown by its label (an ``<a>`` without ``href`` when the IRI is
    no link target, see :func:`~sparql_endpoint.linked_data.present.local_path`)."""
    href = f' href="{escape(link.href)}"' if link.href else ""
    shown = text_markup(context, link.text)
    return Markup(f'<a{href} title="{escape(link.iri)}">{shown}</a>')


@pass_context
def graph_markup(context: Context, graph: str) -> Markup:
    """A graph, by its last segment, linked to its Turtle dump (named as the dumps name it:
    :func:`~graph_loader.publish.dump.graph_file_stem`, under the template global
    :data:`BASE_IRI`)."""
    return _graph_link(graph, context.get(BASE_IRI) or "")


@lru_cache(maxsize=4096)  # a page shows a graph in every value's row
def _graph_link(graph: str, base_iri: str) -> Markup:
    shown = bidi(graph.rsplit("/", 1)[-1], dir="ltr")
    href = escape(dump_path(graph, base_iri))
    return Markup(f'<a class="graph" href="{href}" title="{escape(graph)}">{shown}</a>')


@pass_context
def value_markup(context: Context, v: Value) -> Markup:
    """One value of a property: a link, a yes or no, a literal (with the datatype it is not
    shown plainly in), a nested table of a blank node's properties, or "(blank node)"; then
    the citations of the statement (source, printed wording, notes). Each part of a
    citation (a label with its value) is a unit laid out in the page's direction; labels are
    isolates, so "cited:" keeps its colon after it; quotations are ``<q>``, whose marks
    follow the page's language, around the value's own isolate."""
    words = context.resolve("_")

    def say(message: str) -> Markup:
        return Markup(context.call(words, message))

    if v.link:
        out = link_markup(context, v.link)
    elif v.boolean is not None:
        flag, word = ("true", say(YES)) if v.boolean else ("false", say(NO))
        out = Markup(f'<span class="boolean" data-value="{flag}">{word}</span>')
    elif v.literal:
        out = text_markup(context, v.literal)
        if v.datatype:
            out += Markup(f' <small class="dt">{bidi(v.datatype, dir="ltr")}</small>')
    elif v.nested:
        rows = "".join(
            f'<tr><th scope="row">{link_markup(context, r.predicate)}</th><td>'
            + "".join(f"<div>{value_markup(context, x)}</div>" for x in r.values)
            + "</td></tr>"
            for r in v.nested
        )
        out = Markup(f'\n<table class="nested">{rows}</table>\n')
    else:
        out = Markup(f"<em>{say(BLANK)}</em>")
    for c in v.citations:
        source = link_markup(context, c.source) if c.source else ""
        out += Markup(
            f'<div class="citation"><span class="part cited"><bdi class="label">{say(CITED)}'
            f"</bdi> {source}</span>"
        )
        for printed in c.printed:
            out += Markup(
                f'\n<span class="part printed"><bdi class="label">{say(PRINTED)}</bdi> '
                f"<q>{text_markup(context, printed)}</q></span>"
            )
        for note in c.notes:
            out += Markup(f'\n<span class="part note">{text_markup(context, note)}</span>')
        out += Markup("</div>")
    return out


@pass_context
def rows_markup(context: Context, rows: list[Row]) -> Markup:
    """An entity page's table rows of properties: one row per value, the property's cell
    spanning its values' rows (what the ``property_rows`` macro of ``ld/entity.html`` made,
    the same bytes)."""
    out = ["\n"]
    for row in rows:
        head = (
            f'<th scope="row" rowspan="{len(row.values)}">'
            f"{link_markup(context, row.predicate)}</th>"
        )
        for v in row.values:
            out.append(
                f"\n<tr>{head}\n<td>{value_markup(context, v)}</td>"
                f"<td>{graph_markup(context, v.graph)}</td></tr>\n"
            )
            head = ""
    out.append("\n")
    return Markup("".join(out))


@pass_context
def incoming_markup(context: Context, incoming: list[tuple[Link, Link, str]]) -> Markup:
    """The rows of the statements pointing at an entity: subject, property, graph."""
    return Markup(
        "".join(
            f"<tr><td>{link_markup(context, s)}</td><td>{link_markup(context, p)}</td>"
            f"<td>{graph_markup(context, g)}</td></tr>"
            for s, p, g in incoming
        )
    )


#: The map's label, with the point's latitude and longitude.
MAP_LABEL = N_("Location %(latitude)s, %(longitude)s")


@pass_context
def map_markup(context: Context, point: tuple[float, float]) -> Markup:
    """A 300 by 300 SVG map of the 30 by 30 degrees around a point, with its grid, degree
    labels and the point: what ``ld/map.svg`` made, the same bytes. West is on the left
    whatever the page's direction: the map and its degree labels read left to right on a
    Persian page too."""
    lat, lon = point
    lat0, lon0 = (lat // 10) * 10 - 10, (lon // 10) * 10 - 10
    label = context.call(
        context.resolve("_"), MAP_LABEL, latitude=f"{lat:.4f}", longitude=f"{lon:.4f}"
    )
    out = [
        f'<svg class="map" role="img" aria-label="{escape(label)}" viewBox="0 0 300 300"'
        ' width="300" height="300" xmlns="http://www.w3.org/2000/svg" direction="ltr">\n'
        '<rect x="0" y="0" width="300" height="300" fill="#eef4f8" stroke="#89a"/>'
    ]
    for i in range(0, 31, 5):
        x_width = 1 if (lon0 + i) % 10 == 0 else 0.5
        y_width = 1 if (lat0 + i) % 10 == 0 else 0.5
        out.append(
            f'\n<line x1="{i * 10}" y1="0" x2="{i * 10}" y2="300" stroke="#bcd"'
            f' stroke-width="{x_width}"/>\n<line x1="0" y1="{300 - i * 10}" x2="300"'
            f' y2="{300 - i * 10}" stroke="#bcd" stroke-width="{y_width}"/>'
        )
        if i % 10 == 0:
            out.append(
                f'<text x="{i * 10 + 2}" y="296" font-size="9" fill="#567">'
                f"{int(lon0 + i)}°</text>\n"
                f'<text x="2" y="{300 - i * 10 - 2}" font-size="9" fill="#567">'
                f"{int(lat0 + i)}°</text>"
            )
    out.append(
        f'\n<circle class="point" cx="{round((lon - lon0) * 10, 1)}"'
        f' cy="{round(300 - (lat - lat0) * 10, 1)}" r="6" fill="#c33" stroke="#fff"'
        ' stroke-width="2"/>\n</svg>'
    )
    return Markup("".join(out))


def globals_for_templates() -> dict[str, Any]:
    """The functions by the names ``ld/macros.html`` binds to ``text``, ``link``, ``graph``
    and ``value``, and those ``ld/entity.html`` calls for its tables."""
    return {
        "text_markup": text_markup,
        "link_markup": link_markup,
        "graph_markup": graph_markup,
        "value_markup": value_markup,
        "rows_markup": rows_markup,
        "incoming_markup": incoming_markup,
        "map_markup": map_markup,
    }
