"""The assessor reviews a submitted item, maps it in the grid, accepts it and signs off a
complete unit; the learner then sees their progress on a phone and countersigns."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from standards.models import Kind
from tests.assessments.helpers import make_item, propose
from tests.factories import CriterionFactory, GroupFactory

pytestmark = pytest.mark.browser


def _unit(people):
    p1 = people.enrolment.standard.criteria.get()
    p2 = CriterionFactory(group=p1.group, order=2, reference="P2", text="do the second thing")
    k_group = GroupFactory(standard=p1.standard, kind=Kind.KNOWLEDGE, title="Knowledge")
    k1 = CriterionFactory(group=k_group, order=1, reference="K1", text="know why it matters")
    item = make_item(people.enrolment)
    propose(item, p1)
    return item, [p1, p2, k1]


def test_assessor_reviews_maps_accepts_and_signs_off(
    page, phone_page, people, login, axe_check, screenshot
) -> None:
    item, criteria = _unit(people)
    login(page, people.assessor)
    axe_check(page)
    page.get_by_role("link", name=f"{item.reference} {item.title}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Review {item.reference}")
    axe_check(page)

    page.get_by_role("link", name="Back to the mapping grid").click()
    expect(page.get_by_role("heading", name="Mapping grid")).to_be_visible()
    expect(page.locator("main")).to_contain_text("⚠ No evidence yet")
    axe_check(page)
    page.get_by_role("button", name="Confirm E1 for P1").click()
    expect(page.get_by_role("button", name=re.compile("^Unmap E1 from P1"))).to_be_focused()
    expect(page.locator("#grid-announce")).to_have_text(
        re.compile("Confirmed the mapping of E1 to P1")
    )
    p1_status = page.locator(f"#status-{criteria[0].pk}")
    expect(p1_status).to_contain_text("Evidence under review")
    # The summary above the grid follows each click (sent out of band with the cell).
    summary = page.locator("#grid-summary")
    expect(summary).to_contain_text("Criteria with no evidence yet: 2 (P2, K1)")
    page.get_by_label("Method for new mappings").select_option(label="Observation")
    for criterion, missing in zip(criteria[1:], ["1 (K1)", "0"], strict=True):
        page.get_by_role("button", name=f"Map E1 to {criterion.reference}").click()
        expect(
            page.get_by_role("button", name=re.compile(f"^Unmap E1 from {criterion.reference}"))
        ).to_be_visible()
        expect(summary).to_contain_text(f"Criteria with no evidence yet: {missing}")
    axe_check(page)
    screenshot(page, "assessor-grid")

    page.get_by_role("link", name=re.compile(r"^E1 ")).click()
    page.get_by_label("Feedback to the learner").fill("Clear and well dated.")
    page.get_by_role("button", name="Accept E1").click()
    expect(page.locator("#messages")).to_contain_text("E1 accepted.")
    expect(page.locator("#messages")).to_contain_text("Nothing else is awaiting your review")
    expect(page.get_by_role("heading", name="Mapping grid")).to_be_visible()  # back on the grid
    axe_check(page)

    for criterion in criteria[:2]:
        page.get_by_role("link", name=f"Judge {criterion.reference}").click()
        axe_check(page) if criterion is criteria[0] else None
        page.get_by_label("Met", exact=True).check()
        page.get_by_role("button", name="Record judgement").click()
        expect(page.locator("#messages")).to_contain_text(f"Judgement on {criterion.reference}")

    # The last one in one click: the summary counts it and the sign-off form appears,
    # without reloading the page.
    expect(summary).to_contain_text("Knowledge items met: 0 of 1")
    expect(page.get_by_role("link", name="Judge all 1 backed criterion met")).to_be_visible()
    page.get_by_role("button", name="Judge K1 met").click()
    expect(page.locator("#grid-announce")).to_have_text("K1 judged met.")
    expect(summary).to_contain_text("Knowledge items met: 1 of 1")
    expect(page.get_by_role("heading", name="Sign off this unit")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Judge all"))).to_have_count(0)
    screenshot(page, "assessor-grid-ready-to-sign-off")
    axe_check(page)  # the grid, with the sign-off form now that the unit is complete
    page.get_by_label("Your password").fill("wrong")
    page.get_by_role("button", name="Sign off the unit").click()
    expect(page.get_by_role("alert")).to_contain_text("That is not your password")
    page.get_by_label("Your password").fill("password")
    page.get_by_role("button", name="Sign off the unit").click()
    expect(page.locator("#messages")).to_contain_text("signed off")
    expect(page.locator("main")).to_contain_text("Awaiting the learner's countersignature")
    axe_check(page)

    login(phone_page, people.learner)
    phone_page.get_by_role("link", name="See progress on TEST001").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("My progress on")
    axe_check(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the learner's progress page scrolls sideways ({width}px)"
    screenshot(phone_page, "learner-progress-phone")
    phone_page.get_by_role("link", name="Countersign this unit").click()
    axe_check(phone_page)
    phone_page.get_by_label("I make this declaration").check()
    phone_page.get_by_role("button", name="Countersign").click()
    expect(phone_page.locator("#messages")).to_contain_text("countersigned")
    axe_check(phone_page)


def test_iqa_samples_a_sign_off_and_the_assessor_sees_the_referral(
    page, people, login, axe_check, screenshot
) -> None:
    from review import services as review_services
    from review.sign_off import unit_sign_off

    item, criteria = _unit(people)
    for criterion in criteria:
        review_services.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    review_services.evidence_accept(item=item, assessor=people.assessor)
    for criterion in criteria:
        review_services.criterion_judge(
            enrolment=people.enrolment,
            criterion=criterion,
            assessor=people.assessor,
            met=True,
            rationale="",
        )
    unit_sign_off(enrolment=people.enrolment, assessor=people.assessor, password="password")

    login(page, people.iqa)
    page.get_by_role("link", name="Decisions to sample").click()
    axe_check(page)
    page.get_by_label("Learner's name").fill(people.learner.full_name)
    page.get_by_role("button", name="Filter").click()
    axe_check(page)
    page.get_by_role("link", name=re.compile("^Sample the unit")).first.click()
    expect(page.locator("main")).to_contain_text("Summative (at sign-off)")
    axe_check(page)
    page.get_by_label("Referred back to the assessor").check()
    page.get_by_label("Feedback to the assessor").fill("Add a rationale for K1.")
    page.get_by_role("button", name="Record the sample").click()
    expect(page.locator("#messages")).to_contain_text("asked to reopen it")
    page.context.clear_cookies()

    login(page, people.assessor)
    expect(page.get_by_role("heading", name="IQA actions on my decisions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Add a rationale for K1.")
    axe_check(page)
    screenshot(page, "assessor-caseload")

    page.get_by_role("link", name=re.compile("TEST001 progress")).click()
    page.get_by_role("link", name="Assessment record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment record")
    axe_check(page)

    page.context.clear_cookies()
    login(page, people.admin)
    page.goto(f"/assessments/enrolments/{people.enrolment.pk}/reopen/")
    axe_check(page)
    page.get_by_label("Reason for reopening").fill("The IQA asked for a rationale on K1.")
    page.get_by_role("button", name="Reopen the unit").click()
    expect(page.locator("#messages")).to_contain_text("reopened")
    axe_check(page)
