"""The centre reports, as the centre admin and the granted EQA find them: every page passes
axe, the learners report at phone width too."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.review.helpers import signed_off


def test_reports_are_reachable_and_accessible(page, people, login, axe_check, screenshot) -> None:
    signed_off(people.enrolment)
    login(page, people.admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reports for")
    axe_check(page)
    page.get_by_role("link", name=re.compile("^Signed off: awaiting")).click()
    expect(page.locator("main")).to_contain_text(people.learner.full_name)
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 800})
    axe_check(page)
    screenshot(page, "reports-learners-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/reports/{people.centre.pk}/caseloads/")
    row = page.get_by_role("row", name=re.compile(people.assessor.full_name))
    expect(row).to_contain_text("1")
    axe_check(page)
    page.get_by_label("Decisions from").fill("2026-05-01")
    page.get_by_label("to", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("on or before the end date")
    axe_check(page)
    page.goto("/centre/data-protection/evidence-retention/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)
    page.context.clear_cookies()

    login(page, people.eqa)
    page.goto(f"/eqa/centres/{people.centre.pk}/")
    page.get_by_role("link", name="reports").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reports for")
    axe_check(page)
