"""Cross-origin reads and writes (CORS): the one place that says which browsers' scripts may
call the service, with which methods and headers, and which response headers they may read.

Writes are allowed cross-origin too: they need the bearer token, which a browser never sends
by itself (no cookies are used), so a page can only write with a token its user gave it.

>>> from werkzeug.test import EnvironBuilder
>>> from werkzeug.wrappers import Response
>>> request = EnvironBuilder(headers={"Origin": "https://x.example"}).get_request()
>>> response = Response()
>>> allow(request, response, origins=("https://x.example",))
>>> response.headers["Access-Control-Allow-Origin"], response.vary.as_set()
('https://x.example', {'origin'})
>>> "Authorization" in response.headers["Access-Control-Allow-Headers"]
True
>>> other = Response()
>>> allow(request, other, origins=())
>>> "Access-Control-Allow-Origin" in other.headers
False
"""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.wrappers import Request, Response

from sparql_endpoint.responses import ROW_LIMIT_HEADER, TRUNCATED_HEADER

#: How long a browser may keep a preflight's answer (seconds).
MAX_AGE = 86400
#: Response headers a cross-origin script may read besides the CORS-safelisted ones.
EXPOSED = (
    "ETag",
    "Last-Modified",
    "Link",
    "Location",
    "Content-Location",
    "Content-Disposition",
    "Vary",
    "Retry-After",
    TRUNCATED_HEADER,
    ROW_LIMIT_HEADER,
)
_HEADERS = (
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    (
        "Access-Control-Allow-Headers",
        "Accept, Accept-Language, Authorization, Content-Type, If-None-Match, "
        "If-Modified-Since, Range",
    ),
    ("Access-Control-Expose-Headers", ", ".join(EXPOSED)),
    ("Access-Control-Max-Age", str(MAX_AGE)),
)


def allow(request: Request, response: Response, *, origins: Sequence[str]) -> None:
    """Add the CORS headers to ``response`` when ``request`` comes from an allowed origin
    (``*`` in ``origins`` allows any)."""
    if "*" in origins:
        response.headers.extend([("Access-Control-Allow-Origin", "*"), *_HEADERS])
        return
    origin = request.headers.get("Origin")
    if origin and origin in origins:
        response.headers.extend([("Access-Control-Allow-Origin", origin), *_HEADERS])
        response.vary.add("Origin")
