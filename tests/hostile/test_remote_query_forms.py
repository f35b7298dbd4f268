"""The encoded dataset parameters a remote store's client keeps between queries
(``RemoteClient.query_form``) stay bounded whatever datasets clients' queries name: a
query's own ``FROM`` and ``FROM NAMED`` clauses are the client's, so a flood of queries
each naming thousands of other graphs must not grow a worker's memory."""

from __future__ import annotations

from urllib.parse import parse_qsl

from graph_loader.store.remote_http import (
    FORM_KEPT_CHARS,
    FORMS_KEPT,
    Endpoints,
    RemoteClient,
)


def test_a_flood_of_datasets_keeps_a_bounded_number_of_short_forms():
    client = RemoteClient(
        Endpoints.for_engine("http://127.0.0.1:9/query", engine="oxigraph"), timeout=1, retries=0
    )
    for n in range(300):
        params = [("default-graph-uri", f"urn:x-lamcoop-test:{n}-{i}") for i in range(n % 7 * 300)]
        form = client.query_form("ASK {}", params)
        # Each form still says the whole query and every graph, in order.
        assert parse_qsl(form) == [("query", "ASK {}"), *params]
    kept = client._forms
    assert 0 < len(kept) <= FORMS_KEPT
    assert all(len(encoded) <= FORM_KEPT_CHARS for encoded in kept.values())
