"""Browser journeys: Playwright driving the system Chromium (Debian's `chromium` package).

Fixtures:
- ``browser``: one headless Chromium per test process (each xdist worker has its own).
- ``page`` / ``phone_page``: a fresh context at 1280 px or 360 px wide against the live server.
- ``login(page, user)``: signs in through the real log-in form (factory users' password is
  ``password``).
- ``axe_check(page)``: runs the vendored axe-core on the current page and fails on any
  serious or critical violation; every page checked is recorded in ``AXE_PAGES`` and written
  to ``test-artifacts/axe-pages.txt`` at the end of the run (merged over xdist workers).
- ``screenshot(page, name)``: saves a full-page PNG under ``test-artifacts/screenshots``.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE_PAGES: list[str] = []
# Waiting assertions wait as long as actions do (the contexts' default, below), not
# Playwright's 5 s: on a loaded CI runner a page can take longer than that to settle.
expect.set_options(timeout=15_000)
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


_WARMED: set[str] = set()


def _warm_up(live_server) -> None:
    """Serve one page before the browser asks for any. The live server's first request
    imports the whole URLconf (every app's views, the PDF and package code): about 2 s on an
    idle machine and more than the browser's 15 s navigation timeout on a loaded 2-core CI
    runner, which failed whichever test came first in a worker. Paid here, once per live
    server, it is outside any browser timeout."""
    if live_server.url in _WARMED:
        return
    login_page = f"{live_server.url}/accounts/login/"
    with urllib.request.urlopen(login_page, timeout=300) as response:  # noqa: S310 (http://)
        response.read()
    _WARMED.add(live_server.url)


def _new_page(browser: Browser, live_server, width: int, height: int) -> Iterator[Page]:
    _warm_up(live_server)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=True,  # axe is injected as an inline script; the pages' own CSP forbids it
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser, live_server, transactional_db) -> Iterator[Page]:
    yield from _new_page(browser, live_server, 1280, 900)


@pytest.fixture
def phone_page(browser: Browser, live_server, transactional_db) -> Iterator[Page]:
    yield from _new_page(browser, live_server, 360, 740)


@pytest.fixture
def login() -> Callable[..., None]:
    def _login(page: Page, user, password: str = "password") -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        # The log-in POST redirects; wait for the browser to get there, not just for the
        # current document's load state.
        expect(page, "log-in failed").not_to_have_url(re.compile(r"/accounts/login/"))
        page.wait_for_load_state()

    return _login


def run_axe(page: Page) -> list[dict]:
    """The serious or critical axe-core violations of the page as it is now."""
    # A click that navigates returns once the new document is committed, before it is parsed:
    # injecting then finds no <head>. Wait for the page to load first.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
        })"""
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


@pytest.fixture
def axe_check() -> Callable[[Page], None]:
    def _check(page: Page) -> None:
        violations = run_axe(page)
        path = page.url.split("//", 1)[-1].split("/", 1)[-1]
        width = page.viewport_size["width"] if page.viewport_size else 0
        AXE_PAGES.append(f"/{path} @{width}px")
        summary = [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"][:5]],
            }
            for v in violations
        ]
        assert not violations, f"axe violations on {page.url}:\n{json.dumps(summary, indent=2)}"

    return _check


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    def _shot(page: Page, name: str) -> Path:
        target = ARTIFACTS / "screenshots" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=True)
        return target

    return _shot


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the pages this process checked; the root conftest merges the parts of all xdist
    workers into ``axe-pages.txt``."""
    if AXE_PAGES:
        ARTIFACTS.mkdir(exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        (ARTIFACTS / f"axe-pages.part-{worker}.txt").write_text("\n".join(AXE_PAGES) + "\n")
