"""The browser harness: Debian's chromium driven by Playwright against pytest-django's live server.

Use the `page` fixture (a fresh context per test, English or Dutch via `page_language`) and
`sign_in(page, live_server, username)`. Every page a test opens is checked for console errors,
CSP violations included: a test fails if the browser complained. Every page is also checked with
axe-core against WCAG 2.1 A and AA (see `axe`): a test fails on any violation.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

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

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUNNER = Path(__file__).with_name("axe_check.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Elements axe must skip, each with the reason the rule misfires on it. Never disable a rule.
AXE_EXCLUDE: list[str] = []
AXE_TARGETS_SHOWN = 3
# Each test's axe figures travel on its teardown report (user_properties), so that the summary
# at the end (AXE_TOTALS in the root conftest.py) adds them up also over pytest-xdist's workers.
AXE_PROPERTY = "axe-core"


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


@dataclass
class AxeReport:
    """What axe-core found on the pages of one test: the URLs it checked and its violations."""

    checked: list[str] = field(default_factory=list)
    violations: dict[tuple, str] = field(default_factory=dict)
    seconds: float = 0.0  # time axe ran in the browser, all pages together

    def record(self, url: str, violations: list[dict], error: str, seconds: float) -> None:
        self.checked.append(url)
        self.seconds += seconds
        if error:
            self.violations[(url, "axe-error")] = f"{url}: axe-core could not run: {error}"
        for v in violations:
            targets = v["targets"]
            shown = ", ".join(targets[:AXE_TARGETS_SHOWN])
            hidden = len(targets) - AXE_TARGETS_SHOWN
            more = f" (+{hidden} more)" if hidden > 0 else ""
            # "Fix any of the following:\n  reason\n  reason" on one line: the first node's reasons.
            lines = [line.strip() for line in v["summary"].splitlines() if line.strip()]
            summary = "; ".join(lines).replace(":; ", ": ")
            self.violations[(url, v["id"], tuple(targets))] = (
                f"{url}: {v['id']} ({v['impact']}) {v['help']}: {shown}{more}. {summary}"
            )

    def failures(self) -> str:
        return "\n".join(self.violations.values())


def check_accessibility(page) -> None:
    """Run axe on the page as it is now (after an in-page change); `load` runs it by itself."""
    # No guard: a page without the runner (axe not injected) must fail, not pass unchecked.
    page.evaluate("() => window.__earshotAxeCheck()")


def accessibility_checked(page) -> None:
    """Wait until axe has checked the page loaded last (before going on to the next one)."""
    page.evaluate("() => window.__earshotAxeSettled()")


def _install_axe(context, axe: AxeReport) -> None:
    settings = {
        "exclude": AXE_EXCLUDE,
        "options": {
            "runOnly": {"type": "tag", "values": AXE_TAGS},
            "resultTypes": ["violations"],
        },
    }

    def report(source, url: str, violations: list[dict], error: str, seconds: float) -> None:
        axe.record(url, violations, error, seconds)

    context.expose_binding("__earshotAxeReport", report)
    context.add_init_script(path=str(AXE_SCRIPT))
    context.add_init_script(
        AXE_RUNNER.read_text().replace("__EARSHOT_AXE_SETTINGS__", json.dumps(settings))
    )


def _check_open_pages(context) -> None:
    """Check the pages still open (a page the test ended on may have changed since it loaded)
    and wait for the runs still pending."""
    from playwright.sync_api import Error as PlaywrightError

    for open_page in context.pages:
        if open_page.url.startswith("http"):
            # Navigating away at the very end: that page is gone, nothing left to check.
            with contextlib.suppress(PlaywrightError):
                open_page.evaluate(
                    "() => window.__earshotAxeCheck && window.__earshotAxeCheck(true)"
                )


@pytest.fixture(autouse=True)
def axe(request, monkeypatch):
    """axe-core on every page of every browser context a test opens (the `page` fixture's and
    the test's own `browser.new_context()`): the test fails on any WCAG 2.1 A/AA violation.
    The report lists the URLs checked (`axe.checked`)."""
    report = AxeReport()
    if "browser" not in request.fixturenames:
        yield report
        return
    if not AXE_SCRIPT.exists():
        pytest.fail(f"Browser tests need axe-core at {AXE_SCRIPT}: run `npm ci` (make test does)")
    browser = request.getfixturevalue("browser")
    new_context = browser.new_context
    contexts = []

    def new_checked_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        _install_axe(context, report)
        close = context.close

        def close_checked(*args, **kwargs):
            _check_open_pages(context)
            return close(*args, **kwargs)

        context.close = close_checked
        contexts.append(context)
        return context

    monkeypatch.setattr(browser, "new_context", new_checked_context)
    yield report
    for context in contexts:  # a context the test left open
        context.close()
    request.node.user_properties.append((AXE_PROPERTY, [len(report.checked), report.seconds]))
    if report.violations:
        pytest.fail(f"axe-core found WCAG 2.1 A/AA violations:\n{report.failures()}", pytrace=False)


@pytest.fixture
def page(browser, live_server, page_language, axe):
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
