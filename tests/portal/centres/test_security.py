"""The centre admin's log-in security page: two-factor log-in for staff on or off, with the
admin's own password."""

from __future__ import annotations

from django.test import Client, override_settings
from django.urls import reverse

URL = reverse("centres:security")


def test_admin_turns_two_factor_on_with_their_password(people) -> None:
    client = people.client_for(people.admin)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Require two-factor log-in for assessors, IQAs and centre admins" in page.text
    response = client.post(URL, {"require_staff_2fa": "on", "your_password": "password"})
    assert response.status_code == 302
    people.centre.refresh_from_db()
    assert people.centre.require_staff_2fa
    people.other_centre.refresh_from_db()
    assert not people.other_centre.require_staff_2fa
    # The admin is staff too: their next page is the setup.
    assert client.get(reverse("centre_dashboard"))["Location"].startswith(
        reverse("two_factor_setup")
    )


def test_wrong_or_missing_password_changes_nothing(people) -> None:
    client = people.client_for(people.admin)
    for password in ("", "wrong"):
        response = client.post(URL, {"require_staff_2fa": "on", "your_password": password})
        assert response.status_code == 200
        assert "There is a problem" in response.text
    people.centre.refresh_from_db()
    assert not people.centre.require_staff_2fa


def test_other_roles_are_refused(people) -> None:
    for role in ("learner", "assessor", "iqa", "eqa"):
        client = people.client_for(getattr(people, role))
        assert client.get(URL).status_code == 403
        assert (
            client.post(URL, {"require_staff_2fa": "on", "your_password": "password"}).status_code
            == 403
        )
    people.centre.refresh_from_db()
    assert not people.centre.require_staff_2fa


def test_dashboard_says_whether_it_is_on(people) -> None:
    page = people.client_for(people.admin).get(reverse("centre_dashboard"))
    assert "Two-factor log-in for staff is <strong>not required</strong>" in page.text


@override_settings(AXES_ENABLED=True)
def test_wrong_passwords_here_count_towards_the_lock_out(people) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "dave", "password": "password"})
    for _ in range(4):
        assert client.post(URL, {"your_password": "wrong"}).status_code == 200
    assert client.post(URL, {"your_password": "wrong"}).status_code == 429
