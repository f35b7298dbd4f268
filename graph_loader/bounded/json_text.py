"""JSON registers read within limits, each refusal naming its JSON path.

:func:`json.loads` recurses once per level of nesting (a ``RecursionError`` deep down) and
turns a long run of digits into an ``int`` (Python refuses over 4,300 digits with a
``ValueError``). :func:`loads` first walks the text's tokens, keeping the JSON path, and
refuses nesting, numbers and strings over the limits of :mod:`graph_loader.bounded`; a
text that passes is then parsed by :mod:`json`, whose syntax errors carry line and column.

>>> loads('{"agreements": [{"id": "a", "year": 2020}]}')
{'agreements': [{'id': 'a', 'year': 2020}]}
>>> loads('[{"id": "a", "n": 1' + '0' * 200 + '}]')
Traceback (most recent call last):
...
graph_loader.bounded.Refused: a number of 201 characters, over the limit of 100
>>> loads('[' * 40 + ']' * 40)
Traceback (most recent call last):
...
graph_loader.bounded.Refused: nesting deeper than 32 arrays and objects
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from graph_loader.bounded import CELL_LIMIT, JSON_DEPTH_LIMIT, JSON_NUMBER_LIMIT, Refused

_TOKEN = re.compile(
    r'"(?:[^"\\]++|\\.)*+"|-?[0-9][0-9.eE+\-]*+|[\[\]{}:,]|\s++|[^\s"\[\]{}:,]++|"', re.S
)


def loads(text: str) -> Any:
    """The JSON value of ``text`` (floats as :class:`~decimal.Decimal`), or
    :class:`~graph_loader.bounded.Refused` with the JSON path of what is over a limit."""
    check(text)
    return json.loads(text, parse_float=Decimal)


def check(text: str) -> None:
    """Walk ``text`` and refuse the first value over a limit; leave syntax errors to
    :mod:`json` (which names their line and column)."""
    stack: list[_Frame] = []
    for token in _TOKEN.finditer(text):
        value = token.group()
        first = value[0]
        top = stack[-1] if stack else None
        if first.isspace() or first == ":":
            continue
        if first in "[{":
            if len(stack) >= JSON_DEPTH_LIMIT:
                raise Refused(
                    f"nesting deeper than {JSON_DEPTH_LIMIT} arrays and objects",
                    path=_path(stack),
                )
            stack.append(_Frame(array=first == "["))
        elif first in "]}":
            if not stack:
                return
            stack.pop()
        elif first == ",":
            if top is not None:
                top.next()
        elif first == '"':
            if len(value) < 2:
                return  # an unterminated string: a syntax error for json to report
            if len(value) - 2 > CELL_LIMIT:
                raise Refused(
                    f"a string of {len(value) - 2:,} characters, over the limit of "
                    f"{CELL_LIMIT:,} for one value",
                    path=_path(stack),
                )
            if top is not None and top.wants_key:
                top.key, top.wants_key = _key(value), False
        elif (first == "-" or first.isdigit()) and len(value) > JSON_NUMBER_LIMIT:
            raise Refused(
                f"a number of {len(value):,} characters, over the limit of {JSON_NUMBER_LIMIT}",
                path=_path(stack),
            )


class _Frame:
    """An open array (its index) or object (its key, or whether a key comes next)."""

    def __init__(self, *, array: bool):
        self.array = array
        self.index = 0
        self.key: str | None = None
        self.wants_key = not array

    def next(self) -> None:
        """After a comma: the next element, or the next member's key."""
        if self.array:
            self.index += 1
        else:
            self.key, self.wants_key = None, True


def _key(token: str) -> str:
    try:
        return str(json.loads(token))
    except ValueError:
        return token[1:-1]


def _path(stack: list[_Frame]) -> str:
    """The JSON path (``$.agreements[3].title``) of the value now being read."""
    parts = ["$"]
    for frame in stack:
        if frame.array:
            parts.append(f"[{frame.index}]")
        elif frame.key is not None:
            name = frame.key
            parts.append(f".{name}" if re.fullmatch(r"[A-Za-z_]\w*", name) else f"[{name!r}]")
    return "".join(parts)
