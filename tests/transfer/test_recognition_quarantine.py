"""Malware in the PDF of a prior-learning item (``portal.transfer.recognition``) tells the
assessor who recognised it, not the learner, who cannot change the item. Run through the real
scan path: the recognition queues the scan, the worker's task runs the "eicar-test" scanner."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from evidence.models import EvidenceFile, EvidenceItem, private_storage
from portal.notifications.feed import notifications_collect
from portal.notifications.models import Notification
from tests.security import corpus
from tests.transfer.test_recognition import Receiving, _receive, _recognise

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiving(people, portfolio) -> Receiving:
    return _receive(people, portfolio)


def test_infected_transferred_pdf_tells_the_recognising_assessor(
    receiving, people, settings, django_capture_on_commit_callbacks
) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = _recognise(receiving).item
    row = item.files.get()
    assert row.scan_status == EvidenceFile.ScanStatus.PENDING
    # the transferred PDF turns out to carry the test signature
    with open(private_storage().path(row.file.name), "ab") as stored:
        stored.write(corpus.EICAR)
    for callback in callbacks:  # the worker runs the scan
        callback()
    row.refresh_from_db()
    assert row.scan_status == EvidenceFile.ScanStatus.INFECTED
    assert [m.to for m in mail.outbox] == [[receiving.assessor.email]]
    message = mail.outbox[0]
    assert message.subject == "A file of E1, which you recorded, was quarantined"
    assert "transferred-portfolio.pdf of E1 Prior learning: Alpha Centre" in message.body
    assert "the transferred portfolio's own PDF and cannot be removed or replaced" in message.body
    assert "Remove it from the item" not in message.body
    notifications_collect()
    assert not Notification.objects.filter(
        recipient=people.outsider_learner, text__icontains="quarantin"
    ).exists()

    learner = people.client_for(people.outsider_learner)
    detail = learner.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "Quarantined:" in detail and "nothing for the learner to do" in detail
    assert "Remove it and upload a clean copy" not in detail
    assert reverse("evidence:file_delete", args=[row.pk]) not in detail

    assessor = people.client_for(receiving.assessor)
    page = assessor.get(reverse("review:review", args=[item.pk])).content.decode()
    assert "cannot be accepted" in page and "Accept E1" not in page
    assert "Judge the criteria it recognises from other evidence" in page
    assert "until the learner removes it" not in page
    refused = assessor.post(
        reverse("review:review_decide", args=[item.pk]), {"decision": "accept"}, follow=True
    )
    assert "cannot be accepted" in refused.content.decode()
    assert EvidenceItem.objects.get(pk=item.pk).status == EvidenceItem.Status.SUBMITTED
