"""Real loopback targets for the SSRF tests: an HTTP server that answers as a SPARQL endpoint
(and serves an empty Turtle document for LOAD) and records every connection and request, a
listener that accepts and closes at once, and a port where nothing listens."""

from __future__ import annotations

import http.server
import socket
import threading

from tests.servers import free_port

#: The answer of :class:`Recorder` to a SERVICE call: one empty solution.
ONE_SOLUTION = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Recorder

    def _answer(self) -> None:
        self.server.requests.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        turtle = self.path.split("?")[0].endswith(".ttl")
        body = b"" if turtle else ONE_SOLUTION
        self.send_response(200)
        kind = "text/turtle" if turtle else "application/sparql-results+json"
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read :attr:`Recorder.requests`."""


class Recorder(http.server.ThreadingHTTPServer):
    """A SPARQL endpoint on 127.0.0.1 that counts the connections it accepts and records
    the path of every request; ``with`` stops it."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.accepted = 0
        self.requests: list[str] = []
        self.base = f"http://127.0.0.1:{self.server_address[1]}/"
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def get_request(self) -> tuple[socket.socket, object]:
        connection = super().get_request()
        self.accepted += 1
        return connection

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()


class Slammer:
    """A listener on 127.0.0.1 that accepts each connection and closes it at once (an open
    port that speaks no HTTP); ``with`` stops it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.accepted = 0
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while self._running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def __enter__(self) -> Slammer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._running = False
        self._thread.join()
        self.sock.close()


def closed_base() -> str:
    """The base URL of a port on 127.0.0.1 where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/"
