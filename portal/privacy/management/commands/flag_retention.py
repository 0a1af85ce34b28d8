from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.privacy.evidence_retention import retention_check


class Command(BaseCommand):
    help = (
        "Flag evidence past its centre's retention period (years after the certification of "
        "every unit it serves) for a centre admin's review, except evidence an external quality "
        "assurer's visit still holds, which it lists with the reason. Run daily; it never "
        "deletes anything, and running it again flags nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = retention_check()
        count = run.flagged
        self.stdout.write(f"{count} item{'s' if count != 1 else ''} newly flagged for review.")
        if run.held:
            held = len(run.held)
            self.stdout.write(
                f"{held} item{'s' if held != 1 else ''} past the period held for the EQA:"
            )
        for item, reason in run.held:
            self.stdout.write(f"  {item.reference} of learner #{item.learner_id}: {reason}")
