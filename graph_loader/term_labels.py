"""Labels of other vocabularies' terms (SKOS, DCTERMS, RDFS, OWL, VoID, DCAT...) in English,
Persian and Chinese, for the terms the ontology does not label itself: words for people
(entity pages, the column names of a register), in no graph of the store.

>>> [str(label) for label in sorted(external_labels()["http://purl.org/dc/terms/title"], key=str)]
['"title"@en', '"عنوان"@fa', '"题名"@zh-hans']
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph_loader.vocab import RDFS

#: The labels, in Turtle.
TERM_LABELS_FILE = Path(__file__).resolve().parent / "term_labels.ttl"


def external_labels(path: Path = TERM_LABELS_FILE) -> dict[str, list[ox.Literal]]:
    """The ``rdfs:label``s of :data:`TERM_LABELS_FILE`, by term IRI."""
    found: dict[str, list[ox.Literal]] = {}
    for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == RDFS + "label" and isinstance(triple.object, ox.Literal):
            found.setdefault(triple.subject.value, []).append(triple.object)
    return found
