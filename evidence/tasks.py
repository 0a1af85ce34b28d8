"""Background tasks of evidence: the malware scan of each uploaded file."""

from __future__ import annotations

from django_tasks import task

from evidence import services


@task()
def scan_evidence_file(file_id: int) -> str:
    return services.evidence_file_scan(file_id=file_id)
