"""The query editor: YASGUI, served from the package's own files, with example queries.

The YASGUI build is installed from the npm registry into ``static/yasgui`` (``make yasgui``,
run by ``make serve`` and ``make test``); nothing is fetched from elsewhere at run time.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

from sparql_endpoint.context import service
from sparql_endpoint.examples import EXAMPLES
from sparql_endpoint.interface_text import gettext
from sparql_endpoint.linked_data.present import text_dir
from sparql_endpoint.linked_data.request_args import reader_language

blueprint = Blueprint(
    "yasgui",
    __name__,
    static_folder="static",
    static_url_path="/-/static",
    template_folder="templates",
)

ASSETS = ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css")


def static_dir() -> Path:
    return Path(str(resources.files("sparql_endpoint") / "static"))


def installed() -> bool:
    """Whether the YASGUI build is present in the package."""
    return all((static_dir() / asset).is_file() for asset in ASSETS)


def page() -> Response:
    """The editor page for the endpoint the request reached (HTML), its words in the
    reader's language (the queries themselves are the same in every language)."""
    lang = reader_language()
    html = render_template(
        "yasgui.html",
        lang=lang,
        dir=text_dir(lang),
        endpoint=request.base_url,
        base=service().settings.base_iri,
        installed=installed(),
        script=url_for("yasgui.static", filename=ASSETS[0]),
        style=url_for("yasgui.static", filename=ASSETS[1]),
        examples_data=[{"name": gettext(e.name), "query": e.query} for e in EXAMPLES],
        examples=EXAMPLES,
    )
    return Response(html, content_type="text/html; charset=utf-8")


def inline_scripts() -> list[str]:
    """The text of each inline script of the editor page, as the browser hashes it (the
    scripts hold no template expression, so the template's text is the page's)."""
    source = (Path(__file__).resolve().parent / "templates" / "yasgui.html").read_text("utf-8")
    return re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
