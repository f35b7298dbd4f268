"""The HTML reference: each term with its anchor and three-language labels; the static copy."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from graph_loader.build import BuildContext, load_shipped_files
from graph_loader.ontology_reference import (
    SECTIONS,
    anchor,
    ontology_from_store,
    render_reference,
    shipped_ontology,
    write_reference,
)
from graph_loader.settings import resolve_settings

LAMC = "https://w3id.org/lamcoop/ontology#"
VOID = {"meta", "link", "br", "img", "input", "hr", "wbr"}


class Page(HTMLParser):
    """Ids, internal links, and the text inside each element with a lang attribute."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.texts: list[tuple[str, str, str]] = []  # (lang, dir, text)
        self._open: list[tuple[str, str, str] | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag in VOID:
            return
        tracked = "lang" in a and tag != "html"
        self._open.append((a["lang"], a.get("dir", ""), "") if tracked else None)

    def handle_endtag(self, tag):
        if tag not in VOID and self._open:
            done = self._open.pop()
            if done is not None:
                self.texts.append((done[0], done[1], done[2].strip()))

    def handle_data(self, data):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i] is not None:
                lang, direction, text = self._open[i]
                self._open[i] = (lang, direction, text + data)
                break


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return shipped_ontology()


@pytest.fixture(scope="module")
def page(ontology) -> Page:
    return Page(render_reference(ontology))


def every_term(ontology: Graph) -> set[URIRef]:
    return {
        s for _, _, kind in SECTIONS for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }  # fmt: skip


def test_every_class_property_and_individual_has_its_anchor(ontology, page):
    terms = every_term(ontology)
    assert len(terms) > 200
    missing = sorted(str(t) for t in terms if anchor(str(t)) not in page.ids)
    assert not missing, f"terms without an anchor: {missing}"
    assert "Institution" in page.ids and "standard/marc-21" in page.ids
    assert "org:Organization" in page.ids


def test_anchors_are_unique_and_internal_links_resolve(ontology, page):
    anchors = [anchor(str(t)) for t in every_term(ontology)]
    assert len(anchors) == len(set(anchors))
    broken = sorted(set(page.links) - page.ids)
    assert not broken, f"links to anchors the page lacks: {broken}"


def test_labels_appear_in_their_language_and_direction(ontology, page):
    shown = {(lang, text) for lang, _, text in page.texts}
    directions = {(lang, direction) for lang, direction, _ in page.texts if lang != "en"}
    assert ("fa", "rtl") in directions and ("zh-Hans", "ltr") in directions
    assert not {d for lang, d in directions if lang == "fa"} - {"rtl"}
    missing = []
    for term in every_term(ontology):
        if not str(term).startswith(LAMC):
            continue
        for label in ontology.objects(term, RDFS.label):
            if (label.language, str(label)) not in shown:
                missing.append(f"{term} {label!r}@{label.language}")
    assert not missing, missing


def test_definitions_domains_and_superclasses_are_shown(ontology):
    html = render_reference(ontology)
    start = html.index('id="AcademicLibrary"')
    section = html[start : html.index("</section>", start)]
    assert 'href="#Library"' in section
    assert "A library of a university" in section
    start = html.index('id="party"')
    section = html[start : html.index("</section>", start)]
    assert 'href="#Agreement"' in section and 'href="#Institution"' in section
    start = html.index('id="fundingModel"')
    assert "(org:Organization or lamc:Agreement)" in html[start : html.index("</section>", start)]


def test_text_is_escaped():
    graph = Graph()
    term = URIRef(LAMC + "Odd")
    graph.add((term, RDF.type, OWL.Class))
    graph.add((term, RDFS.label, Literal("<script>alert(1)</script>", lang="en")))
    html = render_reference(graph)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_static_copy_in_docs_is_up_to_date(repo_root, ontology, tmp_path):
    fresh = tmp_path / "ontology.html"
    write_reference(fresh)
    shipped = repo_root / "docs" / "ontology.html"
    assert shipped.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        "docs/ontology.html is stale: run python -m graph_loader.ontology_reference"
    )


def test_the_page_rendered_from_the_store_matches_the_file(store, tmp_path, ontology):
    settings = resolve_settings(config_file=None, environ={}, overrides={"store": str(tmp_path)})
    load_shipped_files(BuildContext(store, settings))
    loaded = ontology_from_store(store, settings.graph_iri("ontology"))
    assert len(loaded) == len(ontology)
    assert render_reference(loaded) == render_reference(ontology)
