"""The headers that tell a browser how to treat every response of the service, in one place:
no content-type sniffing, a referrer policy, and a Content-Security-Policy under which a page
runs only the service's own script files and the inline scripts it was made with, by hash.

The hashes are computed once, when the app is made (:func:`browser_policy`); a page's inline
scripts therefore hold no template expression (the query editor reads its data from a JSON
block, which is never run).

>>> policy = browser_policy(inline_scripts=["alert(1)"])
>>> dict(policy.headers)["X-Content-Type-Options"]
'nosniff'
>>> "script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='" in policy.csp
True
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Response

#: Where the app keeps its :class:`BrowserPolicy` (``app.extensions``).
EXTENSION = "lamcoop.browser_policy"

#: Every directive but ``script-src``. Styles may be inline (the pages' ``style`` attributes
#: and the editor's own); images may be ``data:`` (the editor's icons).
_DIRECTIVES = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


@dataclass(frozen=True)
class BrowserPolicy:
    """The headers every response gets."""

    csp: str
    headers: tuple[tuple[str, str], ...]

    def apply(self, response: Response) -> None:
        """Set the headers on ``response`` (replacing any a view set)."""
        for name, value in self.headers:
            response.headers[name] = value


def script_hash(script: str) -> str:
    """A CSP source allowing the inline script whose text is ``script``."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def browser_policy(*, inline_scripts: Iterable[str]) -> BrowserPolicy:
    """The policy of an app whose pages have these inline scripts (and no others)."""
    hashes = sorted({script_hash(s) for s in inline_scripts})
    csp = "; ".join(("script-src " + " ".join(["'self'", *hashes]), *_DIRECTIVES))
    headers = (
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
    )
    return BrowserPolicy(csp, headers)
