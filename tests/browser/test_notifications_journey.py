"""Notifications: the learner submits, the assessor hears of it and accepts the item in the
browser; the background feed and the daily digest (run here as the scheduler would) tell the
learner, who sees the count on a phone, opens the list and follows the link. An IQA action
reaches its assessor, who answers it from the link, and the answer the IQA; an assessor's
observation reaches the learner, whose link opens the acknowledgement page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from portal.notifications.models import Notification
from tests.evidence.assessor_helpers import record_observation
from tests.factories import EnrolmentFactory
from tests.notifications.helpers import submitted_item
from tests.quality.helpers import sample_with_action

pytestmark = pytest.mark.browser


def test_acceptance_reaches_the_learner_in_the_portal_and_by_email(
    page, phone_page, people, login, axe_check, screenshot, settings
) -> None:
    settings.SITE_URL = "https://portal.example.org"
    item = submitted_item(people.enrolment, title="Medication round observation")
    call_command("collect_notifications")  # the scheduler, every minute

    login(page, people.assessor)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    nav.get_by_role("link", name="Notifications 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("Alice Learner submitted E")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Open\s*: Evidence submitted")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Review {item.reference}")
    page.get_by_role("button", name=f"Accept {item.reference}").click()
    expect(page.locator("#messages")).to_contain_text("accepted")
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()

    call_command("collect_notifications")
    call_command("send_digests")  # the scheduler, once a day
    (digest,) = [m for m in mail.outbox if m.to == [people.learner.email]]
    assert "Medication round observation" in digest.body
    assert f"https://portal.example.org/evidence/{item.pk}/" in digest.body
    assert Notification.objects.get(recipient=people.learner).email == "sent"

    login(phone_page, people.learner)
    phone_page.get_by_role("button", name="Show or hide navigation").click()
    phone_nav = phone_page.get_by_role("navigation", name="Main")
    count_link = phone_nav.get_by_role("link", name="Notifications 1 unread")
    expect(count_link).to_be_visible()
    axe_check(phone_page)
    count_link.click()
    expect(phone_page.get_by_text("Bob Assessor accepted " + item.reference)).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(phone_page)
    screenshot(phone_page, "learner-notifications-phone")
    phone_page.get_by_role("link", name=re.compile(r"^Open\s*: Evidence accepted")).click()
    expect(phone_page).to_have_url(re.compile(rf"/evidence/{item.pk}/$"))
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text(item.title)
    axe_check(phone_page)

    phone_page.goto("/notifications/")
    expect(phone_page.get_by_text("Read:")).to_be_visible()
    phone_page.get_by_role("link", name="Change how you hear by email").click()
    phone_page.get_by_label("An email for each event").check()
    axe_check(phone_page)
    phone_page.get_by_role("button", name="Save").click()
    expect(phone_page.locator("#messages")).to_contain_text("Your email choice is saved.")
    expect(phone_page.get_by_label("An email for each event")).to_be_checked()


def test_an_iqa_action_reaches_its_assessor_and_the_answer_the_iqa(
    page, people, login, axe_check, screenshot
) -> None:
    sample_with_action(people, due_in=9)
    amirs = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=people.enrolment.standard,
        assessor=people.assessor,
    )
    observation = record_observation(amirs)
    call_command("collect_notifications")

    login(page, people.assessor)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page.get_by_text("Carol IQA raised an action for you to answer by")).to_be_visible()
    axe_check(page)
    screenshot(page, "assessor-notifications-iqa-action")
    page.get_by_role("link", name=re.compile(r"^Open\s*: IQA action for you to answer")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("sample of Alice Learner")
    page.get_by_label("Your response").fill("Rationales rewritten for P1.")
    page.get_by_role("button", name="Send my response").click()
    expect(page.get_by_text("Rationales rewritten for P1.")).to_be_visible()

    call_command("collect_notifications")
    page.context.clear_cookies()
    login(page, people.iqa)
    page.goto("/notifications/")
    expect(page.get_by_text("Bob Assessor answered your action")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Open\s*: Your IQA action answered")).click()
    expect(page.get_by_role("button", name="Close the action")).to_be_visible()

    page.context.clear_cookies()
    login(page, people.other_learner)
    page.goto("/notifications/")
    expect(page.get_by_text(f"Bob Assessor recorded {observation.reference}")).to_be_visible()
    axe_check(page)
    screenshot(page, "learner-notifications-acknowledge")
    page.get_by_role(
        "link", name=re.compile(r"^Open\s*: Assessor's record waiting for your acknowledgement")
    ).click()
    expect(page).to_have_url(re.compile(rf"/evidence/{observation.pk}/acknowledge/$"))
    axe_check(page)
