"""Turn the decisions and submissions made since the last run into notifications.

Run it from the scheduler every minute (docs/notifications.md); ``--every N`` keeps it
running and collects every N seconds, for a machine without a scheduler.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.notifications.feed import notifications_collect


class Command(BaseCommand):
    help = "Create notifications for the decisions and submissions made since the last run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every", type=int, default=0, help="Keep running, collecting every N seconds."
        )

    def handle(self, *args: Any, every: int = 0, **options: Any) -> None:
        while True:
            created = notifications_collect()
            if options["verbosity"] > 1 or (created and not every):
                self.stdout.write(f"{created} notification{'s' if created != 1 else ''} created.")
            if every <= 0:
                return
            time.sleep(every)
