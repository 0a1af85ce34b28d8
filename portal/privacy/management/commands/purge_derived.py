from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.privacy.derived import derived_purge


class Command(BaseCommand):
    help = (
        "Remove derived copies whose source evidence file no longer exists (thumbnails, the "
        "portfolio's downscaled images) and subject access ZIPs past their expiry."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be removed; remove nothing."
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="Leave copies younger than this (default 60), as an upload may be writing them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = derived_purge(
            dry_run=options["dry_run"],
            grace=datetime.timedelta(minutes=max(options["grace_minutes"], 0)),
        )
        verb = "Would remove" if options["dry_run"] else "Removed"
        for name in [*report.thumbnails, *report.cached_images]:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(
            f"{verb} {len(report.thumbnails)} thumbnail(s) and "
            f"{len(report.cached_images)} cached image(s); "
            f"expired {report.subject_exports} subject access export(s)."
        )
