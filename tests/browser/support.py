"""Browser helpers shared by every area's browser tests (fixtures live in tests/conftest.py).

Playwright (Python, sync API) drives Debian's Chromium at /usr/bin/chromium; never run
``playwright install``. Tests use pytest-django's ``live_server`` (a real HTTP server in a thread,
transactional database) and build the shared test world with ``tests.conftest.build_world()``.
"""
from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CONTEXT = {"locale": "vi-VN", "viewport": {"width": 1280, "height": 900}, "accept_downloads": True}


def new_page(browser):
    """A fresh context (no cookies, no storage) and its page; close with ``page.context.close()``."""
    context = browser.new_context(**CONTEXT)
    p = context.new_page()
    p.set_default_timeout(15_000)
    return p


def login(page, live_server, username: str, password: str | None = None) -> None:
    """Log in through the login form and wait for the home page."""
    from tests.conftest import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def logged_in_page(browser, live_server, username: str):
    p = new_page(browser)
    login(p, live_server, username)
    return p
