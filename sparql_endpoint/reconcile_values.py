"""The type and property values of a reconciliation query, as the specifications' schemas
allow them (0.2 and the 1.0 draft alike): a type or a list of types; a property value that
is a string, a number, a boolean or an entity (``{"id": ..., "name": ...}``), or a list of
them. Each is read here once for both versions, and anything else is refused naming its
JSON path.

>>> type_ids(["lamc:Library", "lamc:Museum"], "queries.q0.type")
('lamc:Library', 'lamc:Museum')
>>> property_texts(["DE-1", {"id": "DE-2", "name": "x"}, 7, True], "v")
('DE-1', 'DE-2', '7', 'true')
>>> property_texts([["nested"]], "queries.q0.properties[0].v")
Traceback (most recent call last):
...
sparql_endpoint.reconcile_values.Refused: queries.q0.properties[0].v[0]: expected a string, \
a number, a boolean or an entity {"id": ...}
"""

from __future__ import annotations

from typing import Any

#: ``type_strict`` values of the 0.2 specification; "all" asks for every type named.
TYPE_STRICT = ("any", "should", "all")


class Refused(Exception):
    """A request the reconciliation services cannot read: 400 naming the place."""


def type_ids(given: Any, where: str, *, several: bool = True) -> tuple[str, ...]:
    """The type ids of a query's ``type`` (absent: none); a list of them only when
    ``several`` (0.2 allows one, the 1.0 draft does not)."""
    if given is None:
        return ()
    if isinstance(given, str):
        return (given,)
    if several and isinstance(given, list) and all(isinstance(t, str) for t in given):
        return tuple(given)
    raise Refused(f"{where}: expected a type id (a string){' or a list of them' * several}")


def property_texts(given: Any, where: str) -> tuple[str, ...]:
    """The values of a property condition as text: an entity by its id, a boolean as
    ``true``/``false``, a number as written by JSON."""
    if not isinstance(given, list):
        return (_text(given, where),)
    return tuple(_text(v, f"{where}[{n}]") for n, v in enumerate(given))


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    raise Refused(f'{where}: expected a string, a number, a boolean or an entity {{"id": ...}}')
