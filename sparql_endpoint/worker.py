"""The gunicorn worker ``lamcoop serve`` runs: gunicorn's sync worker, closing promptly.

gunicorn's sync worker serves one request per connection and, after the response, lingers
on the socket until the client closes its side (up to 2 s; RFC 9112 section 9.6), so that
request bytes left unread cannot turn the close into a reset that cuts the response short.
While it lingers it serves nobody, and a client that closes only when it next needs the
connection (urllib3 and ``requests`` do so) holds the worker for as long as it takes to read
the response and come back. Measured on ``bench/http.py``, the wait cost a quarter of the
throughput and about 0.6 ms of CPU a request.

This worker first reads what is left of the request body (bounded in time and bytes, as
gunicorn's threaded worker does before keeping a connection alive). Once nothing is left
unread, a reset cannot happen, so it half-closes and closes at once. When the body cannot be
read to its end, it leaves the connection to gunicorn's lingering close, as before. It also
corks the socket while the response is written, so that the headers, a small body and the
FIN leave together rather than as separate segments.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from gunicorn.workers.sync import SyncWorker

#: How long and how much of a request body left unread is read before a prompt close.
DRAIN_SECONDS = 1.0
DRAIN_BYTES = 1024 * 1024


def body_drained(body: Any, client: socket.socket, *, seconds: float, limit: int) -> bool:
    """Read the rest of ``body`` (a gunicorn request body) from ``client``.

    True when it ends within ``seconds`` a read and ``limit`` bytes in all; the socket's
    timeout is restored either way.
    """
    previous = client.gettimeout()
    client.settimeout(seconds)
    read = 0
    try:
        while chunk := body.read(64 * 1024):
            read += len(chunk)
            if read > limit:
                return False
        return True
    except (OSError, ValueError):  # a timeout, a reset, or a body gunicorn cannot parse
        return False
    finally:
        with contextlib.suppress(OSError):
            client.settimeout(previous)


def close_promptly(client: socket.socket) -> None:
    """Send FIN, discard whatever the kernel already holds, and close without waiting."""
    try:
        client.shutdown(socket.SHUT_WR)
        client.setblocking(False)
        while client.recv(64 * 1024):
            pass
    except OSError:  # nothing more to read (EAGAIN), or the peer has gone
        pass
    finally:
        client.close()


def cork(client: socket.socket, on: bool) -> None:
    """Hold partial segments (headers, a small body) until uncorked or closed: one send."""
    if hasattr(socket, "TCP_CORK"):
        with contextlib.suppress(OSError):
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, int(on))


class PromptCloseWorker(SyncWorker):
    """One request per connection and per process at a time; closes without lingering."""

    def handle_request(self, listener: Any, req: Any, client: Any, addr: Any) -> None:
        cork(client, True)
        super().handle_request(listener, req, client, addr)
        cork(client, False)
        if body_drained(req.body, client, seconds=DRAIN_SECONDS, limit=DRAIN_BYTES):
            # gunicorn's own close, which follows, finds the socket closed and returns.
            close_promptly(client)
