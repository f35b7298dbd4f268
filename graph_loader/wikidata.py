"""Wikidata items as people give them: the one reading of an item's id from text.

A register's party, a registry's item column and a reconciliation query's ``wikidata``
property may each name an item by its id (``Q7158``), ``wd:Q7158``, or any URL of it: the
page people copy from a browser (``https://www.wikidata.org/wiki/Q7158``, the mobile
site's, ``Special:EntityPage/Q7158``) or the entity's IRI, http or https.

>>> item_id("https://www.wikidata.org/wiki/Q7158"), item_id("<wd:q7158>"), item_id("Q0")
('Q7158', 'Q7158', None)
>>> item_iri("https://m.wikidata.org/wiki/Special:EntityPage/Q42")
'http://www.wikidata.org/entity/Q42'
"""

from __future__ import annotations

import re

#: The entity IRIs of items, as lamcoop writes them (``owl:sameAs`` links, registries).
ENTITY = "http://www.wikidata.org/entity/"
#: Every spelling of an item's entity IRI that data links to: lamcoop's, and https.
ENTITY_SPELLINGS = (ENTITY, "https://www.wikidata.org/entity/")
_ITEM = re.compile(
    r"(?:https?://(?:www\.|m\.)?wikidata\.org/(?:entity/|wiki/(?:Special:EntityPage/)?)|wd:)?"
    r"(Q[1-9]\d*)/?",
    re.IGNORECASE,
)


def item_id(text: str) -> str | None:
    """The id (``Q7158``) of the item ``text`` gives, or ``None``."""
    found = _ITEM.fullmatch(text.strip().strip("<>"))
    return found.group(1).upper() if found else None


def item_iri(text: str) -> str | None:
    """The entity IRI (``http://www.wikidata.org/entity/Q7158``) of the item ``text`` gives,
    or ``None``."""
    found = item_id(text)
    return ENTITY + found if found else None


def item_iris(text: str) -> list[str]:
    """Every spelling of the entity IRI of the item ``text`` gives (none for no item).

    >>> item_iris("Q42")
    ['http://www.wikidata.org/entity/Q42', 'https://www.wikidata.org/entity/Q42']
    """
    found = item_id(text)
    return [prefix + found for prefix in ENTITY_SPELLINGS] if found else []
