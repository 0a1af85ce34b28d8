"""Log-in and session protection: lock-out after five wrong passwords (log-in page, the
admin's log-in, the sign-off password, the password that confirms a role change), idle and
absolute session expiry, ``Cache-Control`` on personal pages, the Content-Security-Policy."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from assessments.models import UnitSignOff
from portal.security import LAST_SEEN_KEY, STARTED_KEY
from tests.factories import UserFactory
from tests.review.helpers import complete

LOCKED = "Too many wrong passwords"
axes_on = override_settings(AXES_ENABLED=True)


def _log_in(client: Client, username: str, password: str, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password})


@axes_on
def test_five_wrong_passwords_lock_the_log_in(people) -> None:
    client = Client()
    for _ in range(4):
        response = _log_in(client, "alice", "wrong")
        assert response.status_code == 200  # the form again, with its error
    response = _log_in(client, "alice", "wrong")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "for 15 minutes" in response.content.decode()
    response = _log_in(client, "alice", "password")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@axes_on
def test_lock_is_per_username_and_address(people) -> None:
    client = Client()
    for _ in range(5):
        _log_in(client, "alice", "wrong")
    other_address = Client(REMOTE_ADDR="192.0.2.7")
    assert _log_in(other_address, "alice", "password").status_code == 302
    assert _log_in(Client(), "amir", "password").status_code == 302


@axes_on
def test_success_before_the_limit_resets_the_count(people) -> None:
    client = Client()
    for _ in range(4):
        _log_in(client, "alice", "wrong")
    assert _log_in(client, "alice", "password").status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


@axes_on
def test_the_operator_unlocks_with_a_command(people) -> None:
    client = Client()
    for _ in range(5):
        _log_in(client, "alice", "wrong")
    call_command("axes_reset_username", "alice")
    assert _log_in(client, "alice", "password").status_code == 302


@axes_on
def test_the_operator_unlocks_in_the_admin(people) -> None:
    client = Client()
    for _ in range(5):
        _log_in(client, "alice", "wrong")
    operator = UserFactory(username="root", is_superuser=True, is_staff=True)
    admin = people.client_for(operator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "alice" in admin.get(changelist).text
    attempt = AccessAttempt.objects.get(username="alice")
    response = admin.post(
        changelist, {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert _log_in(client, "alice", "password").status_code == 302


@axes_on
def test_cool_off_ends_the_lock(people) -> None:
    client = Client()
    for _ in range(5):
        _log_in(client, "alice", "wrong")
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time.replace(year=2000)
    )
    assert _log_in(client, "alice", "password").status_code == 302


@axes_on
def test_the_admin_log_in_is_locked_too(people) -> None:
    UserFactory(username="root", is_superuser=True, is_staff=True)
    client = Client()
    url = reverse("admin:login")
    for _ in range(5):
        response = _log_in(client, "root", "wrong", url=url)
    assert response.status_code == 429
    response = _log_in(client, "root", "password", url=url)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def _sign_off(client: Client, people, password: str):
    url = reverse("review:sign_off", args=[people.enrolment.pk])
    return client.post(url, {"password": password})


@axes_on
def test_sign_off_password_counts_and_locks(people) -> None:
    complete(people.enrolment)
    client = Client()
    assert _log_in(client, "bob", "password").status_code == 302
    for _ in range(4):
        response = _sign_off(client, people, "wrong")
        assert response.status_code == 200
        assert "That is not your password." in response.content.decode()
    response = _sign_off(client, people, "wrong")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    response = _sign_off(client, people, "password")
    assert response.status_code == 429
    assert not UnitSignOff.objects.exists()
    # Locked out of logging in again as well.
    assert _log_in(Client(), "bob", "password").status_code == 429


@axes_on
def test_sign_off_with_the_right_password(people) -> None:
    complete(people.enrolment)
    client = Client()
    _log_in(client, "bob", "password")
    assert _sign_off(client, people, "password").status_code == 302
    assert UnitSignOff.objects.filter(enrolment=people.enrolment).exists()


def _edit_roles(client: Client, people, password: str | None):
    data = {"full_name": "Bob Assessor", "email": "", "is_assessor": "on", "is_iqa": "on"}
    if password is not None:
        data["your_password"] = password
    return client.post(reverse("centres:person_edit", args=[people.assessor.pk]), data)


def test_role_change_needs_the_admins_password(people) -> None:
    client = people.client_for(people.admin)
    for password in (None, "", "wrong"):
        response = _edit_roles(client, people, password)
        assert response.status_code == 200
        assert "To change roles, type your own password correctly." in response.content.decode()
    people.assessor.refresh_from_db()
    assert not people.assessor.is_iqa
    assert _edit_roles(client, people, "password").status_code == 302
    people.assessor.refresh_from_db()
    assert people.assessor.is_iqa


def test_creating_a_staff_member_needs_the_admins_password(people) -> None:
    from portal.accounts.models import User

    client = people.client_for(people.admin)
    data = {
        "full_name": "Sam Staff",
        "username": "sam",
        "email": "sam@example.org",
        "is_centre_admin": "on",
    }
    for password in ("", "wrong"):
        response = client.post(
            reverse("centres:person_create"), {**data, "your_password": password}
        )
        assert response.status_code == 200
        assert "To give a staff role, type your own password correctly." in response.text
    assert not User.objects.filter(username="sam").exists()
    response = client.post(reverse("centres:person_create"), {**data, "your_password": "password"})
    assert response.status_code == 302
    assert User.objects.get(username="sam").is_centre_admin
    learner = {**data, "username": "lena", "is_centre_admin": "", "is_learner": "on"}
    assert client.post(reverse("centres:person_create"), learner).status_code == 302


def test_details_without_a_role_change_need_no_password(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:person_edit", args=[people.assessor.pk]),
        {"full_name": "Robert Assessor", "email": "rob@example.org", "is_assessor": "on"},
    )
    assert response.status_code == 302
    people.assessor.refresh_from_db()
    assert people.assessor.full_name == "Robert Assessor"


@axes_on
def test_role_change_password_counts_and_locks(people) -> None:
    client = Client()
    assert _log_in(client, "dave", "password").status_code == 302
    for _ in range(4):
        assert _edit_roles(client, people, "wrong").status_code == 200
    assert _edit_roles(client, people, "wrong").status_code == 429
    assert _edit_roles(client, people, "password").status_code == 429
    people.assessor.refresh_from_db()
    assert not people.assessor.is_iqa


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": STARTED_KEY, "last_seen": LAST_SEEN_KEY}[key]] = now - ago
    session.save()


@override_settings(SESSION_IDLE_TIMEOUT=1800, SESSION_COOKIE_AGE=12 * 3600)
def test_idle_session_ends(people) -> None:
    client = people.client_for(people.learner)
    _age_session(client, last_seen=1700)
    assert client.get(reverse("learner_dashboard")).status_code == 200  # still within the limit
    _age_session(client, last_seen=1801)
    response = client.get(reverse("learner_dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "logged out after a period of inactivity" in page.content.decode()


@override_settings(SESSION_IDLE_TIMEOUT=1800, SESSION_COOKIE_AGE=12 * 3600)
def test_activity_keeps_the_session_alive(people) -> None:
    client = people.client_for(people.learner)
    _age_session(client, last_seen=1700)
    client.get(reverse("learner_dashboard"))
    assert int(time.time()) - client.session[LAST_SEEN_KEY] < 5


@override_settings(SESSION_IDLE_TIMEOUT=1800, SESSION_COOKIE_AGE=12 * 3600)
def test_session_ends_after_its_maximum_age_however_active(people) -> None:
    client = people.client_for(people.learner)
    _age_session(client, started=12 * 3600 + 1, last_seen=10)
    response = client.get(reverse("learner_dashboard"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_htmx_request_after_the_timeout_redirects_the_page(people) -> None:
    client = people.client_for(people.assessor)
    _age_session(client, last_seen=10**6)
    response = client.get(reverse("assessor_dashboard"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login")


def test_default_limits() -> None:
    from django.conf import settings

    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 12 * 3600 < 14 * 24 * 3600
    assert settings.AXES_FAILURE_LIMIT == 5


@pytest.mark.parametrize("url_name", ["learner_dashboard", "evidence:list", "password_change"])
def test_personal_pages_are_not_stored(people, url_name) -> None:
    response = people.client_for(people.learner).get(reverse(url_name))
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


def test_anonymous_pages_are_left_alone(people) -> None:
    assert not Client().get(reverse("password_reset")).has_header("Cache-Control")


def test_content_security_policy_allows_no_inline_script_or_style(people) -> None:
    response = people.client_for(people.learner).get(reverse("learner_dashboard"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_no_template_has_inline_script_style_or_handlers() -> None:
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        if "pdf" in path.parts:  # rendered to PDF by WeasyPrint, never served as a page
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"""\s(style|on[a-z]+)=["']""", text
        ):
            offenders.append(path.name)
    assert offenders == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES"),
        ({"LOGIN_COOLOFF_MINUTES": "-5"}, "LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES"),
        ({"SESSION_IDLE_TIMEOUT": "10"}, "SESSION_IDLE_TIMEOUT must be at least 60"),
        ({"SESSION_IDLE_TIMEOUT": "7200", "SESSION_MAX_AGE": "3600"}, "SESSION_MAX_AGE at least"),
        ({"ADMIN_REQUIRE_2FA": "perhaps"}, "ADMIN_REQUIRE_2FA must be a boolean"),
    ],
)
def test_nonsense_limits_fail_loudly(env, message) -> None:
    import os
    import subprocess
    import sys

    from django.conf import settings

    done = subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "ImproperlyConfigured" in done.stderr
    assert message in done.stderr
