"""A remote store's endpoints that are wrong or refuse: a message naming the endpoint, no
traceback, a non-zero exit, and the engine's graphs as they were."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from graph_loader.settings import resolve_settings
from graph_loader.store import open_configured
from tests.hostile.conftest import store_state
from tests.remote_support import OxigraphServer, remote_env

KEPT = "urn:x-lamcoop-test:kept"


class _NotSparql(http.server.BaseHTTPRequestHandler):
    """A web server at the store's URL that is no SPARQL endpoint (a wrong URL)."""

    def _page(self) -> None:
        body = b"<html><body>Welcome</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def web_page() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotSparql)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/query"
    server.shutdown()
    server.server_close()


def test_a_web_page_for_an_endpoint_is_named(lamcoop, web_page):
    run = lamcoop("graphs", env={"LAMCOOP_STORE": web_page, "LAMCOOP_STORE_RETRIES": "0"})
    assert run.returncode != 0
    assert f"{web_page} answered with text/html" in run.stderr.decode()
    assert b"Traceback" not in run.stderr


def test_a_refused_upload_changes_nothing(lamcoop, tmp_path):
    """The Graph Store endpoint is wrong (404): the load names it and is undone."""
    engine = OxigraphServer(tmp_path / "oxigraph")
    try:
        env = remote_env(engine, tmp_path / "state")
        kept = tmp_path / "kept.nt"
        kept.write_text("<urn:x-lamcoop-test:a> <urn:x-lamcoop-test:b> <urn:x-lamcoop-test:c> .\n")
        assert lamcoop("load", "--graph", KEPT, str(kept), env=env).returncode == 0
        store = open_configured(resolve_settings(environ=env, config_file=None))
        before = store_state(store)
        wrong = {**env, "LAMCOOP_STORE_GRAPH_STORE": engine.url + "/nowhere"}
        run = lamcoop("load", "--graph", KEPT, str(tmp_path / "kept.nt"), env=wrong)
        assert run.returncode != 0
        assert f"{engine.url}/nowhere answered 404" in run.stderr.decode()
        assert b"Traceback" not in run.stderr
        assert store_state(store) == before
        store.close()
    finally:
        engine.stop()
