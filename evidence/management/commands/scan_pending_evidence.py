"""python manage.py scan_pending_evidence

Queues the malware scan again for every evidence file still "being checked": after clamd
was unreachable (the task failed and the file stayed pending) or after the scanner was
first configured. Run it from cron, or once after fixing the scanner.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from evidence import scanning
from evidence.models import EvidenceFile
from evidence.tasks import scan_evidence_file


class Command(BaseCommand):
    help = "Queue the malware scan for every evidence file still being checked."

    def handle(self, *args: Any, **options: Any) -> None:
        if not scanning.scanner_configured():
            raise CommandError("No malware scanner is configured (EVIDENCE_MALWARE_SCANNER).")
        pending = EvidenceFile.objects.filter(scan_status=EvidenceFile.ScanStatus.PENDING)
        count = 0
        for file_id in pending.values_list("pk", flat=True).iterator():
            scan_evidence_file.enqueue(file_id)
            count += 1
        self.stdout.write(f"Queued {count} file{'s' if count != 1 else ''} for scanning.")
