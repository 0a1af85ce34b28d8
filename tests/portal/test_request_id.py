"""Request ids: taken from a sane X-Request-ID or generated, echoed, in every log line of the
request (JSON lines in production) and handed to the tasks the request enqueues."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import signal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from portal import observability
from portal.notifications.tasks import collect_notifications


def test_a_sane_id_is_kept_and_echoed(client, db) -> None:
    response = client.get(reverse("health"), {"quick": 1}, headers={"X-Request-ID": "lb-1234abcd"})
    assert response["X-Request-ID"] == "lb-1234abcd"


@pytest.mark.parametrize(
    "sent", ["", "short", "has space in it", "x" * 200, "<script>alert(1)</script>", "ab\ncd1234"]
)
def test_an_insane_id_is_replaced(client, db, sent) -> None:
    response = client.get(reverse("health"), {"quick": 1}, headers={"X-Request-ID": sent})
    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32


def test_every_log_line_of_the_request_carries_the_id(client, people, caplog) -> None:
    caplog.set_level(logging.INFO)
    client.force_login(people.learner)
    response = client.get(reverse("home"), headers={"X-Request-ID": "req-abcdef12"})
    assert response["X-Request-ID"] == "req-abcdef12"
    lines = [r for r in caplog.records if r.name == "portal.request"]
    assert lines and lines[-1].request_id == "req-abcdef12"
    assert lines[-1].route == ""  # the home page's pattern is the empty route
    assert lines[-1].status == 302


def test_json_lines_format(people) -> None:
    config = django_settings.LOGGING
    formatter = logging.config.DictConfigurator(config).configure_formatter(
        config["formatters"]["json"]
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(observability.RequestIdFilter())
    log = logging.getLogger("tests.json")
    log.addHandler(handler)
    token = observability.request_id_var.set("req-jsonline1")
    try:
        log.warning("uploaded %s", "file.pdf", extra={"status": 201})
    finally:
        observability.request_id_var.reset(token)
        log.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["message"] == "uploaded file.pdf"
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.json"
    assert line["request_id"] == "req-jsonline1"
    assert line["status"] == 201
    assert "time" in line


def test_the_database_worker_runs_a_task_under_the_requests_id(
    transactional_db, settings, caplog
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    caplog.set_level(logging.INFO)
    token = observability.request_id_var.set("req-enqueue01")
    try:
        result = collect_notifications.enqueue()
    finally:
        observability.request_id_var.reset(token)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.args_kwargs["request_id"] == "req-enqueue01"
    assert row.task_result.args == [] and row.task_result.kwargs == {}

    # The worker installs its own signal handlers; the test session keeps pytest's.
    handlers = {
        sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
    }
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    started = [r for r in caplog.records if r.getMessage().startswith("task started")]
    assert started and started[-1].request_id == "req-enqueue01"
