"""Assessment plan: the assessor drafts and signs a plan, the learner signs it on a phone,
the grid shows it agreed, the assessor revises it and version 1 stays readable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from review.models import AssessmentPlan

pytestmark = pytest.mark.browser


def test_plan_drafted_signed_on_a_phone_and_revised(
    page, phone_page, people, login, axe_check, screenshot
) -> None:
    grid = f"/evidence/enrolments/{people.enrolment.pk}/grid/"
    login(page, people.assessor)
    page.goto(grid)
    expect(page.get_by_role("heading", name="Assessment plan")).to_be_visible()
    page.get_by_role("link", name="Draft the assessment plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft the assessment plan")
    axe_check(page)
    first = page.get_by_role("group", name="Activity 1", exact=True)
    first.get_by_label("What will be assessed").fill("Supporting a resident at mealtimes")
    first.get_by_role("checkbox", name="Group (performance criteria)").check()
    first.get_by_label("Single criteria").fill("p1")
    first.get_by_label("Observation", exact=True).check()
    first.get_by_label("Questioning", exact=True).check()
    first.get_by_label("Where (place and work setting)").fill("Oak Ward: real work")
    first.get_by_label("By when (target date)").fill("2026-12-15")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "Version 1 of the plan is drafted"
    )
    expect(page.get_by_text("○ Draft: awaiting the assessor's signature")).to_be_visible()
    axe_check(page)
    page.get_by_label("Your full name").fill("Bob Assessor")
    page.get_by_role("button", name="Sign the plan").click()
    expect(page.get_by_text("✎ Awaiting the learner's signature").first).to_be_visible()

    login(phone_page, people.learner)
    phone_page.goto(grid)
    phone_page.get_by_role("link", name="Read and sign the plan").click()
    expect(phone_page.get_by_text("Supporting a resident at mealtimes")).to_be_visible()
    expect(phone_page.get_by_text("Observation, Questioning")).to_be_visible()
    axe_check(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.get_by_label("Your full name").fill("Alice Learner")
    phone_page.get_by_role("button", name="Sign the plan").click()
    expect(phone_page.get_by_text("You have agreed the plan.")).to_be_visible()
    screenshot(phone_page, "learner-plan-agreed-phone")
    phone_page.get_by_role("link", name="Back to my progress").click()
    expect(phone_page.locator("section[aria-labelledby=plan-heading]")).to_contain_text("✓ Agreed")
    axe_check(phone_page)

    page.goto(grid)
    expect(page.locator("section[aria-labelledby=plan-heading]")).to_contain_text("✓ Agreed")
    page.get_by_role("link", name="Revise the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revise the assessment plan")
    first = page.get_by_role("group", name="Activity 1", exact=True)
    expect(first.get_by_label("What will be assessed")).to_have_value(
        "Supporting a resident at mealtimes"
    )
    expect(first.get_by_label("By when (target date)")).to_have_value("2026-12-15")
    first.get_by_label("What will be assessed").fill("Professional discussion of mealtimes")
    first.get_by_label("Professional discussion", exact=True).check()
    page.get_by_label("Why is the plan being revised?").fill("The ward closed for refurbishment.")
    axe_check(page)
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_role("heading", name="Version 2")).to_be_visible()
    expect(page.get_by_text("○ Draft: awaiting the assessor's signature")).to_be_visible()
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text("This is version 1, kept as it was signed.")).to_be_visible()
    expect(page.get_by_text("Supporting a resident at mealtimes")).to_be_visible()
    expect(page.get_by_text("signed “Alice Learner”", exact=False)).to_be_visible()
    axe_check(page)
    assert list(
        AssessmentPlan.objects.order_by("version").values_list("version", "learner_signature")
    ) == [(1, "Alice Learner"), (2, "")]
