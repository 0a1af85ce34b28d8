"""File safety: active content refused or flagged by policy, the malware-scan hook run by
the worker before review (tested with EICAR and a fake clamd), infected files quarantined."""

from __future__ import annotations

import socket
import struct
import threading

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import RecordEntry
from evidence import scanning
from evidence.models import EvidenceFile, EvidenceItem
from evidence.services import evidence_file_scan
from tests.evidence.helpers import make_item, pdf_bytes, upload
from tests.security import corpus

XHR = {"X-Requested-With": "XMLHttpRequest"}


def _upload(client, item, name, content):
    return client.post(
        reverse("evidence:file_upload", args=[item.pk]),
        {"file": upload(name, content)},
        headers=XHR,
    )


def _submit(client, people, item) -> None:
    response = client.post(
        reverse("evidence:submit", args=[item.pk]),
        {"declaration": "on", "declaration_name": people.learner.full_name},
    )
    assert response.status_code == 302


# Active content: refuse (default) or flag


def test_flag_policy_stores_macros_and_warns_the_assessor(people, settings) -> None:
    settings.EVIDENCE_ACTIVE_CONTENT = "flag"
    item = make_item(people.enrolment)
    learner = people.client_for(people.learner)
    assert _upload(learner, item, "plan.docx", corpus.docm_bytes()).status_code == 201
    row = EvidenceFile.objects.get()
    assert row.active_content == "Office macros (VBA)"
    _submit(learner, people, item)
    page = people.client_for(people.assessor).get(reverse("review:review", args=[item.pk]))
    assert "this file contains Office macros (VBA)" in page.content.decode()
    assert "Accept E1" in page.content.decode()  # flagged is not blocked


def test_refuse_policy_is_the_default(settings) -> None:
    from portal import settings as project_settings

    assert project_settings.EVIDENCE_ACTIVE_CONTENT == "refuse"
    assert project_settings.EVIDENCE_MALWARE_SCANNER == ""


# The malware-scan hook


@pytest.fixture
def scanner(settings):
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"


def test_eicar_is_quarantined_the_learner_told_and_accept_refused(
    people, scanner, django_capture_on_commit_callbacks
) -> None:
    item = make_item(people.enrolment)
    learner = people.client_for(people.learner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _upload(learner, item, "notes.txt", corpus.EICAR + b"\n").status_code == 201
    row = EvidenceFile.objects.get()
    assert row.scan_status == EvidenceFile.ScanStatus.PENDING
    _submit(learner, people, item)
    assessor = people.client_for(people.assessor)
    review_url = reverse("review:review", args=[item.pk])
    page = assessor.get(review_url).content.decode()
    assert "still being checked for malware" in page and "Accept E1" not in page
    assert "Being checked" in page

    for callback in callbacks:  # the worker runs the scan
        callback()
    row.refresh_from_db()
    assert (row.scan_status, row.scan_result) == ("infected", "Eicar-Test-Signature")
    assert mail.outbox and "quarantined" in mail.outbox[0].subject
    for name in ("file_download", "file_inline", "file_thumbnail"):
        assert learner.get(reverse(f"evidence:{name}", args=[row.pk])).status_code == 404
        assert assessor.get(reverse(f"evidence:{name}", args=[row.pk])).status_code == 404
    detail = learner.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Quarantined:" in detail and "Eicar-Test-Signature" in detail
    page = assessor.get(review_url).content.decode()
    assert "quarantined file" in page and "Accept E1" not in page
    entries = RecordEntry.objects.count()
    refused = assessor.post(
        reverse("review:review_decide", args=[item.pk]), {"decision": "accept"}, follow=True
    )
    assert "malware was found" in refused.content.decode()
    assert EvidenceItem.objects.get(pk=item.pk).status == EvidenceItem.Status.SUBMITTED
    assert RecordEntry.objects.count() == entries


def test_a_clean_file_can_be_accepted_once_checked(
    people, scanner, django_capture_on_commit_callbacks
) -> None:
    item = make_item(people.enrolment)
    learner = people.client_for(people.learner)
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(learner, item, "plan.pdf", pdf_bytes()).status_code == 201
    assert EvidenceFile.objects.get().scan_status == EvidenceFile.ScanStatus.CLEAN
    _submit(learner, people, item)
    assessor = people.client_for(people.assessor)
    assert "Accept E1" in assessor.get(reverse("review:review", args=[item.pk])).content.decode()
    assessor.post(reverse("review:review_decide", args=[item.pk]), {"decision": "accept"})
    assert EvidenceItem.objects.get(pk=item.pk).status == EvidenceItem.Status.ACCEPTED


def test_without_a_scanner_files_are_not_held(people, django_capture_on_commit_callbacks):
    item = make_item(people.enrolment)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _upload(people.client_for(people.learner), item, "e.txt", corpus.EICAR)
    assert not callbacks
    assert EvidenceFile.objects.get().scan_status == EvidenceFile.ScanStatus.NOT_SCANNED


def test_an_unavailable_scanner_leaves_the_file_being_checked(people, settings) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = "tcp://127.0.0.1:9"  # nothing listens on discard
    settings.CLAMD_TIMEOUT_SECONDS = 2
    item = make_item(people.enrolment)
    _upload(people.client_for(people.learner), item, "a.pdf", pdf_bytes())
    row = EvidenceFile.objects.get()
    with pytest.raises(scanning.ScannerUnavailable):
        evidence_file_scan(file_id=row.pk)
    row.refresh_from_db()
    assert row.scan_status == EvidenceFile.ScanStatus.PENDING


class FakeClamd(threading.Thread):
    """Speaks clamd's zINSTREAM: reads length-prefixed chunks, answers OK or FOUND."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = b""

    def run(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            command = b""
            while not command.endswith(b"\0"):
                command += conn.recv(1)
            assert command == b"zINSTREAM\0"
            while True:
                size = struct.unpack("!L", self._exactly(conn, 4))[0]
                if size == 0:
                    break
                self.received += self._exactly(conn, size)
            verdict = b"Eicar-Test-Signature FOUND" if corpus.EICAR in self.received else b"OK"
            conn.sendall(b"stream: " + verdict + b"\0")
        self.server.close()

    @staticmethod
    def _exactly(conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            data += conn.recv(size - len(data))
        return data


@pytest.mark.parametrize(
    ("content", "clean"), [(corpus.EICAR * 3, False), (b"x" * 200_000, True)], ids=["eicar", "ok"]
)
def test_clamd_instream_protocol(settings, content, clean) -> None:
    import io

    server = FakeClamd()
    server.start()
    settings.EVIDENCE_MALWARE_SCANNER = "clamd"
    settings.CLAMD_ADDRESS = f"tcp://127.0.0.1:{server.port}"
    verdict = scanning.scan(io.BytesIO(content))
    server.join(5)
    assert server.received == content
    assert verdict.clean is clean
    assert verdict.found == ("" if clean else "Eicar-Test-Signature")


def test_clamd_errors_are_no_verdict() -> None:
    with pytest.raises(scanning.ScannerUnavailable, match="size limit"):
        scanning.parse_clamd_reply(b"INSTREAM size limit exceeded. ERROR\0")


def test_pending_files_are_queued_again_by_the_command(people, scanner, capsys) -> None:
    from django.core.management import call_command

    item = make_item(people.enrolment)
    _upload(people.client_for(people.learner), item, "e.txt", corpus.EICAR)  # callback not run
    assert EvidenceFile.objects.get().scan_status == EvidenceFile.ScanStatus.PENDING
    call_command("scan_pending_evidence")  # the immediate backend runs the scan at once
    assert "Queued 1 file for scanning." in capsys.readouterr().out
    assert EvidenceFile.objects.get().scan_status == EvidenceFile.ScanStatus.INFECTED
