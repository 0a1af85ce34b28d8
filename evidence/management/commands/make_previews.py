from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from evidence import previews
from evidence.models import EvidenceFile


class Command(BaseCommand):
    help = (
        "Queue first-page previews of PDF and Word evidence files that have none yet (after "
        "turning EVIDENCE_PREVIEWS on, or after a restore); one per SHA-256."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        documents = EvidenceFile.objects.filter(
            media_type__in=[previews.PDF, *previews.OFFICE_TYPES]
        ).order_by("pk")
        queued: set[str] = set()
        for evidence_file in documents.iterator():
            if evidence_file.sha256 in queued:
                continue
            if previews.evidence_preview_request(evidence_file=evidence_file):
                queued.add(evidence_file.sha256)
        self.stdout.write(f"Queued {len(queued)} preview(s).")
