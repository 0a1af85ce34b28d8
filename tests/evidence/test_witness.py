"""Expert witness testimony through a single-use, expiring link (evidence.witness)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.errors import LockedError, NotPermittedError, WrongStateError
from evidence import witness
from evidence.models import EvidenceItem, WitnessRequest
from tests.evidence.assessor_helpers import request_witness, witness_url
from tests.evidence.helpers import make_item
from tests.review.helpers import signed_off

STATEMENT = {
    "occurred_on": "2026-11-02",
    "statement": "I saw Alice lead the review meeting with care and skill.",
    "confirm": "on",
    "signed_name": "Wendy Witness",
}


def test_request_emails_the_link_from_the_worker(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = request_witness(people.enrolment)
    assert request.expires_at - timezone.now() > datetime.timedelta(days=13)
    (email,) = mail.outbox
    assert email.to == ["wendy@example.org"]
    assert witness_url(request) in email.body
    request.refresh_from_db()
    assert request.sent_at is not None
    # The nonce alone is not the link: the token is signed with the site's key.
    assert request.nonce not in email.body.split("/")[-2]


def test_only_the_learner_or_assessor_asks(people) -> None:
    request_witness(people.enrolment, by=people.assessor)
    for user in (people.iqa, people.admin, people.other_learner):
        with pytest.raises(NotPermittedError):
            request_witness(people.enrolment, by=user)


def test_locked_unit_refused(people) -> None:
    signed_off(people.enrolment)
    with pytest.raises(LockedError):
        request_witness(people.enrolment)


def test_open_requests_are_bounded(people) -> None:
    for _ in range(witness.OPEN_REQUESTS_LIMIT):
        request_witness(people.enrolment)
    with pytest.raises(WrongStateError):
        request_witness(people.enrolment)


def test_the_statement_arrives_as_submitted_evidence_and_the_link_is_spent(people) -> None:
    make_item(people.enrolment)  # E1
    request = request_witness(people.enrolment)
    client = people.client_for(None)
    url = witness_url(request)
    page = client.get(url)
    assert page.status_code == 200 and b"Supporting a service review" in page.content
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    response = client.post(url, STATEMENT)
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:witness_statement_sent")
    item = EvidenceItem.objects.get(evidence_type="witness")
    assert item.status == EvidenceItem.Status.SUBMITTED and item.reference == "E2"
    assert item.learner == people.learner and item.submitted_at
    assert item.witness_statement.startswith("I saw Alice")
    assert item.witness_role == "Registered manager" and item.witness_contact == "wendy@example.org"
    request.refresh_from_db()
    assert request.item == item and request.used_at and request.signed_name == "Wendy Witness"
    # The assessor sees it awaiting review.
    review = people.client_for(people.assessor).get(reverse("review:review", args=[item.pk]))
    assert review.status_code == 200
    # Spent: a replay changes nothing.
    assert client.get(url).status_code == 410
    replay = client.post(url, {**STATEMENT, "statement": "A second statement."})
    assert replay.status_code == 410 and b"already been used" in replay.content
    assert EvidenceItem.objects.filter(evidence_type="witness").count() == 1


def test_expired_link_refused(people) -> None:
    request = request_witness(people.enrolment)
    WitnessRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = people.client_for(None).post(witness_url(request), STATEMENT)
    assert response.status_code == 410 and b"expired" in response.content
    assert not EvidenceItem.objects.exists()


def test_unknown_and_tampered_links_are_404(people) -> None:
    request = request_witness(people.enrolment)
    client = people.client_for(None)
    token = witness.witness_token(request)
    for bad in ("nonsense", token[:-2] + "xx", token.replace(":", ":x", 1)):
        url = reverse("evidence:witness_statement", args=[bad])
        assert client.get(url).status_code == 404
        assert client.post(url, STATEMENT).status_code == 404
    request.nonce = "another"
    url = reverse("evidence:witness_statement", args=[witness.witness_token(request)])
    assert client.get(url).status_code == 404
    assert not EvidenceItem.objects.exists()


def test_a_link_reaches_nothing_else(people) -> None:
    """The link names one request; it logs no one in and opens no other page."""
    request = request_witness(people.enrolment)
    client = people.client_for(None)
    client.get(witness_url(request))
    item = make_item(people.enrolment)
    assert client.get(reverse("evidence:detail", args=[item.pk])).status_code == 302
    assert "_auth_user_id" not in client.session


def test_signature_must_match_the_named_witness(people) -> None:
    request = request_witness(people.enrolment)
    response = people.client_for(None).post(
        witness_url(request), {**STATEMENT, "signed_name": "Someone Else"}
    )
    assert response.status_code == 200 and b"Wendy Witness" in response.content
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = people.client_for(None).post(
        witness_url(request), {**STATEMENT, "occurred_on": future}
    )
    assert b"cannot be in the future" in response.content
    too_long = people.client_for(None).post(
        witness_url(request), {**STATEMENT, "statement": "x" * 10_001}
    )
    assert too_long.status_code == 200
    assert not EvidenceItem.objects.exists()
    request.refresh_from_db()
    assert request.used_at is None


def test_the_witness_page_checks_csrf(people) -> None:
    from django.test import Client

    request = request_witness(people.enrolment)
    client = Client(enforce_csrf_checks=True)
    assert client.post(witness_url(request), STATEMENT).status_code == 403
    assert not EvidenceItem.objects.exists()


def test_closed_unit_closes_the_link(people) -> None:
    request = request_witness(people.enrolment)
    signed_off(people.enrolment)
    assert people.client_for(None).get(witness_url(request)).status_code == 410


def test_request_page(people, django_capture_on_commit_callbacks) -> None:
    client = people.client_for(people.learner)
    url = reverse("evidence:witness_request", args=[people.enrolment.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "witness_name": "Wendy Witness",
                "witness_role": "Registered manager",
                "witness_relationship": "Line manager",
                "competence": "Twenty years in care management.",
                "email": "not an email",
                "activity": "Leading a review",
            },
        )
    assert response.status_code == 200 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "witness_name": "Wendy Witness",
                "witness_role": "Registered manager",
                "witness_relationship": "Line manager",
                "competence": "Twenty years in care management.",
                "email": "wendy@example.org",
                "activity": "Leading a review",
            },
        )
    assert response.status_code == 302 and len(mail.outbox) == 1
    page = client.get(url).content.decode()
    assert "Waiting; the link expires" in page


def test_a_signed_in_user_cannot_submit_a_witness_statement(people) -> None:
    """A witness has no account: the learner (or anyone) signed in is shown no form and a
    POST is refused, so nobody writes their own witness statement."""
    url = witness_url(request_witness(people.enrolment))
    client = people.client_for(people.learner)
    page = client.get(url).content.decode()
    assert "You are signed in to the portal" in page and "Sign and send" not in page
    before = EvidenceItem.objects.count()
    response = client.post(url, STATEMENT)
    assert response.status_code == 403 and EvidenceItem.objects.count() == before
    assert people.client_for(None).get(url).status_code == 200  # the link is not spent


def test_the_witness_page_keeps_its_token_out_of_referers_but_not_its_origin(people) -> None:
    # "no-referrer" would make browsers send "Origin: null" with the POST, which the CSRF
    # check refuses: every real witness would get a 403 (the browser journey proves it works).
    page = people.client_for(None).get(witness_url(request_witness(people.enrolment)))
    assert page["Referrer-Policy"] == "strict-origin"
