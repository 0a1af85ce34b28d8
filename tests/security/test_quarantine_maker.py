"""Malware in an item tells the item's maker (``evidence.services.quarantine_maker``): the
learner for their own evidence, the assessor who made it for an assessor's record. Run through
the real scan path: the upload queues the scan, the worker's task runs the "eicar-test"
scanner, and the notification feed is collected afterwards."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.urls import reverse

from evidence.models import EvidenceFile, EvidenceItem
from portal.notifications.feed import notifications_collect
from portal.notifications.models import Notification
from review.assessor_evidence import Upload
from tests.evidence.assessor_helpers import record_observation
from tests.evidence.helpers import make_item, upload
from tests.security import corpus

INFECTED = corpus.EICAR + b"\n"


@pytest.fixture
def scanner(settings):
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"


def _quarantined_notices() -> list[Notification]:
    notifications_collect()
    return [
        n
        for n in Notification.objects.all()
        if "quarantin" in n.text.lower() or n.kind == Notification.Kind.ACKNOWLEDGEMENT_NEEDED
    ]


def test_learners_own_item_tells_the_learner_as_before(
    people, scanner, django_capture_on_commit_callbacks
) -> None:
    item = make_item(people.enrolment)
    learner = people.client_for(people.learner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = learner.post(
            reverse("evidence:file_upload", args=[item.pk]),
            {"file": upload("notes.txt", INFECTED)},
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
    assert response.status_code == 201
    for callback in callbacks:  # the worker runs the scan
        callback()
    assert EvidenceFile.objects.get().scan_status == EvidenceFile.ScanStatus.INFECTED
    assert [m.to for m in mail.outbox] == [[people.learner.email]]
    message = mail.outbox[0]
    assert message.subject == "A file of your evidence E1 was quarantined"
    assert "Remove it from the item and upload a clean copy" in message.body
    assert _quarantined_notices() == []  # no feed entry, as before
    detail = learner.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Quarantined:" in detail and "Remove it and upload a clean copy." in detail
    assert reverse("evidence:file_delete", args=[EvidenceFile.objects.get().pk]) in detail


def test_assessors_record_tells_the_assessor_and_not_the_learner(
    people, scanner, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = record_observation(
            people.enrolment,
            uploads=[Upload(io.BytesIO(INFECTED), "round-notes.txt", len(INFECTED))],
        )
    assert item.is_assessor_record and item.status == EvidenceItem.Status.AWAITING_ACK
    for callback in callbacks:
        callback()
    row = EvidenceFile.objects.get()
    assert row.scan_status == EvidenceFile.ScanStatus.INFECTED
    assert [m.to for m in mail.outbox] == [[people.assessor.email]]
    message = mail.outbox[0]
    assert message.subject == "A file of E1, which you recorded, was quarantined"
    assert "round-notes.txt of E1 Morning medication round" in message.body
    assert "Alice Learner" in message.body
    assert "Record the observation again with a clean copy" in message.body
    assert "Remove it from the item" not in message.body
    # the learner is not asked to acknowledge what they cannot
    assert _quarantined_notices() == []

    learner = people.client_for(people.learner)
    detail = learner.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Quarantined:" in detail and "nothing for the learner to do" in detail
    assert "Remove it and upload a clean copy" not in detail
    assert "Read and acknowledge" not in detail
    assert reverse("evidence:file_delete", args=[row.pk]) not in detail
    page = learner.get(reverse("evidence:acknowledge", args=[item.pk])).content.decode()
    assert "cannot be acknowledged" in page and "Sign and acknowledge" not in page
    refused = learner.post(
        reverse("evidence:acknowledge", args=[item.pk]),
        {"confirm": "on", "acknowledgement_name": "Alice Learner"},
    )
    assert refused.status_code == 200
    assert EvidenceItem.objects.get(pk=item.pk).status == EvidenceItem.Status.AWAITING_ACK

    assessor = people.client_for(people.assessor)
    for url in (
        reverse("evidence:detail", args=[item.pk]),
        reverse("review:review", args=[item.pk]),
    ):
        page = assessor.get(url).content.decode()
        assert "Record the observation again" in page
        assert "Remove it and upload a clean copy" not in page
        assert "Refer E1 back" not in page and "Accept E1" not in page
