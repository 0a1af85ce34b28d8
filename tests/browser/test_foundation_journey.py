"""Every role logs in through the real form and lands on its own dashboard; pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("learner", "My progress"),
        ("assessor", "My caseload"),
        ("iqa", "My sample"),
        ("admin", "Alpha Centre"),
        ("eqa", "External quality assurance"),
    ],
)
def test_each_role_lands_on_its_dashboard(page, people, login, axe_check, role, heading) -> None:
    page.goto("/accounts/login/")
    axe_check(page)
    login(page, getattr(people, role))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    axe_check(page)


def test_admin_adds_a_learner_and_enrols_them(page, people, login, axe_check, screenshot) -> None:
    login(page, people.admin)
    page.get_by_role("link", name="Add a person").click()
    axe_check(page)
    page.get_by_label("Full name").fill("Nia Newcomer")
    page.get_by_label("Username").fill("nia")
    page.get_by_label("Email").fill("nia@example.org")
    page.get_by_label("Learner").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nia Newcomer")
    expect(page.locator("#messages")).to_contain_text("An invitation went to nia@example.org")
    axe_check(page)
    page.get_by_role("link", name="Enrol on a standard").click()
    page.get_by_label("Standard").select_option(label=str(people.enrolment.standard))
    page.get_by_label("Assessor").select_option(label=people.assessor.display_name)
    page.get_by_label("IQA").select_option(label=people.iqa.display_name)
    page.get_by_label("Start date").fill("2026-09-01")
    page.get_by_label("Target end date").fill("2027-08-31")
    axe_check(page)
    page.get_by_role("button", name="Enrol").click()
    expect(page.locator("#messages")).to_contain_text("Nia Newcomer is enrolled on")
    axe_check(page)
    screenshot(page, "admin-enrolments")


def test_errors_are_summarised_and_linked(page, people, login, axe_check) -> None:
    login(page, people.admin)
    page.goto("/centre/people/new/")
    page.get_by_role("button", name="Add person").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    summary.get_by_role("link").first.click()
    axe_check(page)
