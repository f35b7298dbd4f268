"""The query editor: YASGUI, served from the package's own files, with example queries.

The YASGUI build is installed from the npm registry into ``static/yasgui`` (``make yasgui``,
run by ``make serve`` and ``make test``); nothing is fetched from elsewhere at run time.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from flask import Blueprint, Response, render_template, request, url_for

from graph_loader.vocab import DEFAULT_LANGUAGE
from sparql_endpoint.context import service
from sparql_endpoint.examples import EXAMPLES
from sparql_endpoint.interface_text import gettext
from sparql_endpoint.linked_data.present import text_dir
from sparql_endpoint.linked_data.request_args import reader_language
from sparql_endpoint.refusals import N_

blueprint = Blueprint(
    "yasgui",
    __name__,
    static_folder="static",
    static_url_path="/-/static",
    template_folder="templates",
)

ASSETS = ("yasgui/yasgui.min.js", "yasgui/yasgui.min.css")

#: The words YASGUI writes (in English only: it has no translations of its own), as text or
#: in ``placeholder``, ``title`` and ``aria-label``; the page puts each in the reader's
#: language as YASGUI writes it (the script in ``templates/yasgui.html``).
EDITOR_WORDS = (
    N_("Query"),
    N_("Table"),
    N_("Response"),
    N_("Simple view"),
    N_("Ellipse"),
    N_("Page size:"),
    N_("All"),
    N_("Show all"),
    N_("Settings"),
    N_("Open settings"),
    N_("Request method"),
    N_("Arguments"),
    N_("Header Arguments"),
    N_("Default Graphs"),
    N_("Named Graphs"),
    N_("Accept Headers"),
    N_("Ask / Select"),
    N_("Construct / Describe"),
    N_("Add tab"),
    N_("Add a new tab"),
    N_("Close tab"),
    N_("Clear endpoint"),
    N_("Run query"),
    N_("Share query"),
    N_("Download result"),
    N_("Download Results"),
    N_("Filter query results"),
    N_("First"),
    N_("Previous"),
    N_("Next"),
    N_("Last"),
    N_("pagination"),
    N_("No data available in table"),
    N_("Unable to get response from endpoint. Possible reasons:"),
    N_("Incorrect endpoint URL"),
    N_("Endpoint is down"),
    N_("Try query in a new browser window"),
)
#: YASGUI's sentences with figures or names in them, by the name the script knows each by.
EDITOR_FORMS = {
    "results_in": N_("%(n)s results in %(t)s seconds"),
    "results": N_("%(n)s results"),
    "response_in": N_("Response in %(t)s seconds"),
    "showing": N_("Showing %(start)s to %(end)s of %(total)s entries"),
    "documentation": N_("View documentation of %(name)s"),
    "shows": N_("Shows %(name)s view"),
    "numbered": N_("%(name)s %(n)s"),
    "sort": N_("%(name)s: activate to sort"),
}


def static_dir() -> Path:
    return Path(str(resources.files("sparql_endpoint") / "static"))


def installed() -> bool:
    """Whether the YASGUI build is present in the package."""
    return all((static_dir() / asset).is_file() for asset in ASSETS)


def page() -> Response:
    """The editor page for the endpoint the request reached (HTML): YASGUI when it is
    installed, unless ``editor=form`` asks for the plain form; otherwise the plain form,
    which shows results in the page (a table for SELECT and ASK, text for graphs). Its words
    are in the reader's language (the queries themselves are the same in every language)."""
    lang = reader_language()
    html = render_template(
        "yasgui.html",
        lang=lang,
        dir=text_dir(lang),
        endpoint=request.base_url,
        base=service().settings.base_iri,
        installed=installed() and request.args.get("editor") != "form",
        script=url_for("yasgui.static", filename=ASSETS[0]),
        style=url_for("yasgui.static", filename=ASSETS[1]),
        examples_data=[{"name": gettext(e.name), "query": e.query_in(lang)} for e in EXAMPLES],
        examples=EXAMPLES,
        editor_words=editor_words(lang),
    )
    return Response(html, content_type="text/html; charset=utf-8")


def editor_words(lang: str) -> dict[str, object]:
    """YASGUI's words and sentences in the reader's language (none for English, which
    YASGUI writes itself)."""
    if lang == DEFAULT_LANGUAGE:
        return {"lang": lang, "words": {}, "forms": {}}
    return {
        "lang": lang,
        "words": {word: gettext(word) for word in EDITOR_WORDS},
        "forms": {name: gettext(form) for name, form in EDITOR_FORMS.items()},
    }


def inline_scripts() -> list[str]:
    """The text of each inline script of the editor page, as the browser hashes it (the
    scripts hold no template expression, so the template's text is the page's)."""
    source = (Path(__file__).resolve().parent / "templates" / "yasgui.html").read_text("utf-8")
    return re.findall(r"<script>(.*?)</script>", source, flags=re.DOTALL)
