"""The cluster of tests/test_many_nodes.py: several real ``lamcoop serve`` nodes, each with
its own ``state_dir``, over one real engine (an Oxigraph server, or Virtuoso), behind a real
nginx configured by the file the project ships (:mod:`tests.nginx_support`)."""

from __future__ import annotations

import concurrent.futures
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.nginx_support import Nginx
from tests.remote_support import OxigraphServer, remote_env
from tests.servers import HTTP_DEADLINE, VENV_BIN, RunningServer
from tests.virtuoso_support import PASSWORD, USER, VirtuosoServer, virtuoso_env

TOKEN = "many-nodes-token"
GRAPH = "urn:x-lamcoop-test:nodes"
ID = "https://w3id.org/lamcoop/id/institution/"
ENTITY = ID + "x-nodes-one"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DATA = (
    f'<{ENTITY}> <{LABEL}> "Qwertyuiop Library"@en .\n'
    f"<{ENTITY}> <{TYPE}> <urn:x-lamcoop-test:T> .\n"
)
#: Seconds a write may take to show everywhere before the test fails (the stated bound is
#: remote_version_check_ms plus one index refresh; this is generous for a busy machine).
DEADLINE = 120.0
#: The nodes' cache_max_age: how long nginx's cache answers a document before it asks again.
CACHE_MAX_AGE = 2


@dataclass
class Engine:
    """The engine under the nodes, as the tests reach it directly (not through lamcoop)."""

    name: str
    server: OxigraphServer | VirtuosoServer

    @property
    def query_url(self) -> str:
        return self.server.query_url

    def env(self, state: Path) -> dict[str, str]:
        """The ``LAMCOOP_*`` settings of a command line pointed at the engine."""
        if isinstance(self.server, VirtuosoServer):
            return virtuoso_env(self.server, state)
        return remote_env(self.server, state)

    def node_settings(self) -> dict[str, object]:
        """What a node over the engine needs besides the store's URL."""
        if isinstance(self.server, VirtuosoServer):
            return {"store_engine": "virtuoso", "store_user": USER, "store_password": PASSWORD}
        return {}

    def update(self, text: str) -> None:
        """An update sent to the engine directly: no data version moves."""
        if isinstance(self.server, VirtuosoServer):
            self.server.update(text)
            return
        answer = requests.post(self.server.url + "/update", data={"update": text}, timeout=60)
        answer.raise_for_status()

    def counts(self) -> dict[str, int]:
        return self.server.counts()


class Cluster:
    def __init__(self, engine: Engine, nodes: list[RunningServer], nginx: Nginx, root: Path):
        self.engine, self.nodes, self.nginx, self.root = engine, nodes, nginx, root

    @property
    def urls(self) -> list[str]:
        return [n.url for n in self.nodes if n.process.poll() is None] + [self.nginx.url]

    def load(self, graph: str, text: str) -> None:
        """``lamcoop load`` with the store's URL (the command line, its own state)."""
        load(self.engine, self.root, graph, text)


def load(engine: Engine, root: Path, graph: str, text: str) -> None:
    """``lamcoop load`` of ``text`` (N-Triples) into ``graph`` by the command line."""
    data = root / f"load-{abs(hash(graph))}.nt"
    data.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAMCOOP_")}
    loaded = subprocess.run(
        [str(VENV_BIN / "lamcoop"), "load", "--graph", graph, str(data)],
        cwd=root,
        env={**env, **engine.env(root / "cli-state")},
        capture_output=True,
        timeout=600,
    )
    assert loaded.returncode == 0, loaded.stderr


@contextmanager
def cluster_over(
    request: pytest.FixtureRequest, root: Path, name: str, nodes: int
) -> Iterator[Cluster]:
    """``nodes`` nodes and nginx over a fresh Oxigraph server (``name`` ``oxigraph``) or
    the session's Virtuoso, emptied first (``virtuoso``)."""
    own = None
    if name == "virtuoso":
        virtuoso = request.getfixturevalue("virtuoso_server")
        virtuoso.reset()
        engine = Engine(name, virtuoso)
    else:
        own = OxigraphServer(root / "oxigraph")
        engine = Engine(name, own)
    running: list[RunningServer] = []
    nginx = None
    try:
        load(engine, root, GRAPH, DATA)
        settings = [
            {
                "state_dir": root / f"node{i}",
                "store_retries": 1,
                "update_token": TOKEN,
                "workers": 1,
                "remote_version_check_ms": 200,
                # nginx keeps documents this long before asking a node again
                "cache_max_age": CACHE_MAX_AGE,
                **engine.node_settings(),
            }
            for i in range(nodes)
        ]
        # The nodes start side by side (each waits on its own start); every one started
        # is stopped below, even when another failed to start.
        with concurrent.futures.ThreadPoolExecutor(nodes) as pool:
            starts = [pool.submit(RunningServer, engine.query_url, root, s) for s in settings]
        running.extend(start.result() for start in starts if start.exception() is None)
        for start in starts:
            start.result()  # the first failure to start, raised
        nginx = Nginx(root / "nginx", [n.port for n in running])
        yield Cluster(engine, running, nginx, root)
    finally:
        if nginx is not None:
            nginx.stop()
        for node in running:
            node.stop()
        if own is not None:
            own.stop()
        else:
            engine.server.reset()  # type: ignore[union-attr]


def select(url: str, query: str) -> object:
    answer = requests.post(
        url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def doc(url: str, rest: str) -> requests.Response:
    """The document, asked for with one ``Host`` everywhere (its own address is in it)."""
    headers = {"Accept": "text/turtle", "Host": "lamcoop.test"}
    return requests.get(url + "/doc/" + rest, headers=headers, timeout=HTTP_DEADLINE)


def search(url: str, q: str) -> list[str]:
    answer = requests.get(url + "/search", params={"q": q, "format": "json"}, timeout=HTTP_DEADLINE)
    assert answer.status_code == 200, answer.text
    return sorted(r["iri"] for r in answer.json()["results"])


def everywhere(cluster: Cluster, seen: Callable[[str], bool]) -> float:
    """Seconds until ``seen(url)`` holds on every live node and through nginx (asked
    several times through nginx, which spreads requests over the nodes)."""
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE:
        if all(seen(url) for url in cluster.urls) and all(
            seen(cluster.nginx.url) for _ in range(6)
        ):
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not seen everywhere within {DEADLINE} s")


def graph_store(cluster: Cluster, node: int, method: str, graph: str, body: str = "") -> int:
    """A Graph Store request through ``node`` with the token; its status code."""
    answer = requests.request(
        method,
        cluster.nodes[node].url + "/graph-store",
        params={"graph": graph},
        data=body.encode(),
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"},
        timeout=HTTP_DEADLINE,
    )
    assert answer.status_code < 300, answer.text
    return answer.status_code
