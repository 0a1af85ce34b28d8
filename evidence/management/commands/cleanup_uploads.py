"""python manage.py cleanup_uploads [--hours 24]

Removes resumable uploads left unfinished (no byte received for ``--hours``, 24 by default)
from the private staging folder (``evidence.uploads.cleanup_stale``). Run it daily from the
scheduler or cron.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidence.uploads import STALE_AFTER, cleanup_stale


class Command(BaseCommand):
    help = "Remove unfinished resumable uploads untouched for a day (or --hours)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=STALE_AFTER.total_seconds() / 3600,
            help="Remove uploads that received no byte for this many hours (default 24).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        removed = cleanup_stale(older_than=datetime.timedelta(hours=options["hours"]))
        self.stdout.write(f"Removed {removed} unfinished upload{'s' if removed != 1 else ''}.")
