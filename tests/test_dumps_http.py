"""Dump downloads from a real server started as ``make serve`` starts it: a relative store
setting, the dumps beside the store, and real clients (requests, rdflib, a bare socket)."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import shutil
from pathlib import Path

import pytest
import rdflib
import requests

from tests.servers import HTTP_DEADLINE, RunningServer

NQ_TYPE = "application/n-quads"

pytestmark = [
    # rdflib 7's own Dataset.parse goes through the names it deprecates
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning"),
]


@pytest.fixture(scope="module")
def relative_server(tmp_path_factory, dataset_store):
    """``lamcoop serve`` with ``LAMCOOP_STORE=lamcoop-store`` run from the folder holding it
    (the settings ``make serve`` uses), over a copy of the session's dataset and dumps."""
    workdir = tmp_path_factory.mktemp("relative")
    dataset_store.copy(workdir / "lamcoop-store")
    shutil.copytree(dataset_store.path.parent / "dumps", workdir / "dumps")
    with RunningServer(Path("lamcoop-store"), workdir, {"workers": 1}) as running:
        yield running


def manifest(server: RunningServer) -> dict[str, dict]:
    reply = requests.get(server.url + "/dumps/?format=json", timeout=HTTP_DEADLINE)
    assert reply.status_code == 200
    return {f["name"]: f for f in reply.json()}


def test_every_listed_dump_downloads_under_a_relative_store_setting(relative_server):
    files = manifest(relative_server)
    assert "lamcoop.nq.gz" in files and "seed-002.ttl" in files
    for name, described in files.items():
        reply = requests.get(
            f"{relative_server.url}/dumps/{name}",
            headers={"Accept-Encoding": "gzip"},
            stream=True,
            timeout=HTTP_DEADLINE,
        )
        assert reply.status_code == 200, (name, reply.status_code)
        stored = reply.raw.read(decode_content=False)
        assert hashlib.sha256(stored).hexdigest() == described["sha256"], name
        assert reply.headers["Content-Type"].split(";")[0] == described["media_type"]


def test_compressed_dump_is_nquads_coded_with_gzip(relative_server):
    files = manifest(relative_server)
    host = relative_server.url.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=HTTP_DEADLINE)
    connection.putrequest("GET", "/dumps/lamcoop.nq.gz", skip_accept_encoding=True)
    connection.endheaders()  # no Accept-Encoding (as curl sends none): any coding will do
    reply = connection.getresponse()
    body = reply.read()
    connection.close()
    assert reply.status == 200
    assert reply.getheader("Content-Type") == NQ_TYPE
    assert reply.getheader("Content-Encoding") == "gzip"
    assert hashlib.sha256(body).hexdigest() == files["lamcoop.nq.gz"]["sha256"]
    lines = [line for line in gzip.decompress(body).splitlines() if line.strip()]
    assert len(lines) == files["lamcoop.nq.gz"]["triples"]


def test_a_client_that_takes_no_gzip_gets_the_nquads_themselves(relative_server):
    files = manifest(relative_server)
    plain = requests.get(
        relative_server.url + "/dumps/lamcoop.nq.gz",
        headers={"Accept-Encoding": "identity"},
        timeout=HTTP_DEADLINE,
    )
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["Content-Type"] == NQ_TYPE
    assert "Accept-Encoding" in plain.headers["Vary"]
    dataset = rdflib.Dataset()
    dataset.parse(relative_server.url + "/dumps/lamcoop.nq.gz", format="nquads")  # urllib
    assert (
        sum(1 for _ in dataset.quads((None, None, None, None)))
        == (files["lamcoop.nq.gz"]["triples"])
    )
    assert len(plain.content.splitlines()) == files["lamcoop.nq.gz"]["triples"]
