"""The front's cache of entity documents and ``/id`` redirects (sparql_endpoint/front_cache.py)
in a real server with real keep-alive clients: a repeated request is answered without a
worker, by the exact bytes a worker gave, with its own Date; HEAD and If-None-Match (strong
and weak) from the cache too; every request header that could change the answer keeps
answers apart (Accept, Accept-Language, ``lang=``); a write through SPARQL Update, the
Graph Store or ``lamcoop load`` run beside the server is seen at once; and a connection
stays open through 204s (uWSGI's router closes its own after them)."""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import requests

from graph_loader.graphs import SHIPPED_BASE
from tests.conftest import HTTP_TOKEN
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer

pytestmark = pytest.mark.slow

GRAPH = "urn:x-lamcoop-test:front"
STEM = "x-lamcoop-test/front-thing"
THING = f"{SHIPPED_BASE}id/{STEM}"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DOC_ROUTE = 'route="/doc/<path:rest>"'
ID_ROUTE = 'route="/id/<path:rest>"'


@pytest.fixture(scope="module")
def server(http_server: RunningServer) -> RunningServer:
    http_server.update(
        f"DROP SILENT GRAPH <{GRAPH}> ; INSERT DATA {{ GRAPH <{GRAPH}> {{ "
        f'<{THING}> <{LABEL}> "first"@en , "یکم"@fa . }} }}'
    )
    return http_server


def worker_answers(server: RunningServer, route: str = DOC_ROUTE) -> int:
    """How many requests of ``route`` the workers have answered (their shared counters)."""
    text = requests.get(server.url + "/-/metrics", timeout=HTTP_DEADLINE).text
    found = re.findall(r"lamcoop_http_requests_total\{" + re.escape(route) + r"[^}]*\} (\d+)", text)
    return sum(int(n) for n in found)


def get(session: requests.Session, url: str, **headers: str) -> requests.Response:
    return session.get(url, headers=headers, timeout=HTTP_DEADLINE, allow_redirects=False)


def test_a_repeated_document_is_answered_by_the_front(server):
    session = requests.Session()
    url = f"{server.url}/doc/{STEM}.ttl"
    first = get(session, url)
    assert first.status_code == 200 and b"first" in first.content
    before = worker_answers(server)
    again = [get(session, url) for _ in range(5)]
    assert worker_answers(server) == before  # no worker was asked
    for answer in again:
        assert answer.status_code == 200 and answer.content == first.content
        assert answer.headers["ETag"] == first.headers["ETag"]
        assert answer.headers["Content-Type"] == first.headers["Content-Type"]
        assert answer.headers["Vary"] == "Accept, Accept-Language"
        assert "X-Lamcoop-Front-Cache" not in answer.headers and "Date" in answer.headers
    assert "X-Lamcoop-Front-Cache" not in first.headers


def test_redirects_are_kept_too(server):
    session = requests.Session()
    url = f"{server.url}/id/{STEM}"
    first = get(session, url, Accept="text/html")
    before = worker_answers(server, ID_ROUTE)
    again = get(session, url, Accept="text/html")
    assert worker_answers(server, ID_ROUTE) == before
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"] == f"/doc/{STEM}.html"
    turtle = get(session, url, Accept="text/turtle")
    assert turtle.headers["Location"] == f"/doc/{STEM}.ttl"


def test_head_and_if_none_match_from_the_cache(server):
    session = requests.Session()
    url = f"{server.url}/doc/{STEM}.nt"
    session.head(url, timeout=HTTP_DEADLINE)  # a HEAD first: nothing kept from it
    full = get(session, url)
    assert full.status_code == 200 and full.content and THING.encode() in full.content
    tag = full.headers["ETag"]
    before = worker_answers(server)
    head = session.head(url, timeout=HTTP_DEADLINE)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(full.content))
    assert head.headers["ETag"] == tag
    for condition in (tag, "W/" + tag, f'"other", {tag}', "*"):
        unchanged = get(session, url, **{"If-None-Match": condition})
        assert unchanged.status_code == 304 and unchanged.content == b"", condition
        assert unchanged.headers["ETag"] == tag and "Content-Type" not in unchanged.headers
        assert unchanged.headers["Cache-Control"] == full.headers["Cache-Control"]
    other = get(session, url, **{"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.content == full.content
    assert worker_answers(server) == before


def test_each_request_header_that_changes_the_answer_keeps_answers_apart(server):
    session = requests.Session()
    plain = f"{server.url}/doc/{STEM}"
    for _ in range(2):  # the second round from the cache
        turtle = get(session, plain, Accept="text/turtle")
        triples = get(session, plain, Accept="application/n-triples")
        assert turtle.headers["Content-Type"].startswith("text/turtle")
        assert triples.headers["Content-Type"].startswith("application/n-triples")
        assert turtle.content != triples.content
        page = f"{server.url}/doc/{STEM}.html"
        english = get(session, page, **{"Accept-Language": "en"})
        persian = get(session, page, **{"Accept-Language": "fa"})
        by_arg = get(session, page + "?lang=fa")
        assert english.headers["Content-Language"] == "en"
        assert persian.headers["Content-Language"] == by_arg.headers["Content-Language"] == "fa"
        assert '<html lang="fa" dir="rtl">' in persian.text
        assert '<html lang="en"' in english.text and english.text != persian.text


def test_writes_are_seen_at_once(server, tmp_path):
    session = requests.Session()
    url = f"{server.url}/doc/{STEM}.ttl"
    assert b"second" not in get(session, url).content
    get(session, url)  # kept

    server.update(f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{THING}> <{LABEL}> "second"@en }} }}')
    assert b"second" in get(session, url).content

    put = session.put(
        f"{server.url}/graph-store",
        params={"graph": GRAPH + "-put"},
        data=f'<{THING}> <{LABEL}> "third"@en .\n'.encode(),
        headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {HTTP_TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert put.status_code in (201, 204), put.text
    assert b"third" in get(session, url).content
    get(session, url)

    cli, store = GRAPH + "-cli", str(server.store)
    data = tmp_path / "fourth.nt"
    data.write_text(f'<{THING}> <{LABEL}> "fourth"@en .\n', encoding="utf-8")
    loaded = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "--store", store, "load", "--graph", cli, str(data)],
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")},
    )
    assert loaded.returncode == 0, loaded.stderr
    fresh = get(session, url)
    assert b"fourth" in fresh.content and b"third" in fresh.content


def test_a_connection_stays_open_through_204s_and_cached_answers(server):
    session = requests.Session()
    pools = session.get_adapter(server.url).poolmanager.pools
    auth = {"Authorization": f"Bearer {HTTP_TOKEN}"}
    assert get(session, f"{server.url}/doc/{STEM}.ttl").status_code == 200
    for n in range(3):
        done = session.post(
            server.url + "/sparql",
            data=f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{THING}> <{LABEL}> "n{n}" }} }}'.encode(),
            headers={"Content-Type": "application/sparql-update", **auth},
            timeout=HTTP_DEADLINE,
        )
        assert done.status_code == 204, done.text
        assert "close" not in done.headers.get("Connection", "").lower()
        assert f'"n{n}"'.encode() in get(session, f"{server.url}/doc/{STEM}.ttl").content
        assert get(session, f"{server.url}/doc/{STEM}.ttl").status_code == 200
    deleted = session.delete(
        f"{server.url}/graph-store", params={"graph": GRAPH + "-put"}, headers=auth
    )
    assert deleted.status_code == 204
    assert b"third" not in get(session, f"{server.url}/doc/{STEM}.ttl").content
    made = [pools[key].num_connections for key in list(pools.keys())]
    assert made == [1]  # one connection, kept open throughout
