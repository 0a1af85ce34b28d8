"""The Content-Security-Policy holds in a real browser: on the main pages nothing is refused
(no inline script, style or handler left), and what moved to static files still works: the
grid's htmx clicks and their announcements, the progress bars' widths, the upload form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.assessments.helpers import make_item, propose

pytestmark = pytest.mark.browser

# Recorded by the page itself: the browser fires this event for every refused load or run.
VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture
def strict_page(browser: Browser, live_server, transactional_db) -> Iterator[Page]:
    """A page that enforces the site's CSP (the shared fixture bypasses it for axe)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(VIOLATIONS)
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def _assert_clean(page: Page) -> None:
    assert page.evaluate("() => window.__csp") == [], page.url
    refused = [e for e in page.console_errors if "Content Security Policy" in e]
    assert refused == [], page.url
    assert page.console_errors == [], page.url


def _header_policy(page: Page, path: str) -> str:
    response = page.goto(path)
    assert response is not None
    return response.headers.get("content-security-policy", "")


def test_learner_pages_run_under_the_policy(strict_page, people, login) -> None:
    page = strict_page
    login(page, people.learner)
    assert "script-src 'self'" in _header_policy(page, "/learner/")
    bars = page.locator(".progress-bar[data-percent]")
    expect(bars.first).to_be_attached()
    widths = bars.evaluate_all("els => els.map(e => [e.style.width, e.dataset.percent + '%'])")
    assert widths and all(actual == wanted for actual, wanted in widths)
    _assert_clean(page)
    page.goto("/evidence/add/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    _assert_clean(page)
    page.goto("/evidence/")
    _assert_clean(page)


def test_the_grid_works_under_the_policy(strict_page, people, login) -> None:
    page = strict_page
    item = make_item(people.enrolment)
    propose(item, people.enrolment.standard.criteria.get())
    login(page, people.assessor)
    page.goto(f"/evidence/enrolments/{people.enrolment.pk}/grid/")
    expect(page.get_by_role("heading", name="Mapping grid")).to_be_visible()
    page.get_by_role("button", name="Confirm E1 for P1").click()
    expect(page.get_by_role("button", name=re.compile("^Unmap E1 from P1"))).to_be_focused()
    expect(page.locator("#grid-announce")).to_have_text(
        re.compile("Confirmed the mapping of E1 to P1")
    )
    _assert_clean(page)
    page.goto(f"/evidence/{item.pk}/review/")
    _assert_clean(page)
    page.goto("/assessor/")
    _assert_clean(page)


def test_two_factor_setup_in_the_browser(page, strict_page, people, login, axe_check) -> None:
    """A centre that requires two-factor log-in: the assessor scans (here: reads) the key,
    gives a code and goes on; the page passes axe and runs under the policy."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    people.centre.require_staff_2fa = True
    people.centre.save()
    for each in (page, strict_page):
        each.goto("/accounts/login/")
        each.get_by_label("Username").fill(people.assessor.username)
        each.get_by_label("Password").fill("password")
        each.get_by_role("button", name="Log in").click()
        expect(each.get_by_role("heading", name="Set up two-factor log-in")).to_be_visible()
    _assert_clean(strict_page)
    expect(page.locator("svg title")).to_have_text("QR code to scan with your authenticator app")
    axe_check(page)
    device = TOTPDevice.objects.get(user=people.assessor)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.get_by_label("Code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Set up two-factor log-in")
    expect(page).not_to_have_url(re.compile("/accounts/two-factor/"))


def test_security_pages_pass_axe_under_the_policy(
    page, strict_page, people, login, axe_check, settings
) -> None:
    """The centre admin's Log-in security page and the locked-out page: accessible, and
    nothing refused by the policy."""
    for each in (page, strict_page):
        login(each, people.admin)
        each.goto("/centre/security/")
        expect(each.get_by_role("heading", name="Log-in security")).to_be_visible()
    _assert_clean(strict_page)
    axe_check(page)

    settings.AXES_ENABLED = True
    for each in (page, strict_page):
        each.context.clear_cookies()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            each.goto("/accounts/login/")
            each.get_by_label("Username").fill("amir")
            each.get_by_label("Password").fill("wrong")
            each.get_by_role("button", name="Log in").click()
        expect(each.get_by_role("heading", name="Too many wrong passwords")).to_be_visible()
    # The browser logs the 429 status itself as a console error; nothing else may appear.
    strict_page.console_errors[:] = [
        e for e in strict_page.console_errors if "status of 429 (Too Many Requests)" not in e
    ]
    _assert_clean(strict_page)
    axe_check(page)
