"""A request head as the uwsgi packet a worker reads: what the front sends the workers.

uWSGI's workers read each request as one packet (the uwsgi protocol: 4 bytes of header,
then each variable as a 16-bit little-endian length and bytes, name then value) followed by
the body, and answer with the HTTP answer itself. The front makes the packet the way
uWSGI's HTTP router made it (``plugins/http/http.c``): ``REQUEST_METHOD``,
``REQUEST_URI``, ``PATH_INFO`` (the path decoded, its empty and dot segments resolved),
``QUERY_STRING``, ``SERVER_PROTOCOL``, ``SCRIPT_NAME``, ``SERVER_NAME``, ``SERVER_PORT``,
``REMOTE_ADDR`` and ``REMOTE_PORT``, then each header field as a CGI variable
(``HTTP_`` and the name in capitals, ``-`` as ``_``; ``CONTENT_TYPE`` and
``CONTENT_LENGTH`` without the prefix), fields whose variable names meet joined with
``", "``. The front has already refused every head whose packet would be over
:data:`~sparql_endpoint.front_heads.PACKET_LIMIT` (414 or 431).

>>> raw = packet(b"GET /doc/a%20b?x=1 HTTP/1.1", [b"Host: h", b"Accept: a", b"accept: b"],
...              server=("s", 80), client=("127.0.0.1", 5))
>>> raw[:1], int.from_bytes(raw[1:3], "little") == len(raw) - 4, raw[3:4]
(b'\\x00', True, b'\\x00')
>>> variables(raw)["PATH_INFO"], variables(raw)["HTTP_ACCEPT"], variables(raw)["QUERY_STRING"]
('/doc/a b', 'a, b', 'x=1')
"""

from __future__ import annotations

import functools
import re
import socket

#: Field names that become CGI variables without the ``HTTP_`` prefix.
_UNPREFIXED = frozenset({b"CONTENT_TYPE", b"CONTENT_LENGTH"})
_PERCENT = re.compile(rb"%([0-9A-Fa-f]{2})")


def path_info(path: bytes) -> bytes:
    """The request path as ``PATH_INFO``: empty and ``.`` segments dropped, ``..`` taking
    the segment before it away (never above the root), then ``%XX`` decoded (so an encoded
    dot or slash is no segment mark), as uWSGI's router did.

    >>> path_info(b"/doc//a/./b/../c%2Fd"), path_info(b"/a/.."), path_info(b"/../x")
    (b'/doc/a/c/d', b'/', b'/x')
    >>> path_info(b"/a/%zz/%41"), path_info(b"/dumps/")
    (b'/a/%zz/A', b'/dumps/')
    """
    if b"/." not in path and b"//" not in path:
        return _decoded(path) if b"%" in path else path
    if not path.startswith(b"/"):
        return _decoded(path)
    kept: list[bytes] = []
    segments = path[1:].split(b"/")
    for segment in segments:
        if segment == b"..":
            if kept:
                kept.pop()
        elif segment not in (b"", b"."):
            kept.append(segment)
    trailing = segments[-1] in (b"", b".", b"..") and bool(kept)
    return _decoded(b"/" + b"/".join(kept) + (b"/" if trailing else b""))


def _decoded(text: bytes) -> bytes:
    return _PERCENT.sub(lambda m: bytes([int(m.group(1), 16)]), text)


def packet(
    request_line: bytes,
    fields: list[bytes],
    *,
    server: tuple[str, int],
    client: tuple[str, int] | None,
) -> bytes:
    """The uwsgi packet of a request head (see the module's docstring); ``server`` is the
    listening socket's host name and port, ``client`` the client's address and port."""
    method, target, protocol = request_line.split(b" ")
    path, question, query = target.partition(b"?")
    parts = [
        _var(b"REQUEST_METHOD", method),
        _var(b"REQUEST_URI", target),
        _var(b"PATH_INFO", path_info(path)),
        _var(b"QUERY_STRING", query if question else b""),
        _var(b"SERVER_PROTOCOL", protocol),
        fixed_variables(server, client),
    ]
    headers: dict[bytes, bytes] = {}
    for field in fields:
        name, _, value = field.partition(b":")
        key = name.upper().replace(b"-", b"_")
        if key not in _UNPREFIXED:
            key = b"HTTP_" + key
        value = value.strip(b" \t")
        headers[key] = headers[key] + b", " + value if key in headers else value
    parts += [
        len(k).to_bytes(2, "little") + k + len(v).to_bytes(2, "little") + v
        for k, v in headers.items()
    ]
    body = b"".join(parts)
    return b"\0" + len(body).to_bytes(2, "little") + b"\0" + body


@functools.lru_cache(maxsize=1024)
def fixed_variables(server: tuple[str, int], client: tuple[str, int] | None) -> bytes:
    """The variables that stay the same for every request of one client connection."""
    host, port = server
    fixed = [
        _var(b"SCRIPT_NAME", b""),
        _var(b"SERVER_NAME", host.encode("ascii", "replace")),
        _var(b"SERVER_PORT", str(port).encode()),
    ]
    if client is not None:
        fixed.append(_var(b"REMOTE_ADDR", str(client[0]).encode()))
        fixed.append(_var(b"REMOTE_PORT", str(client[1]).encode()))
    return b"".join(fixed)


def _var(name: bytes, value: bytes) -> bytes:
    return len(name).to_bytes(2, "little") + name + len(value).to_bytes(2, "little") + value


def variables(raw: bytes) -> dict[str, str]:
    """The variables of a packet (for tests and doctests), as a worker reads them."""
    found: dict[str, str] = {}
    at, end = 4, 4 + int.from_bytes(raw[1:3], "little")
    while at < end:
        size = int.from_bytes(raw[at : at + 2], "little")
        name = raw[at + 2 : at + 2 + size]
        at += 2 + size
        size = int.from_bytes(raw[at : at + 2], "little")
        found[name.decode("latin-1")] = raw[at + 2 : at + 2 + size].decode("latin-1")
        at += 2 + size
    return found


def server_name() -> str:
    """The host name the workers are told they serve under (``SERVER_NAME``), as uWSGI's
    router told them: the machine's."""
    return socket.gethostname()
