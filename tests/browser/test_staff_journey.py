"""Staff competence and standardisation: the IQA records an observation of the assessor's
practice in two steps, the assessor reads and acknowledges it on a phone and adds a CPD
entry; the admin reads who is qualified for which standard and what is due to expire. Every
page of portal.staff is axe-checked and screenshotted."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from portal.staff import services
from portal.staff.models import ExpertWitness, Observation, Qualification
from tests.staff.helpers import png_upload, qualification

pytestmark = pytest.mark.browser


def test_observation_acknowledged_and_reports(
    page, phone_page, people, login, axe_check, screenshot
) -> None:
    today = timezone.localdate()
    qualification(
        people.assessor, expires_on=today + datetime.timedelta(days=30), certificate=png_upload()
    )
    qualification(people.iqa, kind=Qualification.Kind.IQA, title="IQA award")
    services.competence_statement_save(
        person=people.assessor, standard=people.enrolment.standard, statement="Ten years."
    )
    services.cpd_entry_create(
        person=people.assessor, done_on=today, activity="Webinar", hours=2, reflection="Useful."
    )
    activity = services.standardisation_activity_create(
        centre=people.centre,
        actor=people.iqa,
        held_on=today,
        title="Judging reflective accounts",
        participants=[people.assessor, people.iqa],
        discussed="",
        outcomes="Agreed the rule.",
    )
    services.standardisation_action_add(
        activity=activity, actor=people.iqa, text="Re-check", owner=people.assessor, due_on=today
    )
    ExpertWitness.objects.create(
        centre=people.centre,
        name="Pat Witness",
        email="pat@example.org",
        role="Manager",
        occupational_competence="Ten years.",
    )
    centre = people.centre.pk

    login(page, people.iqa)
    page.goto(f"/staff/{centre}/observations/new/")
    axe_check(page)
    page.get_by_label("Assessor observed").select_option(label=people.assessor.display_name)
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Learner being assessed").select_option(index=1)
    page.get_by_label("Date observed").fill(today.isoformat())
    page.get_by_label("Setting").fill("Care home, morning medication round")
    page.get_by_label("Outcome").select_option("development")
    page.get_by_label("Feedback").fill("Clear questions. Record the answers in their words.")
    axe_check(page)
    screenshot(page, "staff-observation-form")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Observation of {people.assessor.display_name}"
    )
    for path, name in [
        (f"/staff/{centre}/", "staff-home"),
        (f"/staff/{centre}/standardisation/", "staff-standardisation-list"),
        (f"/staff/standardisation/{activity.pk}/", "staff-standardisation-detail"),
        (f"/staff/{centre}/standardisation/new/", "staff-standardisation-form"),
        (f"/staff/{centre}/observations/", "staff-observation-list"),
        (f"/staff/{centre}/witnesses/", "staff-witnesses"),
        (f"/staff/{centre}/reports/qualified/", "staff-report-qualified"),
        (f"/staff/{centre}/reports/expiring/", "staff-report-expiring"),
        (f"/staff/people/{people.assessor.pk}/", "staff-person"),
    ]:
        page.goto(path)
        axe_check(page)
        screenshot(page, name)

    login(phone_page, people.assessor)
    expect(phone_page.get_by_text("1 observation of your practice")).to_be_visible()
    axe_check(phone_page)
    phone_page.get_by_role("link", name="Observations of practice").click()
    phone_page.get_by_role("link", name=f"{today:%-d %b %Y}").first.click()
    phone_page.get_by_role("button", name="I have read this feedback").click()
    expect(phone_page.locator("#messages")).to_contain_text("acknowledged")
    assert Observation.objects.get().acknowledged_at is not None
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)
    screenshot(phone_page, "staff-observation-acknowledged-phone")
    phone_page.goto(f"/staff/people/{people.assessor.pk}/cpd/new/")
    phone_page.get_by_label("Date").fill(today.isoformat())
    phone_page.get_by_label("Activity").fill("Read the new assessment strategy")
    phone_page.get_by_label("Hours").fill("1.5")
    axe_check(phone_page)
    phone_page.get_by_role("button", name="Add").click()
    expect(phone_page.locator("#messages")).to_contain_text("CPD entry added")
    expect(phone_page.get_by_text("3.5 hours in all")).to_be_visible()
    axe_check(phone_page)
    screenshot(phone_page, "staff-person-phone")
    for path in (
        f"/staff/people/{people.assessor.pk}/qualifications/new/",
        f"/staff/people/{people.assessor.pk}/competence/",
    ):
        phone_page.goto(path)
        axe_check(phone_page)

    page.context.clear_cookies()
    login(page, people.admin)
    page.goto(f"/staff/{centre}/witnesses/new/")
    axe_check(page)
    page.goto("/centre/")
    expect(page.get_by_text("Staff qualifications: 1 expires within 60 days")).to_be_visible()
    axe_check(page)
