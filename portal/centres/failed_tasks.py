"""Background tasks that failed, shown to the admins of the centre whose user's action
enqueued them (``portal.observability`` files each task under that centre when it is
enqueued). Tasks no user's request started (the scheduler's) belong to the platform: its
operators read them in the Django admin (database backend) or RQ's failed-job registry.

Read from whichever backend runs the tasks: django-tasks-db's result rows, or RQ's failed-job
registry. The newest ``LIMIT`` only: a list to act on, not an archive (``manage.py cleanup``
removes old failures after ``FAILED_TASK_RETENTION_DAYS``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings

LIMIT = 100
#: What each task does, in words for the admin.
TASK_NAMES = {
    "evidence.tasks.scan_evidence_file": "Malware scan of an uploaded file",
    "evidence.tasks.send_witness_request": "Email to an expert witness",
    "evidence.previews.make_evidence_preview": "Preview of an evidence file",
    "portal.portfolio.tasks.render_learner": "Portfolio PDF export",
    "portal.portfolio.tasks.prune_exports": "Removing expired portfolio exports",
    "portal.notifications.tasks.send_each_event_emails": "Notification emails",
    "portal.notifications.tasks.collect_notifications": "Collecting notifications",
    "portal.privacy.tasks.build_subject_export": "Subject access export",
    "portal.privacy.tasks.prune_subject_exports": "Removing expired subject access exports",
}


@dataclass(frozen=True)
class FailedTask:
    name: str
    failed_at: datetime.datetime | None
    request_id: str
    error: str


def task_name(path: str) -> str:
    return TASK_NAMES.get(path, path)


def _error(exception_path: str, traceback: str) -> str:
    """The exception's class and message (the last line of the traceback), at most 300
    characters: enough to report, never the whole traceback."""
    last = next((line for line in reversed(traceback.splitlines()) if line.strip()), "")
    text = last.strip() or exception_path.rsplit(".", 1)[-1] or "Unknown error"
    return text if len(text) <= 300 else text[:300] + "…"


def failed_tasks(centre_id: int) -> list[FailedTask]:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db"):
        return _from_database(centre_id)
    if backend.startswith("django_tasks_rq"):
        return _from_rq(centre_id)
    return []  # the immediate backend runs tasks inside the request: failures show there


def _from_database(centre_id: int) -> list[FailedTask]:
    from django_tasks_db.models import DBTaskResult

    rows = (
        DBTaskResult.objects.filter(status="FAILED", args_kwargs__centre_id=centre_id)
        .order_by("-finished_at", "-enqueued_at")
        .values("task_path", "finished_at", "args_kwargs", "exception_class_path", "traceback")
    )[:LIMIT]
    return [
        FailedTask(
            name=task_name(row["task_path"]),
            failed_at=row["finished_at"],
            request_id=str((row["args_kwargs"] or {}).get("request_id", "")),
            error=_error(row["exception_class_path"], row["traceback"]),
        )
        for row in rows
    ]


def _from_rq(centre_id: int) -> list[FailedTask]:
    import django_rq
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    queue = django_rq.get_queue("default")
    registry = FailedJobRegistry(queue=queue)
    ids = registry.get_job_ids(0, 10 * LIMIT - 1)
    found: list[FailedTask] = []
    for job in Job.fetch_many(ids, connection=queue.connection):
        if job is None or job.meta.get("centre_id") != centre_id:
            continue
        found.append(_rq_task(job))
    found.sort(key=lambda t: t.failed_at or datetime.datetime.min.replace(tzinfo=datetime.UTC))
    return list(reversed(found))[:LIMIT]


def _rq_error(job: Any) -> str:
    latest = job.latest_result()
    return str(getattr(latest, "exc_string", "") or "") if latest is not None else ""


def _rq_task(job: Any) -> FailedTask:
    path = str(job.meta.get("task_path", "")) or str(job.func_name or "")
    ended = job.ended_at
    if ended is not None and ended.tzinfo is None:
        ended = ended.replace(tzinfo=datetime.UTC)
    return FailedTask(
        name=task_name(path),
        failed_at=ended,
        request_id=str(job.meta.get("request_id", "")),
        error=_error("", _rq_error(job)),
    )
