from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from portal.privacy.evidence_retention import retention_flag_due


class Command(BaseCommand):
    help = (
        "Flag evidence past its centre's retention period (years after the certification of "
        "every unit it serves) for a centre admin's review. Run daily; it never deletes "
        "anything, and running it again flags nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = retention_flag_due()
        self.stdout.write(f"{count} item{'s' if count != 1 else ''} newly flagged for review.")
