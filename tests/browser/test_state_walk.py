"""The unit's walk, in the browser, by each role: in progress → signed off (awaiting the
learner) → countersigned (awaiting the IQA) → the IQA samples the signed-off unit and refers P1
back → the centre admin sees the reopen request and reopens → the assessor sees the referral
against its criterion, re-judges and signs off again → the learner countersigns → the IQA
verifies. Every page shows the state in words and offers only what the services accept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.review.helpers import complete

pytestmark = pytest.mark.browser


def _as(page: Page, login, user) -> None:
    page.context.clear_cookies()
    login(page, user)


def _state(page: Page, text: str) -> None:
    expect(page.locator("main")).to_contain_text(text)


def test_the_state_walk_with_an_iqa_referral_of_a_signed_off_unit(
    page, phone_page, people, login, axe_check, screenshot
) -> None:
    complete(people.enrolment)
    grid = f"/evidence/enrolments/{people.enrolment.pk}/grid/"

    # The assessor signs off the complete unit.
    login(page, people.assessor)
    page.goto(grid)
    _state(page, "In progress with the assessor")
    page.get_by_label("Your password").fill("password")
    page.get_by_role("button", name="Sign off the unit").click()
    _state(page, "Signed off: awaiting the learner's countersignature")
    expect(page.get_by_role("link", name="Judge P1")).to_have_count(0)  # locked: no controls
    axe_check(page)

    # The learner countersigns on a phone.
    login(phone_page, people.learner)
    _state(phone_page, "Your countersignature is needed")
    phone_page.get_by_role("link", name=re.compile("^See progress on")).click()
    phone_page.get_by_role("link", name="Countersign this unit").click()
    phone_page.get_by_label("I make this declaration").check()
    phone_page.get_by_role("button", name="Countersign").click()
    _state(phone_page, "Countersigned: awaiting IQA verification")
    axe_check(phone_page)

    # The IQA samples the unit and refers P1 back; the unit is locked, so it asks for a
    # reopening.
    _as(page, login, people.iqa)
    sample_url = f"/quality/units/{people.enrolment.pk}/sample/"
    page.goto(sample_url)
    expect(page.locator("main")).to_contain_text("asks the centre admin to reopen it")
    axe_check(page)
    page.get_by_label("Referred back to the assessor").check()
    page.get_by_label("Feedback to the assessor").fill("Look again at P1.")
    page.locator("#id_ref0-criterion").select_option(index=1)
    page.locator("#id_ref0-feedback").fill("P1 needs a direct observation.")
    page.get_by_role("button", name="Record the sample").click()
    expect(page.locator("#messages")).to_contain_text("asked to reopen it")

    # The centre admin sees the request on the dashboard and reopens with the IQA's reason.
    _as(page, login, people.admin)
    page.goto("/centre/")
    expect(page.locator("main")).to_contain_text("P1 needs a direct observation.")
    axe_check(page)
    screenshot(page, "admin-reopen-request")
    page.get_by_role("link", name=re.compile(f"^{people.learner.full_name}")).click()
    expect(page.get_by_label("Reason for reopening")).to_have_value(
        re.compile("P1 needs a direct observation")
    )
    axe_check(page)
    page.get_by_role("button", name="Reopen the unit").click()
    expect(page.locator("#messages")).to_contain_text("reopened")
    _state(page, "In progress with the assessor")

    # The assessor sees the referral against P1, re-judges it and signs off again.
    _as(page, login, people.assessor)
    page.goto(grid)
    expect(page.locator("main")).to_contain_text("IQA referral")
    expect(page.locator("main")).to_contain_text("P1 needs a direct observation.")
    axe_check(page)
    screenshot(page, "assessor-grid-iqa-referral")
    expect(page.get_by_label("Your password")).to_have_count(0)
    expect(page.locator("#sign-off-missing")).to_contain_text("referrals")
    page.get_by_role("link", name="Judge P1").click()
    page.get_by_label("Met", exact=True).check()
    page.get_by_label("Rationale").fill("Observed on 12 November; see the observation record.")
    page.get_by_role("button", name="Record judgement").click()
    expect(page.locator("main")).not_to_contain_text("IQA referral (")
    page.get_by_label("Your password").fill("password")
    page.get_by_role("button", name="Sign off the unit").click()
    _state(page, "awaiting the learner's countersignature")

    # The learner countersigns again; the IQA verifies the sign-off.
    phone_page.goto(grid)
    phone_page.get_by_role("link", name="Countersign this unit").click()
    phone_page.get_by_label("I make this declaration").check()
    phone_page.get_by_role("button", name="Countersign").click()
    expect(phone_page.locator("#messages")).to_contain_text("countersigned")
    _as(page, login, people.iqa)
    page.goto(sample_url)
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_role("button", name="Record the sample").click()
    expect(page.locator("#messages")).to_contain_text("the sign-off is verified")

    # Complete: the learner is asked for nothing.
    phone_page.goto("/learner/")
    _state(phone_page, "Complete: verified by the IQA")
    expect(phone_page.locator("main")).not_to_contain_text("resubmit")
    expect(phone_page.locator("main")).not_to_contain_text("countersignature is needed")
    axe_check(phone_page)
    screenshot(phone_page, "learner-verified-phone")
