"""Background tasks: the worker sends the per-event emails, never the request."""

from __future__ import annotations

from django_tasks import task

from portal.notifications import feed, services


@task()
def send_each_event_emails() -> int:
    return services.each_event_emails_send()


@task()
def collect_notifications() -> int:
    """The feed, for a scheduler that queues tasks rather than running commands."""
    return feed.notifications_collect()
