"""The IQA's journey (issue 12 items 1-3), in the browser: the IQA writes a sampling plan for
an assessor, samples a signed-off unit summatively (with an action for the assessor) and a
unit in progress interim; the assessor answers the action from their dashboard and the IQA
closes it. axe on each page; screenshots in test-artifacts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from review.sign_off import unit_countersign
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory, StandardFactory
from tests.review.helpers import complete, signed_off

pytestmark = pytest.mark.browser


def _as(page: Page, login, user) -> None:
    page.context.clear_cookies()
    login(page, user)


def test_iqa_plans_samples_and_closes_an_action(page, people, login, axe_check, screenshot) -> None:
    signed_off(people.enrolment)
    unit_countersign(enrolment=people.enrolment, learner=people.learner)
    group = GroupFactory(standard=StandardFactory(slug="second-std", code="TEST002"))
    CriterionFactory(group=group, order=1, reference="K1", text="know the second thing")
    in_progress = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=group.standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )
    complete(in_progress)
    main = page.locator("main")

    # The IQA writes a plan for Bob.
    login(page, people.iqa)
    page.goto("/iqa/")
    page.get_by_role("link", name="Sampling plans and coverage").click()
    axe_check(page)
    page.get_by_role("link", name="Bob Assessor").click()
    expect(main).to_contain_text("No sampling plan yet")
    page.get_by_role("link", name="Write a plan").click()
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Newly qualified assessor").check()
    page.get_by_label("Interim samples planned").fill("2")
    page.get_by_label("Summative samples planned").fill("2")
    page.get_by_label("Observation", exact=True).check()
    page.get_by_label("Witness testimony").first.check()
    page.get_by_label("Locations to cover").fill("Oak Ward")
    axe_check(page)
    page.get_by_role("button", name="Sign this plan").click()
    expect(page.locator("#messages")).to_contain_text("Version 1 of the plan is signed")
    expect(main).to_contain_text("high risk, sample 50% of units")
    expect(main).to_contain_text("0 of 2")
    # A plan of its own for the second standard: its unit is measured against that plan.
    page.get_by_role("link", name="Change the plan").click()
    page.locator("#id_standard").select_option(str(group.standard.pk))
    page.get_by_label("Low", exact=True).check()
    page.get_by_label("Interim samples planned").fill("1")
    page.get_by_label("Summative samples planned").fill("1")
    page.get_by_role("button", name="Sign this plan").click()
    expect(main).to_contain_text("TEST002: its own plan, version 1")
    expect(main).to_contain_text("Every other standard: plan version 1")
    expect(main).to_contain_text("the plan asks for 10%")
    axe_check(page)
    screenshot(page, "iqa-assessor-plan-coverage")

    # Summative: the proposed signed-off unit, agreed, with an action for the assessor.
    page.get_by_role("link", name=re.compile("^Alice Learner")).click()
    expect(main).to_contain_text("Summative (at sign-off)")
    expect(main).to_contain_text("Mapped to: P1")
    axe_check(page)
    screenshot(page, "iqa-summative-sample")
    page.get_by_label("Agreed", exact=True).check()
    page.get_by_label("Feedback to the assessor").fill("Sound decisions, well evidenced.")
    page.locator("#id_act0-text").fill("Name the evidence in each rationale.")
    due = timezone.localdate() + datetime.timedelta(days=10)
    page.locator("#id_act0-due_on").fill(due.isoformat())
    page.get_by_role("button", name="Record the sample").click()
    expect(page.locator("#messages")).to_contain_text("the sign-off is verified")
    expect(main).to_contain_text("due in 10 days")
    expect(page.get_by_role("button", name="Close the action")).to_have_count(0)
    axe_check(page)

    # Interim: a decision of the unit in progress, from the decisions list.
    page.goto("/quality/decisions/")
    page.get_by_label("Learner's name").fill("Amir")
    page.get_by_role("button", name="Filter").click()
    axe_check(page)
    screenshot(page, "iqa-decisions")
    page.get_by_role("link", name=re.compile("^Sample the unit")).first.click()
    expect(main).to_contain_text("Interim (during the unit)")
    page.locator("input[name=decisions]").first.check()
    page.get_by_label("Agreed", exact=True).check()
    axe_check(page)
    page.get_by_role("button", name="Record the sample").click()
    expect(page.locator("#messages")).to_contain_text("Your sample is recorded")

    # The assessor answers the action from their dashboard.
    _as(page, login, people.assessor)
    page.goto("/assessor/")
    expect(main).to_contain_text("Name the evidence in each rationale.")
    page.get_by_role("link", name=re.compile("^Open the action")).click()
    page.get_by_label("Your response").fill("Rationales rewritten for P1, naming E1.")
    axe_check(page)
    page.get_by_role("button", name="Send my response").click()
    expect(page.locator("#messages")).to_contain_text("sent to the IQA")

    # The IQA closes it; it leaves both dashboards.
    _as(page, login, people.iqa)
    page.goto("/iqa/")
    page.get_by_role("link", name=re.compile("^Open the action")).click()
    expect(main).to_contain_text("Rationales rewritten for P1")
    screenshot(page, "iqa-action-answered")
    page.get_by_role("button", name="Close the action").click()
    expect(page.locator("#messages")).to_contain_text("The action is closed")
    axe_check(page)
    page.goto("/iqa/")
    expect(main).to_contain_text("No open actions.")
    axe_check(page)
