"""Assessor-made evidence in the browser (issue 11 part 1).

(a) The assessor records an observation from the grid, mapped to two criteria; the learner, on a
phone, reads it and acknowledges it with their typed name; the assessor's grid then shows both
criteria as backed by accepted evidence, awaiting judgement.

(b) An expert witness opens the emailed link in a browser with no account (a fresh context: a
signed-in user is refused the form on purpose), writes and signs the statement; the assessor then
sees it awaiting review on the caseload and opens it from there.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceItem
from tests.evidence.assessor_helpers import request_witness, witness_url
from tests.factories import CriterionFactory

pytestmark = pytest.mark.browser


def test_the_assessor_records_an_observation_the_learner_acknowledges(
    page, phone_page, people, login, axe_check, screenshot
) -> None:
    group = people.enrolment.standard.groups.first()
    CriterionFactory(group=group, order=2, reference="P2", text="do the second thing")
    CriterionFactory(group=group, order=3, reference="P3", text="do the third thing")
    grid = f"/evidence/enrolments/{people.enrolment.pk}/grid/"

    # The assessor records the observation from the unit's grid.
    login(page, people.assessor)
    page.goto(grid)
    axe_check(page)
    page.get_by_role("link", name="Record an observation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record an observation")
    axe_check(page)
    page.get_by_label("Title").fill("Morning medication round")
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Time").fill("09:30")
    page.get_by_label("Place").fill("Rose Ward, Elm House care home")
    page.get_by_label("Real work").check()
    page.get_by_label("What you observed").fill(
        "Alice checked each chart against the prescription before giving medicines."
    )
    page.get_by_label(re.compile(r"^P1 ")).check()
    page.get_by_label(re.compile(r"^P2 ")).check()
    page.get_by_label("Witness present: name").fill("Wendy Witness")
    page.get_by_label("Witness present: role").fill("Registered manager")
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator("main")).to_contain_text("Awaiting the learner's acknowledgement")
    item = EvidenceItem.objects.get(learner=people.learner, evidence_type="observation")
    assert item.status == EvidenceItem.Status.AWAITING_ACK
    assert sorted(item.mappings.values_list("criterion__reference", flat=True)) == ["P1", "P2"]
    axe_check(page)

    # The learner, on a phone, finds it in their evidence and acknowledges it.
    login(phone_page, people.learner)
    phone_page.goto("/evidence/")
    axe_check(phone_page)
    phone_page.get_by_role("link", name=re.compile("Morning medication round")).first.click()
    phone_page.get_by_role("link", name=f"Read and acknowledge {item.reference}").click()
    expect(phone_page.locator("main")).to_contain_text("Rose Ward, Elm House care home")
    expect(phone_page.locator("main")).to_contain_text("Wendy Witness, Registered manager")
    axe_check(phone_page)
    screenshot(phone_page, "learner-acknowledges-observation-360")
    phone_page.get_by_label(re.compile("I have read this record")).check()
    phone_page.get_by_label("Your full name").fill("Alice Learner")
    phone_page.get_by_role("button", name="Sign and acknowledge").click()
    expect(phone_page.locator("main")).to_contain_text("Signed “Alice Learner”")
    axe_check(phone_page)
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.ACCEPTED
    assert item.acknowledgement_name == "Alice Learner" and item.acknowledged_at

    # The assessor's grid: both criteria are backed, awaiting judgement; P3 is not.
    page.goto(grid)
    for reference in ("P1", "P2"):
        row = page.locator("tbody tr").filter(has_text=reference)
        expect(row).to_contain_text("Evidence accepted, awaiting judgement")
    expect(page.locator("tbody tr").filter(has_text="P3")).not_to_contain_text(
        "Evidence accepted, awaiting judgement"
    )
    axe_check(page)
    screenshot(page, "grid-after-acknowledged-observation")


def test_a_witness_signs_through_the_link_and_the_assessor_sees_it_awaiting_review(
    browser, live_server, page, people, login, axe_check, screenshot
) -> None:
    request = request_witness(people.enrolment)
    link = witness_url(request)

    # The witness: a browser with no session at all.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        bypass_csp=True,
    )
    context.set_default_timeout(15_000)
    try:
        witness = context.new_page()
        witness.goto(link)
        expect(witness.get_by_role("heading", level=1)).to_have_text(
            "Witness statement for Alice Learner"
        )
        expect(witness.locator("main")).to_contain_text("Supporting a service review")
        axe_check(witness)
        witness.get_by_label("When did you see this work?").fill("2026-11-18")
        witness.get_by_label("Your statement").fill(
            "I saw Alice lead the service review meeting and record each resident's wishes."
        )
        witness.get_by_label(re.compile("I confirm that this statement is true")).check()
        witness.get_by_label("Your full name").fill("Wendy Witness")
        witness.get_by_role("button", name="Sign and send the statement").click()
        expect(witness).to_have_url(re.compile(r"/evidence/witness/sent/$"))
        axe_check(witness)
        # The link is spent: opening it again offers no form.
        witness.goto(link)
        expect(witness.locator("main")).to_contain_text("already been used")
        expect(witness.get_by_role("button", name="Sign and send the statement")).to_have_count(0)
    finally:
        context.close()

    item = EvidenceItem.objects.get(learner=people.learner, evidence_type="witness")
    assert item.status == EvidenceItem.Status.SUBMITTED

    # The assessor sees it awaiting review on the caseload and opens it.
    login(page, people.assessor)
    page.goto("/assessor/")
    awaiting = page.locator("section[aria-labelledby='awaiting-heading']")
    expect(awaiting.get_by_role("heading")).to_have_text("Evidence awaiting review (1)")
    axe_check(page)
    screenshot(page, "caseload-witness-statement-awaiting-review")
    awaiting.get_by_role("link", name=f"{item.reference} {item.title}").click()
    expect(page).to_have_url(re.compile(rf"/evidence/{item.pk}/review/$"))
    expect(page.locator("main")).to_contain_text("I saw Alice lead the service review")
    expect(page.locator("main")).to_contain_text("Wendy Witness")
    axe_check(page)
