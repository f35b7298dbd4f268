"""How many times a first (uncached) ``/doc`` document reads the store: at most three (issue
14), counted at the store every read goes through, not timed. A read is a query or a
description (:meth:`~graph_loader.store.ReadableStore.describe_entity`, which the embedded
store answers by pattern look-ups, without SPARQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import service_client

#: Entities of the dataset of record with statements pointing at them, citations (blank
#: nodes), labels of what they point to; and the example museum (coordinates).
ENTITIES = (
    "institution/calis",
    "institution/guangdong-network-library",
    "agreement/national-book-coordination-plan-1957",
    "institution/test-museum",
)


class CountingStore:
    """The session's real store, with every query's text and every description asked of it
    kept in order."""

    def __init__(self, store: Any):
        self._store = store
        self.reads: list[str] = []

    def query(self, sparql: str, **kwargs: Any) -> Any:
        self.reads.append(sparql)
        return self._store.query(sparql, **kwargs)

    def describe_entity(self, iri: str, **kwargs: Any) -> Any:
        self.reads.append(f"describe {iri}")
        return self._store.describe_entity(iri, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.fixture
def counted(dataset_reader) -> Iterator[tuple[Any, CountingStore]]:
    """A fresh service (nothing made yet) over the dataset store, and its counting store."""
    store = CountingStore(dataset_reader)
    with service_client(store) as client:
        yield client, store


@pytest.mark.parametrize("ext", ["ttl", "html", "nq", "jsonld"])
def test_a_first_document_reads_the_store_at_most_three_times(counted, ext):
    client, store = counted
    for rest in ENTITIES:
        store.reads.clear()
        response = client.get(f"/doc/{rest}.{ext}")
        assert response.status_code == 200
        assert response.data
        assert 1 <= len(store.reads) <= 3, (rest, ext, len(store.reads))


def test_a_turtle_document_is_one_read_with_its_page_of_incoming_statements(counted):
    client, store = counted
    response = client.get("/doc/institution/calis.ttl")
    assert response.status_code == 200
    assert b"foaf:primaryTopic" in response.data
    assert store.reads == ["describe https://w3id.org/lamcoop/id/institution/calis"]
    store.reads.clear()
    # Past the last page of incoming statements: one read too, then 404.
    assert client.get("/doc/institution/calis.ttl?page=9").status_code == 404
    assert len(store.reads) == 1


def test_a_document_asked_again_reads_nothing(counted):
    client, store = counted
    first = client.get("/doc/institution/calis.html")
    store.reads.clear()
    again = client.get("/doc/institution/calis.html")
    assert again.status_code == 200
    assert again.data == first.data
    assert store.reads == []


def test_an_unknown_entity_is_404_after_a_bounded_number_of_reads(counted):
    client, store = counted
    response = client.get("/doc/institution/no-such-thing.ttl")
    assert response.status_code == 404
    # The stem, then the whole path (an entity may end in ".ttl"): described, then looked up.
    assert len(store.reads) == 4
