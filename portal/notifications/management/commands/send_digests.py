"""The daily email digest: one email per person who chose it, listing what they have not
read yet. Run it once a day from the scheduler (docs/notifications.md). It collects first, so
the digest includes the last minutes' events, sends any per-event emails still waiting, and
deletes read notifications older than NOTIFICATION_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.notifications import services
from portal.notifications.feed import notifications_collect


class Command(BaseCommand):
    help = "Email each person their daily digest of notifications (at most one a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        notifications_collect()
        each = services.each_event_emails_send()
        digests = services.digests_send()
        pruned = services.notifications_prune()
        self.stdout.write(
            f"{digests} digest{'s' if digests != 1 else ''} sent, {each} per-event "
            f"email{'s' if each != 1 else ''} sent, {pruned} old notification"
            f"{'s' if pruned != 1 else ''} deleted."
        )
