"""Error pages for people: a browser that asks for HTML gets a page in the reader's language
(``ld/error.html``); every other client keeps the one line of ``text/plain`` that
:mod:`sparql_endpoint.responses` writes, so RDF and SPARQL clients see no change.

Whether a request wants the page is :func:`sparql_endpoint.negotiation.wants_html`.
"""

from __future__ import annotations

from flask import Response, render_template
from jinja2 import TemplateNotFound

from graph_loader.vocab import DEFAULT_LANGUAGE
from sparql_endpoint.linked_data.present import text_dir
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.refusals import Said


def error_page(
    code: int,
    name: str,
    description: str,
    *,
    iri: str = "",
    search: str = "",
    words: str = "",
    said: Said | None = None,
) -> Response | None:
    """The HTML page for an error (``None`` when the app has no page templates, as an app
    made with only some blueprints): ``iri`` is what was not found, ``search`` a search
    link for ``words``; ``said`` is the server's line, shown in the reader's language."""
    lang = reader_language()
    shown = said if said is not None and lang != DEFAULT_LANGUAGE else None
    try:
        html = render_template(
            "ld/error.html",
            lang=lang,
            dir=text_dir(lang),
            code=code,
            name=name,
            description=description,
            iri=iri,
            search=search,
            words=words,
            said=shown,
        )
    except TemplateNotFound:
        return None
    response = Response(html, status=code, content_type="text/html; charset=utf-8")
    response.headers["Content-Language"] = lang
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response
