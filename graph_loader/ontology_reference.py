"""The static HTML reference of the ontology, in English: ``docs/ontology.html``.

``render_reference(graph)`` writes the data of :func:`graph_loader.ontology_terms.reference`
as one English page, each term with its labels in the three languages; ``python -m
graph_loader.ontology_reference docs/ontology.html`` writes the static copy. The service
serves the same data in the reader's language (``/ontology``,
``sparql_endpoint/linked_data/ontology_view.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import pyoxigraph as ox
from rdflib import Graph

from graph_loader.ontology_terms import ONTOLOGY, SECTIONS, Reference, anchor, reference
from graph_loader.resources import resource_dir
from graph_loader.safe_output import linkable
from graph_loader.store import ReadableStore
from graph_loader.vocab import pick_label, same_language

__all__ = ["ONTOLOGY", "SECTIONS", "anchor", "render_reference", "shipped_ontology"]

LANGUAGES = (("en", "English", "ltr"), ("fa", "فارسی", "rtl"), ("zh-Hans", "简体中文", "ltr"))
#: How the English page words an expression's parts.
JOINERS = {"union": " or ", "intersection": " and ", "chain": " then "}


def render_reference(graph: Graph) -> str:
    """The English HTML reference page of the ontology in ``graph``."""
    return render_data(reference(graph))


def render_data(data: Reference) -> str:
    """The English page of ``data``."""
    titles, descriptions = (
        {
            code: [lit.value for _, lit in said if same_language(lit.language or "", code)]
            for code, _, _ in LANGUAGES
        }
        for said in (data.titles, data.descriptions)
    )
    title = pick_label(data.titles)
    description = pick_label(data.descriptions)
    return _template().render(
        data=data,
        title=title.value if title else "",
        description=description.value if description else "",
        titles=titles,
        descriptions=descriptions,
        languages=LANGUAGES,
        direction=_direction,
        joiners=JOINERS,
    )


def _direction(tag: str | None) -> str:
    """The writing direction of a text in the language ``tag`` (English when untagged)."""
    found = [d for code, _, d in LANGUAGES if same_language(tag or "en", code)]
    return found[0] if found else "ltr"


def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("graph_loader", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests["linkable"] = linkable
    return env.get_template("ontology_reference.html")


def shipped_ontology() -> Graph:
    """The ontology file that ships with lamcoop."""
    return Graph().parse(resource_dir("ontology") / "lamcoop.ttl", format="turtle")


def ontology_from_store(store: ReadableStore, graph: str) -> Graph:
    """The ontology as loaded into ``graph`` of the store, for rendering what is served."""
    data = store.dump_graph(graph, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def write_reference(path: Path) -> None:
    """Write the reference of the shipped ontology to ``path`` (the static copy in docs/)."""
    path.write_text(render_reference(shipped_ontology()), encoding="utf-8")


if __name__ == "__main__":
    write_reference(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/ontology.html"))
