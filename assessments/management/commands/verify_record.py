from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.record import centres_with_records, verify_centre


class Command(BaseCommand):
    help = (
        "Check each centre's assessment record: every entry's hash and the chain of hashes. "
        "Names the first broken entry and exits non-zero if any."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--centre", type=int, help="Check only this centre (its id).")

    def handle(self, *args: Any, **options: Any) -> None:
        centre_ids = [options["centre"]] if options["centre"] else centres_with_records()
        broken = []
        for centre_id in centre_ids:
            report = verify_centre(centre_id)
            if report.first_break:
                broken.append(report.first_break)
                self.stderr.write(f"BROKEN {report.first_break}")
            else:
                self.stdout.write(
                    f"Centre {centre_id}: {report.entries} entries, chain intact, "
                    f"head {report.head_hash}"
                )
        if broken:
            raise CommandError(f"The record is broken in {len(broken)} centre(s).")
        if not centre_ids:
            self.stdout.write("No record entries yet.")
