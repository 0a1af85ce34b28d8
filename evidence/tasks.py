"""Background tasks of evidence: the malware scan of each uploaded file, and the email
that sends an expert witness their link."""

from __future__ import annotations

from django_tasks import task

from evidence import services, witness


@task()
def scan_evidence_file(file_id: int) -> str:
    return services.evidence_file_scan(file_id=file_id)


@task()
def send_witness_request(request_id: int) -> bool:
    """Email an expert witness their single-use link (``evidence.witness``)."""
    return witness.witness_request_send(request_id=request_id)
