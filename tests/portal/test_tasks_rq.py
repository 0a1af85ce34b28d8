"""Background work on Redis (TASK_BACKEND=rq): every task of ours is enqueued on RQ and run by
a real RQ worker in burst mode against the real Redis; failures land in RQ's failed-job
registry; the request id travels in the job; deferred tasks wait in RQ's scheduled registry."""

from __future__ import annotations

import datetime
import importlib
import logging
import pkgutil

import django_rq
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from rq import SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from evidence import previews
from evidence.models import EvidenceFile
from evidence.tasks import scan_evidence_file
from portal import observability
from portal.management.commands.cleanup import task_results_prune
from portal.notifications.tasks import collect_notifications, send_each_event_emails
from portal.portfolio.models import PortfolioExport
from portal.portfolio.tasks import prune_exports
from tests.evidence.helpers import add_file, make_item, one_page_pdf

pytestmark = pytest.mark.redis

OUR_APPS = ("standards", "assessments", "evidence", "review", "quality", "portal")


def _work() -> None:
    """An RQ worker as ``manage.py rqworker --burst`` makes it (django-rq, the JOB_CLASS
    setting), in this process so it sees the test database."""
    worker = django_rq.get_worker("default", worker_class=SimpleWorker)
    worker.work(burst=True)


def _our_tasks() -> list[Task]:
    found = []
    for app in OUR_APPS:
        try:
            package = importlib.import_module(app)
        except ImportError:
            continue
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            if module.name.rsplit(".", 1)[-1] not in {"tasks", "previews"}:
                continue
            loaded = importlib.import_module(module.name)
            found += [v for v in vars(loaded).values() if isinstance(v, Task)]
    return found


def test_every_task_is_found_by_the_worker_by_its_path() -> None:
    """RQ stores a task as its dotted path and the worker imports it: each must resolve."""
    tasks = _our_tasks()
    assert len(tasks) >= 8
    for task in tasks:
        assert import_string(task.module_path) is task, task.module_path


def test_tasks_run_on_the_rq_worker(people, rq_tasks, settings) -> None:
    settings.EVIDENCE_PREVIEWS = True
    row = add_file(make_item(people.enrolment), "plan.pdf", one_page_pdf())
    results = [
        scan_evidence_file.enqueue(row.pk),
        previews.make_evidence_preview.enqueue(row.pk),
        collect_notifications.enqueue(),
        send_each_event_emails.enqueue(),
        prune_exports.enqueue(),
    ]
    queue = django_rq.get_queue("default")
    assert queue.count == len(results)
    _work()
    assert queue.count == 0
    for result in results:
        result.refresh()
        assert result.status == "SUCCESSFUL", (result.task.module_path, result.errors)
    assert previews.preview_for(EvidenceFile.objects.get(pk=row.pk)).state == "ready"


def test_a_portfolio_export_is_rendered_by_the_worker(people, rq_tasks) -> None:
    client = people.client_for(people.admin)
    client.post(reverse("portfolio:export_learner", args=[people.learner.pk]))
    export = PortfolioExport.objects.get()
    assert export.status != PortfolioExport.Status.DONE  # queued, not run in the request
    _work()
    export.refresh_from_db()
    assert export.status == PortfolioExport.Status.DONE
    assert export.result.name


def test_the_request_id_travels_to_the_worker(people, rq_tasks, caplog) -> None:
    caplog.set_level(logging.INFO)
    token = observability.request_id_var.set("req-rq-000001")
    try:
        result = collect_notifications.enqueue()
    finally:
        observability.request_id_var.reset(token)
    job = Job.fetch(result.id, connection=django_rq.get_connection())
    assert job.meta["request_id"] == "req-rq-000001"
    _work()
    started = [r for r in caplog.records if r.getMessage().startswith("task started")]
    assert [r.request_id for r in started] == ["req-rq-000001"]


def test_a_failed_task_is_in_the_failed_registry(people, rq_tasks, caplog) -> None:
    result = scan_evidence_file.enqueue(999_999_999)  # no such file
    _work()
    result.refresh()
    assert result.status == "FAILED"
    assert result.errors
    registry = FailedJobRegistry(queue=django_rq.get_queue("default"))
    assert result.id in registry.get_job_ids()
    assert any(r.getMessage().startswith("task failed") for r in caplog.records)
    # kept by the clean-up until FAILED_TASK_RETENTION_DAYS have passed
    assert task_results_prune() == 0
    later = timezone.now() + datetime.timedelta(days=31)
    assert task_results_prune(now=later) == 1
    assert registry.get_job_ids() == []


def test_deferred_tasks_wait_in_the_scheduled_registry(rq_tasks) -> None:
    when = timezone.now() + datetime.timedelta(hours=1)
    result = prune_exports.using(run_after=when).enqueue()
    registry = ScheduledJobRegistry(queue=django_rq.get_queue("default"))
    assert result.id in registry.get_job_ids()
    assert django_rq.get_queue("default").count == 0


def test_scheduler_runs_each_periodic_command_once(
    people, rq_tasks, caplog, transactional_db
) -> None:
    caplog.set_level(logging.INFO)
    call_command("scheduler", "--once")
    done = [r.command for r in caplog.records if r.getMessage().startswith("scheduled command")]
    assert done == ["collect_notifications", "cleanup", "anchor_record", "send_digests"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_failed_task_shows_to_its_centres_admin(people, rq_tasks) -> None:
    from django.test import RequestFactory

    from portal.centres.failed_tasks import failed_tasks

    request = RequestFactory().get("/")
    request.user = people.learner
    tokens = (
        observability.request_id_var.set("req-rqfail01"),
        observability.request_var.set(request),
    )
    try:
        scan_evidence_file.enqueue(999_999_999)  # no such file
    finally:
        observability.request_id_var.reset(tokens[0])
        observability.request_var.reset(tokens[1])
    _work()
    [task] = failed_tasks(people.centre.pk)
    assert task.name == "Malware scan of an uploaded file"
    assert task.request_id == "req-rqfail01"
    assert task.error and "Traceback" not in task.error
    assert failed_tasks(people.other_centre.pk) == []
