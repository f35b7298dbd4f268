"""The study's paradigm model (Figure 1 of seed 000) as boxes of codes for the home page.

Read as docs/queries/figure-1.rq reads it: each selective code of the figure in its role;
its frequency is the sum of those of the secondary codes of Table 6 it is drawn from.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph_loader.describe import Select
from graph_loader.vocab import pick_label, sparql_prefixes, text_of
from sparql_endpoint.linked_data.present import Text, as_text, local_name, local_path

#: The six roles, in the order the diagram lays them out.
ROLES = (
    "causal-conditions",
    "central-phenomenon",
    "strategies",
    "consequences",
    "contextual-conditions",
    "intervening-conditions",
)

PARADIGM_QUERY = (
    sparql_prefixes("skos", "lamc")
    + """\
SELECT ?selective ?role ?code ?label ?secondary ?freq WHERE {
  ?code skos:inScheme ?selective ; lamc:paradigmRole ?role ; skos:prefLabel ?label .
  OPTIONAL {
    VALUES ?match { skos:exactMatch skos:closeMatch }
    ?code ?match ?secondary . OPTIONAL { ?secondary lamc:frequency ?freq }
  }
}"""
)
ROLE_LABELS_QUERY = sparql_prefixes("skos") + (
    "SELECT ?scheme ?role ?label WHERE { ?role skos:inScheme ?scheme ; skos:prefLabel ?label }"
)


@dataclass
class Code:
    """A code in its role: label, link and frequency (None for the central phenomenon)."""

    text: Text
    href: str
    frequency: int | None


@dataclass
class Role:
    """One box of the diagram."""

    slug: str
    text: Text
    codes: list[Code] = field(default_factory=list)


def paradigm(select: Select, base: str, lang: str) -> list[Role]:
    """The six roles with their codes, most frequent first; empty when the study is absent."""
    selective = ox.NamedNode(base + "id/scheme/lam-study-selective-codes")
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    freqs: dict[str, dict[str, int]] = defaultdict(dict)
    roles_of: dict[str, str] = {}
    for r in select(PARADIGM_QUERY, {"selective": selective}):
        code = text_of(r["code"])
        roles_of[code] = text_of(r["role"])
        label = r["label"]
        if isinstance(label, ox.Literal) and label not in labels[code]:
            labels[code].append(label)
        if "secondary" in r and "freq" in r:
            freqs[code][text_of(r["secondary"])] = int(text_of(r["freq"]))
    if not roles_of:
        return []
    role_names = _role_labels(select, base)
    roles = {
        slug: Role(
            slug, _text(role_names.get(base + "id/concept/paradigm-model/" + slug), lang, slug)
        )
        for slug in ROLES
    }
    for code, role_iri in roles_of.items():
        slug = local_name(role_iri)
        if slug not in roles:
            continue
        total = sum(freqs[code].values()) if freqs[code] else None
        roles[slug].codes.append(
            Code(_text(labels[code], lang, local_name(code)), local_path(code, base), total)
        )
    for role in roles.values():
        role.codes.sort(key=lambda c: (-(c.frequency or 0), c.text.value))
    return [roles[slug] for slug in ROLES]


def _role_labels(select: Select, base: str) -> dict[str, list[ox.Literal]]:
    scheme = ox.NamedNode(base + "id/scheme/paradigm-model")
    found: dict[str, list[ox.Literal]] = defaultdict(list)
    for r in select(ROLE_LABELS_QUERY, {"scheme": scheme}):
        if isinstance(label := r["label"], ox.Literal):
            found[text_of(r["role"])].append(label)
    return found


def _text(literals: list[ox.Literal] | None, lang: str, fallback: str) -> Text:
    lit = pick_label(literals or [], lang=lang)
    return as_text(lit) if lit else Text(fallback.replace("-", " "))


#: Where each role sits, read left to right: (column x, row); causes -> phenomenon ->
#: strategies -> consequences in the middle row, the context above the strategies and the
#: intervening conditions below. A right-to-left diagram is its mirror image.
_GRID = {
    "causal-conditions": (10, 1),
    "central-phenomenon": (330, 1),
    "strategies": (650, 1),
    "consequences": (970, 1),
    "contextual-conditions": (650, 0),
    "intervening-conditions": (650, 2),
}
BOX_WIDTH = 300
LINE_HEIGHT = 20
WIDTH = 1280


@dataclass
class Box:
    """A role placed on the diagram."""

    role: Role
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Arrow:
    """One arrow of the model, from (x1, y1) to its head at (x2, y2)."""

    x1: int
    y1: int
    x2: int
    y2: int


@dataclass
class Diagram:
    """The placed boxes and arrows, the rows' tops and heights, the largest frequency (the
    bars' scale), and the direction it reads in (``rtl`` for a Persian page: mirrored)."""

    boxes: list[Box]
    arrows: list[Arrow]
    tops: list[int]
    heights: list[int]
    width: int
    height: int
    max_frequency: int
    direction: str = "ltr"

    def start_x(self, box: Box, inset: int) -> int:
        """Where a line of text in ``box`` starts reading: its left edge plus ``inset``, or
        its right edge minus it in a right-to-left diagram."""
        return box.x + BOX_WIDTH - inset if self.direction == "rtl" else box.x + inset

    def anchor(self, text: Text) -> str:
        """The SVG ``text-anchor`` that puts ``text`` against the reading-start edge: its
        start when it reads in the diagram's direction (or has none of its own), else its
        end (an English label in a Persian diagram ends at the right edge).

        >>> Diagram([], [], [], [], 0, 0, 1, "rtl").anchor(Text("x", "en"))
        'end'
        >>> Diagram([], [], [], [], 0, 0, 1, "rtl").anchor(Text("x", "fa"))
        'start'
        """
        own = text.dir
        return "start" if own in ("auto", self.direction) else "end"

    def bar_x(self, box: Box, width: float) -> float:
        """The left edge of a frequency bar ``width`` long that grows from the reading-start
        edge of ``box``."""
        if self.direction == "rtl":
            return round(box.x + BOX_WIDTH - 8 - width, 1)
        return box.x + 8


def layout(roles: list[Role], direction: str = "ltr") -> Diagram:
    """Place the six boxes and the arrows between them; each row is as tall as its longest
    box. ``direction="rtl"`` mirrors the whole figure, so that it flows right to left."""
    heights = [0, 0, 0]
    for role in roles:
        row = _GRID[role.slug][1]
        heights[row] = max(heights[row], 34 + LINE_HEIGHT * len(role.codes))
    tops = [10, 20 + heights[0], 30 + heights[0] + heights[1]]
    mid = tops[1] + 40
    centre = _GRID["strategies"][0] + BOX_WIDTH // 2
    arrows = [
        Arrow(310, mid, 328, mid),
        Arrow(630, mid, 648, mid),
        Arrow(950, mid, 968, mid),
        Arrow(centre, tops[0] + heights[0], centre, tops[1] - 2),
        Arrow(centre, tops[2], centre, tops[1] + heights[1] + 2),
    ]
    boxes = []
    for r in roles:
        x, row = _GRID[r.slug]
        boxes.append(Box(r, x, tops[row], heights[row]))
    if direction == "rtl":
        boxes = [Box(b.role, WIDTH - b.x - BOX_WIDTH, b.y, b.height) for b in boxes]
        arrows = [Arrow(WIDTH - a.x1, a.y1, WIDTH - a.x2, a.y2) for a in arrows]
    most = max((c.frequency or 0 for r in roles for c in r.codes), default=0)
    height = tops[2] + heights[2] + 10
    return Diagram(boxes, arrows, tops, heights, WIDTH, height, max(most, 1), direction)
