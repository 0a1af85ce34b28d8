from __future__ import annotations

from django.test import Client
from django.urls import reverse


def test_privacy_notice_is_public_and_complete(db, settings) -> None:
    settings.PRIVACY_CONTROLLER_NAME = "Northfield Training Ltd"
    settings.PRIVACY_CONTROLLER_CONTACT = "dp@northfield.example"
    response = Client().get(reverse("privacy:notice"))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "Northfield Training Ltd",
        "dp@northfield.example",
        "<strong>controller</strong>",
        "<strong>processor</strong>",
        "lawful basis",
        "How long it is kept",
        "three years",
        "Your rights",
        "<strong>erased</strong>",
        "Information Commissioner",
        "0303 123 1113",
    ):
        assert expected in text, expected


def test_privacy_notice_says_when_the_centre_is_not_configured(db, settings) -> None:
    settings.PRIVACY_CONTROLLER_NAME = ""
    settings.PRIVACY_CONTROLLER_CONTACT = ""
    text = Client().get(reverse("privacy:notice")).content.decode()
    assert "has not published the centre's name here" in text


def test_privacy_notice_gives_a_signed_in_users_centre_period(people) -> None:
    people.centre.retention_years = 6
    people.centre.save()
    text = people.client_for(people.learner).get(reverse("privacy:notice")).content.decode()
    assert "at Alpha Centre, 6 years" in text


def test_accessibility_statement_has_the_required_sections(db, settings) -> None:
    settings.ACCESSIBILITY_CONTACT = "access@northfield.example"
    response = Client().get(reverse("privacy:accessibility"))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        "partially compliant",
        "Non-accessible content",
        "no captions",
        "access@northfield.example",
        "Enforcement procedure",
        "Equality and Human Rights Commission",
        "Equality Commission for Northern Ireland",
        "prepared on 23 November 2026",
    ):
        assert expected in text, expected


def test_every_page_links_both_from_its_footer(people) -> None:
    for client, url in (
        (Client(), reverse("login")),
        (people.client_for(people.learner), reverse("learner_dashboard")),
    ):
        text = client.get(url).content.decode()
        assert f'href="{reverse("privacy:notice")}"' in text
        assert f'href="{reverse("privacy:accessibility")}"' in text
