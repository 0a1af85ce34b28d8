from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.anchors import anchors_append, anchors_email, head_lines
from assessments.record import centres_with_records, verify_centre


class Command(BaseCommand):
    help = (
        "Anchor each centre's record outside the database: append its head (sequence, hash, "
        "MAC, time) as a signed line to RECORD_ANCHOR_PATH and mail the lines to ANCHOR_EMAIL "
        "if set. A centre whose chain does not verify is not anchored (exit non-zero). "
        "Run it on a schedule (docs/deploy.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        good, broken = [], []
        for centre_id in centres_with_records():
            report = verify_centre(centre_id)
            if report.first_break:
                broken.append(report.first_break)
                self.stderr.write(f"NOT ANCHORED {report.first_break}")
            else:
                good.append(report)
        lines = head_lines(good)
        if lines:
            path = anchors_append(lines)
            sent = anchors_email(lines)
            self.stdout.write(
                f"Anchored {len(lines)} centre(s) in {path}" + (" and by email." if sent else ".")
            )
        else:
            self.stdout.write("Nothing to anchor.")
        if broken:
            raise CommandError(f"The record is broken in {len(broken)} centre(s).")
