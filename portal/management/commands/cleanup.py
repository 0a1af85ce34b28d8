"""python manage.py cleanup — the periodic clean-up, run hourly by ``manage.py scheduler`` (or
cron / a systemd timer). Each step is safe to repeat:

- portfolio exports and subject access ZIPs past their expiry: files deleted, rows kept;
- resumable uploads left unfinished for a day: staging files removed (``cleanup_uploads``);
- task results: finished background-task results older than TASK_RESULT_RETENTION_DAYS
  (default 14; failures are kept for FAILED_TASK_RETENTION_DAYS, default 30), in the database
  backend's table or RQ's failed-job registry.

Expired witness links need nothing: a link is refused once past ``expires_at``, and the request
row stays as the record that it was asked for.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.portfolio.services import exports_prune
from portal.privacy.subject_access import subject_exports_prune


def task_results_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete old finished task results; failed ones are kept longer, for the admins' page."""
    now = now or timezone.now()
    done_before = now - datetime.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    failed_before = now - datetime.timedelta(days=settings.FAILED_TASK_RETENTION_DAYS)
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        deleted, _ = DBTaskResult.objects.successful().filter(finished_at__lt=done_before).delete()
        failed, _ = DBTaskResult.objects.failed().filter(finished_at__lt=failed_before).delete()
        return deleted + failed
    if backend.startswith("django_tasks_rq."):
        import django_rq
        from rq.job import Job
        from rq.registry import FailedJobRegistry

        removed = 0
        for name in settings.RQ_QUEUES:
            queue = django_rq.get_queue(name)
            registry = FailedJobRegistry(queue=queue)
            for job in Job.fetch_many(registry.get_job_ids(), connection=queue.connection):
                if job is not None and job.ended_at and job.ended_at < failed_before:
                    registry.remove(job, delete_job=True)
                    removed += 1
        return removed  # RQ expires successful results itself (result_ttl)
    return 0


class Command(BaseCommand):
    help = "Delete expired exports, stale uploads and old task results."

    def handle(self, *args: Any, **options: Any) -> None:
        exports = exports_prune()
        subject = subject_exports_prune()
        call_command("cleanup_uploads", verbosity=options["verbosity"])
        results = task_results_prune()
        self.stdout.write(
            f"Deleted {exports} portfolio export file(s), {subject} subject access ZIP(s) "
            f"and {results} old task result(s)."
        )
