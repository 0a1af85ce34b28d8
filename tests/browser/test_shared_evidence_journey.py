"""One item counts towards two units (issue 11 part 3): the learner uploads one piece of
evidence, maps it to criteria of both their units and submits it; the assessor accepts it
with its mappings, and it backs a criterion in each unit's grid."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceItem
from tests.evidence.helpers import png_bytes
from tests.factories import CriterionFactory, EnrolmentFactory, GroupFactory, StandardFactory

pytestmark = pytest.mark.browser


def test_one_item_counts_towards_two_units(page, people, login, axe_check, screenshot) -> None:
    group = GroupFactory(standard=StandardFactory(code="TEST002", slug="test002"))
    CriterionFactory(group=group, order=1, reference="P1", text="plan the second thing")
    other = EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=group.standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )

    login(page, people.learner)
    page.get_by_role("link", name="Add evidence").first.click()
    page.get_by_label("Standard").select_option(label=people.enrolment.standard.display_name)
    page.get_by_label("Title").fill("Commissioning review meeting")
    page.get_by_label("Date").fill("2026-10-01")
    page.get_by_label("Type of evidence").select_option(label="Product or work document")
    page.get_by_label("Description or reflective account").fill("Minutes I wrote.")
    page.get_by_role("button", name="Save draft and add files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E1 Commissioning review meeting")
    page.locator("form[data-upload-ready]").wait_for(state="attached")
    page.locator("#id_file").set_input_files(
        files=[{"name": "minutes.png", "mimeType": "image/png", "buffer": png_bytes((64, 48))}]
    )
    page.locator("[data-progress-list]").get_by_text("minutes.png uploaded and checked").wait_for()

    page.get_by_role("link", name="Choose the criteria it covers").click()
    expect(page.get_by_role("heading", name="TEST002")).to_have_count(1)
    page.get_by_label("P1 do the first thing").check()
    page.get_by_label("P1 plan the second thing").check()
    axe_check(page)
    screenshot(page, "evidence-mapping-two-units")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator("#messages")).to_contain_text("mapped to 2 criteria")
    expect(page.locator("main")).to_contain_text("Counts towards")

    page.get_by_role("link", name="Submit E1 for assessment").click()
    page.get_by_label("I declare that this evidence is my own work").check()
    page.get_by_label("Your full name").fill(people.learner.full_name)
    page.get_by_role("button", name="Sign and submit").click()
    expect(page.locator("#messages")).to_contain_text("submitted for assessment")
    item = EvidenceItem.objects.get(learner=people.learner)

    page.context.clear_cookies()
    login(page, people.assessor)
    page.goto(f"/evidence/{item.pk}/review/")
    axe_check(page)
    page.get_by_role("button", name="Accept E1 and confirm its 2 proposed mappings").click()
    expect(page.locator("#messages")).to_contain_text("E1 accepted")  # the POST has finished
    item.refresh_from_db()
    assert item.status == EvidenceItem.Status.ACCEPTED

    for enrolment in (people.enrolment, other):
        page.goto(f"/evidence/enrolments/{enrolment.pk}/grid/")
        header = page.locator("thead th").filter(has_text="E1")
        assert header.count() == 1
        row = page.locator("tbody tr").filter(has_text="P1")
        assert "Evidence accepted, awaiting judgement" in row.inner_text()
        axe_check(page)
    screenshot(page, "grid-shared-evidence")
