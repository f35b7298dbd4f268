"""The home page's counts and lists, the per-kind lists, search and suggestions, all read
from the index (graph_loader.index) over a real store and the real app."""

from __future__ import annotations

import re

import pytest

from graph_loader.store import open_store
from tests.conftest import service_client
from tests.pages_index_support import (
    EX,
    LABELS_TTL,
    LAMC,
    TEST_GRAPH,
    TOKEN,
    auth,
    index_graphs,
    sparql_counts,
)


@pytest.fixture(scope="module")
def app(tmp_path_factory, dataset_store):
    """The service with an update token over its own copy of the built dataset, with the
    test labels put through the Graph Store: (client, store)."""
    store = open_store(dataset_store.copy(tmp_path_factory.mktemp("pages-index") / "store"))
    try:
        with service_client(store, update_token=TOKEN) as client:
            r = client.put(
                "/graph-store",
                query_string={"graph": TEST_GRAPH},
                data=LABELS_TTL.encode(),
                headers={"Content-Type": "text/turtle", **auth()},
            )
            assert r.status_code in (201, 204), r.text
            yield client, store
    finally:
        store.close()


def home_counts(client) -> dict[str, int]:
    html = client.get("/").text
    return {k: int(n) for n, k in re.findall(r"<strong>(\d+)</strong> <a href=\"/list/(\w+)", html)}


def search(client, q: str, **params) -> dict:
    r = client.get("/search", query_string={"q": q, "format": "json", **params})
    assert r.status_code == 200, r.text
    return r.get_json()


def test_home_counts_equal_sparql_counts_of_the_entry_kinds(app):
    client, store = app
    counts = home_counts(client)
    assert counts == sparql_counts(store)
    listed = client.get("/list/agreements?format=json&size=500").get_json()["items"]
    agreements = {
        r["s"].value
        for r in store.query(
            "SELECT DISTINCT ?s WHERE { ?s a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
            f"<{LAMC}Agreement> FILTER(isIRI(?s)) }}",
            default_graph=index_graphs(store),
        )
    }  # fmt: skip  (the examples' graph is not indexed: they are no data of the store's)
    assert {item["iri"] for item in listed} == agreements  # provisions are not agreements
    assert not {"audits", "distributions", "datasets", "provisions"} & counts.keys()


def test_a_write_changes_the_counts_and_undoing_it_restores_them(app):
    client, store = app
    before = home_counts(client)
    ttl = "@prefix lamc: <https://w3id.org/lamcoop/ontology#> .\n" + "".join(
        f"<{EX}agreement-{i}> a lamc:ServiceAgreement .\n" for i in range(3)
    )
    graph = "urn:x-lamcoop-test:agreements"
    r = client.put(
        "/graph-store",
        query_string={"graph": graph},
        data=ttl.encode(),
        headers={"Content-Type": "text/turtle", **auth()},
    )
    assert r.status_code == 201, r.text
    assert home_counts(client)["agreements"] == before["agreements"] + 3
    assert home_counts(client) == sparql_counts(store)
    update = f"DELETE WHERE {{ GRAPH <{graph}> {{ <{EX}agreement-0> ?p ?o }} }}"
    r = client.post(
        "/sparql",
        data=update.encode(),
        headers={"Content-Type": "application/sparql-update", **auth()},
    )
    assert r.status_code == 204, r.text
    assert home_counts(client)["agreements"] == before["agreements"] + 2
    r = client.delete("/graph-store", query_string={"graph": graph}, headers=auth())
    assert r.status_code == 204
    assert home_counts(client) == before


def test_paging_walks_every_instance_exactly_once_in_label_order(app):
    client, store = app
    expected = sparql_counts(store)["concepts"]
    seen: list[str] = []
    keys: list[str] = []
    url: str | None = "/list/concepts?format=json&size=37"
    while url:
        page = client.get(url).get_json()
        assert page["total"] == expected
        seen += [item["iri"] for item in page["items"]]
        keys += [item["label"] for item in page["items"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == expected
    from graph_loader.normalise import fold

    assert [fold(k) for k in keys] == sorted(fold(k) for k in keys)


def test_list_pages_in_html_link_to_the_next_page(app):
    client, _ = app
    first = client.get("/list/institutions?size=5")
    assert first.status_code == 200
    assert first.text.count("<li>") == 5
    nxt = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert nxt is not None
    second = client.get(nxt.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and second.text.count("<li>") == 5
    assert client.get("/list/no-such-kind").status_code == 404


@pytest.mark.parametrize(
    ("typed", "iri"),
    [
        ("bibliotheque", "bnf"),
        ("BIBLIOTHEQUE NATIONALE", "bnf"),
        ("كتابخانه ملي", "nlai"),  # Arabic kaf and yeh for the Persian ک and ی
        ("كتابخانة ملي ايران", "nlai"),
        ("大学图", "pku"),  # a Chinese substring
        ("图书", "pku"),  # two characters: by bigrams
        ("国家图书馆", "ncl"),  # simplified finds traditional
        ("FR-751131015", "bnf"),  # ISIL, exact
        ("Q193563", "bnf"),  # Wikidata id, exact
    ],
)
def test_search_folds_what_readers_type(app, typed, iri):
    """Among institutions: the dataset of record's concepts in Chinese fill a page of 图书."""
    client, _ = app
    found = search(client, typed, type="institutions")["results"]
    assert EX + iri in [r["iri"] for r in found]


def test_identifiers_match_only_exactly(app):
    client, _ = app
    assert EX + "bnf" not in [r["iri"] for r in search(client, "FR-7511")["results"]]


def test_ranking_exact_then_prefix_then_contained_and_the_readers_language_first(app):
    client, _ = app
    found = search(client, "zyxwlib")["results"]
    assert [r["iri"] for r in found] == [EX + "exact", EX + "prefix", EX + "contained"]
    assert [r["match"] for r in found] == ["exact", "prefix", "contained"]
    for lang in ("fa", "en"):
        first = search(client, "qwkitab", lang=lang)["results"][0]
        assert first["iri"] == EX + f"kitab-{lang}"


def test_search_json_shape_facets_and_pages(app):
    client, _ = app
    found = search(client, "library")
    assert set(found) == {
        "q",
        "lang",
        "type",
        "page",
        "total",
        "capped",
        "facets",
        "results",
        "next",
    }
    assert set(found["results"][0]) == {
        "iri", "href", "label", "lang", "matched", "matched_lang", "match", "kinds",
    }  # fmt: skip
    assert found["facets"]["institutions"] >= 1
    only = search(client, "library", type="institutions")
    assert only["total"] == found["facets"]["institutions"]
    assert all("institutions" in r["kinds"] for r in only["results"])
    if found["next"]:
        second = client.get(found["next"]).get_json()
        assert second["page"] == 2
        assert not {r["iri"] for r in second["results"]} & {r["iri"] for r in found["results"]}
    html = client.get("/search", query_string={"q": "bibliotheque"}).text
    assert f'href="{EX}bnf"' in html


def test_suggestions_for_the_search_box(app):
    client, _ = app
    r = client.get("/search/complete", query_string={"q": "zyxw"})
    assert r.status_code == 200
    got = [s["iri"] for s in r.get_json()["suggestions"]]
    assert got[:2] == [EX + "exact", EX + "prefix"]
    assert EX + "contained" not in got


def test_every_worker_of_a_real_server_searches_what_a_write_just_added(http_server):
    """uWSGI's workers read the index from the store's directory, each under the read lock:
    after a write through one of them, every later search sees it, whichever answers."""
    import requests

    from tests.servers import HTTP_DEADLINE

    label = "Ornithopter Gesamtbibliothek"
    http_server.update(
        f"INSERT DATA {{ GRAPH <urn:x-lamcoop-test:served> {{ <{EX}orni> "
        f'<http://www.w3.org/2000/01/rdf-schema#label> "{label}"@de }} }}'
    )
    for _ in range(4 * http_server.workers):
        r = requests.get(
            http_server.url + "/search",
            params={"q": "gesamtbibliothek", "format": "json"},
            timeout=HTTP_DEADLINE,
        )
        assert r.status_code == 200
        assert EX + "orni" in [x["iri"] for x in r.json()["results"]]
    http_server.update("DROP GRAPH <urn:x-lamcoop-test:served>")
    r = requests.get(
        http_server.url + "/search",
        params={"q": "gesamtbibliothek", "format": "json"},
        timeout=HTTP_DEADLINE,
    )
    assert EX + "orni" not in [x["iri"] for x in r.json()["results"]]


def test_every_worker_reconciles_what_a_write_just_added(http_server):
    """Reconciliation reads the index each write keeps up to date: a new institution is a
    candidate at once, whichever worker answers, and is gone once its graph is dropped."""
    import json

    import requests

    from tests.servers import HTTP_DEADLINE

    def candidates() -> list[str]:
        batch = {"q0": {"query": "Ornithopter Landesbibliothek", "type": LAMC + "Library"}}
        r = requests.post(
            http_server.url + "/reconcile",
            data={"queries": json.dumps(batch)},
            timeout=HTTP_DEADLINE,
        )
        assert r.status_code == 200, r.text
        return [c["id"] for c in r.json()["q0"]["result"] if c["match"]]

    http_server.update(
        f"INSERT DATA {{ GRAPH <urn:x-lamcoop-test:reconciled> {{ <{EX}orni> a <{LAMC}Library> ;"
        ' <http://www.w3.org/2000/01/rdf-schema#label> "Ornithopter-Landesbibliothek"@de } }'
    )
    for _ in range(4 * http_server.workers):
        assert candidates() == [EX + "orni"]
    http_server.update("DROP GRAPH <urn:x-lamcoop-test:reconciled>")
    assert candidates() == []


TEXT_PREFIXES = """PREFIX text: <https://w3id.org/lamcoop/text#>
PREFIX lamc: <https://w3id.org/lamcoop/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def select(client, query: str) -> list[dict]:
    r = client.get(
        "/sparql",
        query_string={"query": TEXT_PREFIXES + query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.text
    return r.get_json()["results"]["bindings"]


def test_sparql_text_score_combines_the_index_with_a_graph_pattern(app):
    client, _ = app
    rows = select(
        client,
        """SELECT ?x ?score WHERE {
          ?x a lamc:Library .
          BIND(text:score(?x, "zyxwlib") AS ?score) FILTER(BOUND(?score))
        } ORDER BY ?score ?x""",
    )
    got = [(r["x"]["value"], int(r["score"]["value"])) for r in rows]
    assert got == [(EX + "exact", 1), (EX + "prefix", 2), (EX + "contained", 3)]
    isil = select(client, f'SELECT ?s WHERE {{ VALUES ?x {{ <{EX}bnf> }} '
                  'BIND(text:score(?x, "fr-751131015") AS ?s) }')  # fmt: skip
    assert isil[0]["s"]["value"] == "1"


def test_sparql_text_matches_folds_literals(app):
    client, _ = app
    rows = select(
        client,
        """SELECT ?x WHERE {
          ?x a lamc:NationalLibrary ; skos:prefLabel ?l .
          FILTER(text:matches(?l, "bibliotheque") || text:matches(?l, "كتابخانه ملي"))
        } ORDER BY ?x""",
    )
    found = {r["x"]["value"] for r in rows}
    assert {EX + "bnf", EX + "nlai"} <= found
    assert EX + "ncl" not in found


def test_the_service_description_names_the_text_functions(app):
    client, _ = app
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    for name in ("matches", "score"):
        assert f"<https://w3id.org/lamcoop/text#{name}>" in r.text


def test_a_new_subclass_counts_the_entities_of_other_graphs(app):
    client, store = app
    before = home_counts(client)

    def put(graph: str, ttl: str) -> None:
        r = client.put(
            "/graph-store",
            query_string={"graph": graph},
            data=ttl.encode(),
            headers={"Content-Type": "text/turtle", **auth()},
        )
        assert r.status_code in (201, 204), r.text

    put("urn:x-lamcoop-test:things", f"<{EX}thing> a <{EX}Bookmobile> .")
    assert home_counts(client) == before
    axiom = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
    put("urn:x-lamcoop-test:axioms", f"<{EX}Bookmobile> {axiom} <{LAMC}Institution> .")
    assert home_counts(client)["institutions"] == before["institutions"] + 1
    assert home_counts(client) == sparql_counts(store)
    for graph in ("urn:x-lamcoop-test:things", "urn:x-lamcoop-test:axioms"):
        assert (
            client.delete("/graph-store", query_string={"graph": graph}, headers=auth()).status_code
            == 204
        )
    assert home_counts(client) == before


def test_the_ontology_page_is_made_once_per_data_version(app):
    client, _ = app
    first = client.get("/ontology.ttl")
    assert first.status_code == 200
    assert client.get("/ontology.ttl").data == first.data
    onto = "https://w3id.org/lamcoop/graph/ontology"
    triple = f'<{LAMC}Zyxwclass> <http://www.w3.org/2000/01/rdf-schema#label> "zyxw class"@en'
    for update in (f"INSERT DATA {{ GRAPH <{onto}> {{ {triple} }} }}",
                   f"DELETE DATA {{ GRAPH <{onto}> {{ {triple} }} }}"):  # fmt: skip
        r = client.post(
            "/sparql",
            data=update.encode(),
            headers={"Content-Type": "application/sparql-update", **auth()},
        )
        assert r.status_code == 204, r.text
        shown = client.get("/ontology.ttl").text
        assert ("Zyxwclass" in shown) is update.startswith("INSERT")
