"""The browser, page and server fixtures of the page tests, as a plugin the page test modules
name in ``pytest_plugins``."""

from __future__ import annotations

import pytest

from tests.browser_support import ARGS, CHROMIUM, playwright_api
from tests.servers import HTTP_DEADLINE


@pytest.fixture(scope="module")
def server(dataset_server):
    return dataset_server


@pytest.fixture(scope="module")
def playwright():
    """Playwright's driver, one per module (its sync API runs one at a time)."""
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright, tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=ARGS,
        timeout=HTTP_DEADLINE * 1000,
    )
    # Playwright's own default (30 s per navigation or wait) is a deadline a busy
    # machine can reach; what a test waits for either happens or the test fails.
    context.set_default_timeout(HTTP_DEADLINE * 1000)
    yield context
    context.close()


@pytest.fixture
def page(browser):
    """A new page; the test fails if the Content-Security-Policy refused anything on it."""
    opened = browser.new_page()
    refused: list[str] = []
    opened.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield opened
    opened.close()
    assert not refused, refused
