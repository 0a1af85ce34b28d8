"""Two-factor log-in (TOTP): required of a centre's staff when the centre turns it on, and of
superusers for the admin; the codes are computed here as an authenticator app would."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory


def _code(device: TOTPDevice) -> str:
    """The current code, as the person's authenticator app shows it."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def _log_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": "password"})
    assert response.status_code == 302
    return client


@pytest.fixture
def strict(people):
    people.centre.require_staff_2fa = True
    people.centre.save()
    return people


@pytest.mark.parametrize("role", ["assessor", "iqa", "admin"])
def test_staff_must_set_up_two_factor(strict, role) -> None:
    client = _log_in(getattr(strict, role).username)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    # Every page is closed until then, even one of their own.
    response = client.get(reverse("evidence:list"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_learners_and_other_centres_are_not_asked(strict) -> None:
    assert _log_in("alice").get(reverse("learner_dashboard")).status_code == 200
    assert _log_in("olga").get(reverse("centre_dashboard")).status_code == 200


def test_setup_shows_the_secret_and_a_qr_code_then_confirms_with_a_code(strict) -> None:
    client = _log_in("bob")
    page = client.get(reverse("two_factor_setup"), {"next": reverse("assessor_dashboard")})
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=strict.assessor, confirmed=False)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    assert "<svg" in html and "QR code to scan" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )  # drawn here, fetched from nowhere

    wrong = client.post(
        reverse("two_factor_setup"), {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()

    response = client.post(
        reverse("two_factor_setup"),
        {"token": _code(device), "next": reverse("assessor_dashboard")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessor_dashboard")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("assessor_dashboard")).status_code == 200


def test_next_log_in_asks_for_a_code(strict) -> None:
    device = TOTPDevice.objects.create(user=strict.assessor, name="phone", confirmed=True)
    client = _log_in("bob")
    response = client.get(reverse("assessor_dashboard"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "12345x"})
    assert wrong.status_code == 200
    assert client.get(reverse("assessor_dashboard")).status_code == 302
    response = client.post(
        reverse("two_factor_verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")  # never an outside address
    assert client.get(reverse("assessor_dashboard")).status_code == 200


def test_a_code_cannot_be_used_twice(strict) -> None:
    device = TOTPDevice.objects.create(user=strict.assessor, name="phone", confirmed=True)
    code = _code(device)
    assert _log_in("bob").post(reverse("two_factor_verify"), {"token": code}).status_code == 302
    second = _log_in("bob").post(reverse("two_factor_verify"), {"token": code})
    assert second.status_code == 200


def test_wrong_codes_are_throttled(strict) -> None:
    device = TOTPDevice.objects.create(user=strict.assessor, name="phone", confirmed=True)
    client = _log_in("bob")
    for _ in range(2):
        client.post(reverse("two_factor_verify"), {"token": "000001"})
    response = client.post(reverse("two_factor_verify"), {"token": _code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()


def test_setup_cannot_replace_a_confirmed_device(strict) -> None:
    TOTPDevice.objects.create(user=strict.assessor, name="phone", confirmed=True)
    client = _log_in("bob")
    response = client.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert TOTPDevice.objects.filter(user=strict.assessor).count() == 1


def test_htmx_requests_are_sent_to_the_page(strict) -> None:
    client = _log_in("bob")
    response = client.get(reverse("assessor_dashboard"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("two_factor_setup"))


@override_settings(ADMIN_REQUIRE_2FA=True)
def test_superusers_need_two_factor_for_the_admin(people) -> None:
    UserFactory(username="root", is_superuser=True, is_staff=True)
    client = _log_in("root")
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user__username="root")
    client.post(reverse("two_factor_setup"), {"token": _code(device)})
    assert client.get("/admin/").status_code == 200


@override_settings(ADMIN_REQUIRE_2FA=False)
def test_superusers_without_the_setting(people) -> None:
    UserFactory(username="root", is_superuser=True, is_staff=True)
    assert _log_in("root").get("/admin/").status_code == 200


def test_the_default_setting_requires_it_of_superusers() -> None:
    from portal import settings as production

    assert production.ADMIN_REQUIRE_2FA is True


def test_verification_lasts_for_the_session(strict) -> None:
    device = TOTPDevice.objects.create(user=strict.assessor, name="phone", confirmed=True)
    client = _log_in("bob")
    client.post(reverse("two_factor_verify"), {"token": _code(device)})
    for _ in range(3):
        assert client.get(reverse("assessor_dashboard")).status_code == 200
    client.post(reverse("logout"))
    client = _log_in("bob")
    assert client.get(reverse("assessor_dashboard")).status_code == 302


def test_the_operator_resets_a_lost_device_in_the_admin(strict) -> None:
    device = TOTPDevice.objects.create(user=strict.assessor, name="phone", confirmed=True)
    operator = UserFactory(username="root", is_superuser=True, is_staff=True)
    admin = strict.client_for(operator)
    response = admin.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert response.status_code == 302
    client = _log_in("bob")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
