"""The browser harness: Debian's chromium driven by Playwright against pytest-django's live server.

Use the `page` fixture (a fresh context per test, English or Dutch via `page_language`) and
`sign_in(page, live_server, username)`. Every page a test opens is checked for console errors,
CSP violations included: a test fails if the browser complained.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("EARSHOT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    # Playwright's sync API keeps an event loop on this thread; Django's ORM then refuses to run
    # unless told the test thread is safe (it is: the live server runs in its own thread).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def page_language() -> str:
    return "en"


@pytest.fixture
def page(browser, live_server, page_language):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=page_language)
    context.add_cookies(
        [{"name": "django_language", "value": page_language, "url": live_server.url}]
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    assert problems == [], f"the browser reported errors: {problems}"


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
