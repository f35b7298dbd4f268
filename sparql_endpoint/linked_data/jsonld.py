"""JSON-LD as people and JSON-LD clients read it: pyoxigraph's expanded output, compacted
with an ``@context`` of lamcoop's prefixes (:data:`graph_loader.vocab.PREFIXES`).

Only IRIs are shortened (property names, ``@id`` and ``@type`` values, to ``prefix:local``);
the structure stays as pyoxigraph wrote it, so the document reads back to the same triples.
An IRI whose scheme is also a prefix name (``geo:37.8,-122.4`` beside the ``geo:`` prefix)
would read back wrongly as a compact IRI, so such a prefix is left out of that document's
context and nothing is shortened with it.

>>> import json
>>> expanded = [{"@id": "https://w3id.org/lamcoop/id/x",
...   "http://www.w3.org/2004/02/skos/core#prefLabel": [{"@value": "x", "@language": "en"}],
...   "https://w3id.org/lamcoop/ontology#since": [
...     {"@value": "2001", "@type": "http://www.w3.org/2001/XMLSchema#gYear"}]}]
>>> doc = compact(expanded, {"skos": "http://www.w3.org/2004/02/skos/core#",
...   "xsd": "http://www.w3.org/2001/XMLSchema#", "lamc": "https://w3id.org/lamcoop/ontology#",
...   "owl": "http://www.w3.org/2002/07/owl#"})
>>> doc["@context"]
{'lamc': 'https://w3id.org/lamcoop/ontology#', 'skos': 'http://www.w3.org/2004/02/skos/core#', \
'xsd': 'http://www.w3.org/2001/XMLSchema#'}
>>> doc["@graph"][0]["lamc:since"]
[{'@value': '2001', '@type': 'xsd:gYear'}]
>>> compact([{"@id": "geo:1,2"}], {"geo": "http://www.w3.org/2003/01/geo/wgs84_pos#"})
{'@context': {}, '@graph': [{'@id': 'geo:1,2'}]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

#: Keys whose values are IRIs (besides property names), shortened like them.
_IRI_KEYS = frozenset({"@id", "@type"})


def compact(expanded: list[Any], prefixes: Mapping[str, str]) -> dict[str, Any]:
    """``expanded`` (a JSON-LD document in expanded form) with IRIs shortened by
    ``prefixes``, under an ``@context`` naming the prefixes it uses."""
    iris: set[str] = set()
    _collect(expanded, iris)
    schemes = {iri.split(":", 1)[0] for iri in iris if ":" in iri}
    usable = {name: ns for name, ns in prefixes.items() if name not in schemes}
    used: set[str] = set()
    graph = _rewrite(expanded, _Shortener(usable, used))
    return {"@context": {name: usable[name] for name in sorted(used)}, "@graph": graph}


def compact_bytes(expanded_json: bytes, prefixes: Mapping[str, str]) -> bytes:
    """:func:`compact` from and to UTF-8 JSON."""
    document = compact(json.loads(expanded_json or b"[]"), prefixes)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Shortener:
    """Shortens IRIs by the longest namespace that prefixes them, noting the prefixes used."""

    def __init__(self, prefixes: Mapping[str, str], used: set[str]):
        self._by_length = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self._used = used

    def __call__(self, iri: str) -> str:
        for name, namespace in self._by_length:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                self._used.add(name)
                return f"{name}:{local}"
        return iri


def _collect(node: Any, iris: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _collect(item, iris)
    elif isinstance(node, dict):
        for key, value in node.items():
            if not key.startswith("@"):
                iris.add(key)
                _collect(value, iris)
            elif key in _IRI_KEYS and isinstance(value, str):
                iris.add(value)
            elif key in _IRI_KEYS and isinstance(value, list):
                iris.update(v for v in value if isinstance(v, str))
            elif key == "@graph":
                _collect(value, iris)


def _rewrite(node: Any, short: _Shortener) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, short) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if not key.startswith("@"):
            out[short(key)] = _rewrite(value, short)
        elif key in _IRI_KEYS and isinstance(value, str):
            out[key] = _iri(value, short)
        elif key in _IRI_KEYS and isinstance(value, list):
            out[key] = [_iri(v, short) for v in value]
        elif key == "@graph":
            out[key] = _rewrite(value, short)
        else:
            out[key] = value
    return out


def _iri(value: Any, short: _Shortener) -> Any:
    """An ``@id`` or ``@type`` value shortened (blank nodes and non-strings as they are)."""
    return short(value) if isinstance(value, str) and not value.startswith("_:") else value
