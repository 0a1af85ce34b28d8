from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.anchors import anchor_problem, latest_anchors
from assessments.record import centres_with_records, verify_centre


class Command(BaseCommand):
    help = (
        "Check each centre's assessment record: every entry's hash, its MAC and the chain of "
        "hashes, then the latest anchor of each centre (manage.py anchor_record). Names the "
        "first broken or forged entry, or the truncation, and exits non-zero if any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", type=int, help="Check only this centre (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        anchors, problems = latest_anchors()
        if options["centre"]:
            centre_ids = [options["centre"]]
            problems = [p for p in problems if p.centre_id in (None, options["centre"])]
        else:
            centre_ids = sorted(set(centres_with_records()) | set(anchors))
        for problem in problems:
            self.stderr.write(f"BROKEN {problem}")
        broken = len(problems)
        for centre_id in centre_ids:
            report = verify_centre(centre_id)
            unsigned = (
                f", {report.unsigned} unsigned (written before signing began)"
                if report.unsigned
                else ""
            )
            if report.first_break:
                broken += 1
                self.stderr.write(f"BROKEN {report.first_break}")
                continue
            anchor = anchors.get(centre_id)
            problem = anchor_problem(anchor) if anchor else None
            if problem:
                broken += 1
                self.stderr.write(f"BROKEN {problem}")
                continue
            anchored = (
                f", anchored head #{anchor.sequence} ({anchor.anchored_at}) present"
                if anchor
                else ", not yet anchored"
            )
            self.stdout.write(
                f"Centre {centre_id}: {report.entries} entries{unsigned}, chain intact"
                f"{anchored}, head {report.head_hash}"
            )
        if broken:
            raise CommandError(f"The record is broken or forged ({broken} problem(s)).")
        if not centre_ids:
            self.stdout.write("No record entries yet.")
