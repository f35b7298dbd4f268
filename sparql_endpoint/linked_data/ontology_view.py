"""The ontology's reference page in the reader's language: the data of
:func:`graph_loader.ontology_terms.reference` with, for each term, the label and definition
:func:`~graph_loader.vocab.pick_label` gives the reader (marked when they fall back to
another language), and the interface words from the catalogues (``ld/ontology.html``).

>>> import pyoxigraph as ox
>>> words = Words("fa", {})
>>> said = words.say([("", ox.Literal("Library", language="en")),
...                   ("", ox.Literal("کتابخانه", language="fa"))])
>>> said.text.value, said.text.dir, said.fallback
('کتابخانه', 'rtl', False)
>>> words.say([("", ox.Literal("A library of a university", language="en"))]).fallback
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import render_template

from graph_loader.ontology_terms import Entry, Ref, Reference
from graph_loader.safe_output import linkable
from graph_loader.vocab import Labelled, pick_label, same_language
from sparql_endpoint.linked_data.documents import DOC_FORMATS
from sparql_endpoint.linked_data.present import Text, as_text, text_dir

#: The languages each term's labels are listed in, in this order.
LISTED = ("en", "fa", "zh-Hans")


@dataclass(frozen=True)
class Said:
    """A label or definition as the reader sees it; ``fallback`` when it is not in the
    reader's language (the page marks it with the language it is in)."""

    text: Text
    fallback: bool


@dataclass(frozen=True)
class Words:
    """Picks the words of one language; ``terms`` are the labels every page names terms by
    (:func:`~sparql_endpoint.linked_data.entities.term_labels`: the ontology's, and lamcoop's
    for other vocabularies' terms in the languages the ontology does not label them in)."""

    lang: str
    terms: Mapping[str, Sequence[Labelled]]

    def say(self, labels: Sequence[Labelled], translated: Sequence[str] = ()) -> Said | None:
        """The one of ``labels`` the reader reads (:func:`pick_label`), or ``None``."""
        chosen = pick_label(labels, lang=self.lang)
        if chosen is None:
            return None
        fallback = not same_language(chosen.language or "", self.lang)
        return Said(as_text(chosen, translated), fallback)

    def name(self, ref: Ref) -> Said | None:
        """A term's label, as other pages name it (the ontology's own when no page does)."""
        return self.say(self.terms.get(ref.iri) or ref.labels)

    def listed(self, entry: Entry) -> list[tuple[str, list[Text]]]:
        """Each listed language with the term's labels in it (marked when translated)."""
        return [
            (code, [Text(v, code, _marked(code, entry.translated)) for v in entry.labels_in(code)])
            for code in LISTED
        ]


def _marked(code: str, translated: Sequence[str]) -> bool:
    return any(same_language(t, code) for t in translated)


def render(data: Reference, lang: str, terms: Mapping[str, Sequence[Labelled]]) -> str:
    """The page of ``data`` for a reader of ``lang`` (inside a request: the words come from
    its catalogue)."""
    return render_template(
        "ld/ontology.html",
        lang=lang,
        dir=text_dir(lang),
        data=data,
        words=Words(lang, terms),
        formats=DOC_FORMATS,
        version_href=data.version_iri if linkable(data.version_iri) else "",
        license_href=data.license if linkable(data.license) else "",
    )
