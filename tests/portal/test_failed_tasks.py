"""Failed background tasks: a task enqueued during a user's request is filed under their
centre; when it fails, that centre's admins see what, when, why and the request id; nobody
else's failures show."""

from __future__ import annotations

import signal
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from portal import observability
from portal.notifications.tasks import collect_notifications

pytestmark = pytest.mark.django_db


def _enqueue_as(user, settings) -> DBTaskResult:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    request = RequestFactory().get("/")
    request.user = user
    tokens = (
        observability.request_id_var.set("req-failing01"),
        observability.request_var.set(request),
    )
    try:
        result = collect_notifications.enqueue()
    finally:
        observability.request_id_var.reset(tokens[0])
        observability.request_var.reset(tokens[1])
    return DBTaskResult.objects.get(pk=result.id)


def _run_worker() -> None:
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def test_a_failed_task_shows_to_its_centres_admins_only(people, settings, transactional_db) -> None:
    row = _enqueue_as(people.assessor, settings)
    assert row.args_kwargs["centre_id"] == people.centre.pk
    boom = RuntimeError("the mail server refused the connection")
    with mock.patch("portal.notifications.feed.notifications_collect", side_effect=boom):
        _run_worker()
    row.refresh_from_db()
    assert row.status == "FAILED"

    page = people.client_for(people.admin).get(reverse("centres:failed_tasks"))
    text = page.content.decode()
    assert "Collecting notifications" in text
    assert "the mail server refused the connection" in text
    assert "req-failing01" in text
    assert "Traceback" not in text

    other = people.client_for(people.outsider_admin).get(reverse("centres:failed_tasks"))
    assert "req-failing01" not in other.content.decode()
    assert "No background task" in other.content.decode()


def test_a_task_no_user_started_belongs_to_the_platform(people, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = collect_notifications.enqueue()
    assert "centre_id" not in DBTaskResult.objects.get(pk=result.id).args_kwargs


def test_the_immediate_backend_lists_nothing(people) -> None:
    page = people.client_for(people.admin).get(reverse("centres:failed_tasks"))
    assert page.status_code == 200
    assert "No background task" in page.content.decode()
