"""A real Chromium (Debian's, never a downloaded one) driven by Playwright's sync API.

Without a usable Chromium the browser tests are skipped, except where
``CLINICDESK_REQUIRE_BROWSER=1`` (CI) says they must run: there they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API keeps an asyncio loop running in this thread between calls, so Django's
# async-safety guard would refuse the test's own ORM calls. The tests never touch the database
# from a coroutine: the guard has nothing to protect here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's package; CLINICDESK_CHROMIUM points elsewhere (Playwright never downloads one here).
CHROMIUM = Path(os.environ.get("CLINICDESK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: without these Chromium keeps calling Google's hosts.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CLINICDESK_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CLINICDESK_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run; each test opens its own context."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"Playwright is not installed: {error}")
    manager = sync_playwright().start()
    try:
        # Playwright gives each launch a new empty profile (user data dir) of its own.
        chromium = manager.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except PlaywrightError as error:
        manager.stop()
        _unavailable(f"{CHROMIUM} could not start: {error.message.splitlines()[0]}")
    try:
        yield chromium
    finally:
        chromium.close()
        manager.stop()


@pytest.fixture
def new_context(browser) -> Iterator[Callable[..., Any]]:
    """Opens a fresh browser context (no cookies), closed after the test.

    Contexts are in UTC unless the test asks for another ``timezone_id``, so that what the
    page's zone script sees never depends on the machine running the tests.
    """
    contexts = []

    def open_context(**options: Any) -> Any:
        options.setdefault("timezone_id", "UTC")
        options.setdefault("locale", "en-US")
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where screenshots go: ``CLINICDESK_SCREENSHOT_DIR`` when set, else the test's tmp dir."""
    given = os.environ.get("CLINICDESK_SCREENSHOT_DIR")
    if not given:
        return tmp_path
    path = Path(given)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _empty_page_cache() -> Iterator[None]:
    """Each test starts with an empty page cache.

    The live server's address and a new program's content version repeat from test to test,
    so a page cached by one test would otherwise be served to the next.
    """
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
