"""EQA visit: the EQA plans a visit to a granted centre, takes the suggested sample, opens a
sampled learner's grid and evidence from it, writes and issues a report with an action; the
centre admin reads it and responds to the action. axe on every page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import UnitSignOff
from portal.visits.models import ActionReply, Visit, VisitAction
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.browser


def test_eqa_plans_samples_reports_and_the_admin_responds(
    page, browser, live_server, people, login, axe_check, screenshot
) -> None:
    signed = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=people.assessor,
    )
    UnitSignOff.objects.create(
        enrolment=signed,
        assessor=people.assessor,
        assessor_declaration="Valid, authentic and sufficient.",
        signed_at=timezone.now(),
    )
    login(page, people.eqa)
    page.goto("/eqa/")
    expect(page.get_by_text("your access lasts until the end of")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Alpha Centre", exact=True).click()
    expect(page.get_by_role("link", name="Plan of Alice Learner, TEST001")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Plan a visit to Alpha Centre").click()
    page.get_by_label("Date of the visit").fill("2026-12-10")
    page.get_by_label("On site").check()
    page.get_by_label("Purpose").fill("Annual monitoring visit.")
    axe_check(page)
    page.get_by_role("button", name="Plan the visit").click()

    expect(page.get_by_role("heading", name="Suggested sample")).to_be_visible()
    expect(page.get_by_text("Covers assessor Bob Assessor; standard TEST001;")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Take the suggested sample").click()
    expect(page.locator(".alert-success")).to_contain_text("2 learner units added.")
    mine = page.locator("section[aria-labelledby=current-heading]")
    expect(mine.get_by_role("cell", name="Amir Learner", exact=True)).to_be_visible()
    page.get_by_label("Find a learner").fill("alice")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No learner unit outside your sample matches “alice”.")).to_be_visible()
    axe_check(page)
    screenshot(page, "eqa-visit-sample")

    mine = page.locator("section[aria-labelledby=current-heading]")
    mine.get_by_role("link", name="Grid of Alice Learner, TEST001").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Learner")
    axe_check(page)
    page.go_back()
    page.locator("section[aria-labelledby=current-heading]").get_by_role(
        "link", name="Evidence of Alice Learner, TEST001"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)
    page.go_back()
    page.get_by_role("link", name="Back to the visit").click()
    axe_check(page)

    page.get_by_role("link", name="Write the report").click()
    page.get_by_label("Findings", exact=True).fill(
        "Assessment decisions are sound and well recorded."
    )
    page.get_by_label("Strengths", exact=True).fill("Detailed feedback to learners.")
    page.get_by_label("Outcome", exact=True).select_option("advisory")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_label("Action for the centre").fill("Record IQA observations of new assessors.")
    page.get_by_label("Due date").fill("2027-01-31")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("Action added to the draft.")).to_be_visible()
    axe_check(page)
    screenshot(page, "eqa-visit-report-draft")
    page.get_by_role("button", name="Issue version 1 of the report").click()
    expect(page.get_by_text("Report version 1 issued")).to_be_visible()
    expect(page.get_by_text("Advisory: no sanction, advice given")).to_be_visible()
    axe_check(page)

    admin_page = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, bypass_csp=True
    ).new_page()
    login(admin_page, people.admin)
    admin_page.get_by_role("button", name="Show or hide navigation").click()
    admin_page.get_by_role("link", name="EQA visits").click()
    screenshot(admin_page, "admin-visits-phone")
    axe_check(admin_page)
    admin_page.get_by_role("link", name="visit to Alpha Centre").click()
    expect(admin_page.get_by_text("Record IQA observations of new assessors.")).to_be_visible()
    axe_check(admin_page)
    admin_page.get_by_label("The centre's response to action 1").fill(
        "The IQA observes every new assessor twice in their first term; records are online."
    )
    admin_page.get_by_role("button", name="Send the response").click()
    expect(admin_page.get_by_text("Response sent to the external quality assurer.")).to_be_visible()
    expect(admin_page.get_by_text("Responded: awaiting the EQA")).to_be_visible()
    axe_check(admin_page)
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(admin_page, "admin-visit-report-phone")

    page.reload()
    page.get_by_label("Accept the response and close the action").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Closed by the EQA")).to_be_visible()
    axe_check(page)
    screenshot(page, "eqa-visit-report-issued")
    visit = Visit.objects.get()
    assert visit.sample.count() == 2
    action = VisitAction.objects.get()
    assert (action.status, action.closed_by) == (VisitAction.Status.CLOSED, people.eqa)
    assert list(action.replies.values_list("kind", flat=True)) == [
        ActionReply.Kind.RESPONSE,
        ActionReply.Kind.CLOSED,
    ]

    # The centre's whole record: the EQA from their centre page, the admin from My centre.
    page.goto(f"/eqa/centres/{people.centre.pk}/")
    page.get_by_role("link", name="centre’s whole record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Centre record")
    expect(page.locator(".alert-success")).to_contain_text("Intact")
    page.get_by_label("Kind of entry").select_option(label="External quality assurance visits")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("cell", name="issued version 1 of the report")).to_be_visible()
    axe_check(page)
    screenshot(page, "eqa-centre-record")
    admin_page.goto("/centre/")
    admin_page.get_by_role("link", name="Centre record").click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Centre record")
    axe_check(admin_page)
    assert admin_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(admin_page, "admin-centre-record-phone")
    admin_page.context.close()
