"""A real headless Chromium (Debian's ``chromium``, driven by Playwright) for the page tests:
where it is, how it is started, and screenshots to tests/artifacts/ (the fixtures are in
:mod:`tests.browser_fixtures`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).is_file(), reason="Debian's chromium is not installed (make test does it)"
)


def shot(page, name: str) -> None:
    """A full-page screenshot, ``tests/artifacts/{name}.png``, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
