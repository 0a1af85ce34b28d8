"""Cross-site and replayed POSTs: without the CSRF token, or from another origin, every
write is a 403 and changes nothing; a POST replayed after it took effect is refused by the
service (the state has moved on) and records nothing twice."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import RecordEntry
from evidence.models import EvidenceFile, EvidenceItem
from tests.evidence.helpers import make_item, png_bytes, submitted_item, upload


def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(client: Client, url: str) -> str:
    client.get(url)
    return client.cookies["csrftoken"].value


def _counts() -> tuple[int, int, int]:
    return (EvidenceItem.objects.count(), EvidenceFile.objects.count(), RecordEntry.objects.count())


WRITES = [
    ("evidence-create", "learner", lambda p, i: (reverse("evidence:create"), {"title": "x"})),
    (
        "file-upload",
        "learner",
        lambda p, i: (
            reverse("evidence:file_upload", args=[i.pk]),
            {"file": upload("a.png", png_bytes())},
        ),
    ),
    ("evidence-delete", "learner", lambda p, i: (reverse("evidence:delete", args=[i.pk]), {})),
    (
        "evidence-submit",
        "learner",
        lambda p, i: (
            reverse("evidence:submit", args=[i.pk]),
            {"declaration": "on", "declaration_name": p.learner.full_name},
        ),
    ),
    ("standards-import", "admin", lambda p, i: (reverse("standards:import"), {})),
    ("enrolment-create", "admin", lambda p, i: (reverse("centres:enrolment_create"), {})),
    (
        "verify",
        "learner",
        lambda p, i: (reverse("portfolio:verify"), {"check": "code", "code": "PF-AAAA-BBBB-CCCC"}),
    ),
]


@pytest.mark.parametrize(("role", "build"), [w[1:] for w in WRITES], ids=[w[0] for w in WRITES])
def test_a_post_without_the_token_is_a_403_and_changes_nothing(people, role, build) -> None:
    item = make_item(people.enrolment)
    url, data = build(people, item)
    before = _counts()
    response = _csrf_client(getattr(people, role)).post(url, data)
    assert response.status_code == 403
    assert _counts() == before


def test_a_cross_site_post_with_a_stolen_token_is_a_403(people, settings) -> None:
    item = make_item(people.enrolment)
    client = _csrf_client(people.learner)
    token = _token(client, reverse("evidence:detail", args=[item.pk]))
    before = _counts()
    response = client.post(
        reverse("evidence:delete", args=[item.pk]),
        {"csrfmiddlewaretoken": token},
        headers={"Origin": "https://evil.example", "Referer": "https://evil.example/x"},
        secure=True,
    )
    assert response.status_code == 403
    assert _counts() == before


def test_the_same_post_with_the_token_from_the_site_works(people) -> None:
    item = make_item(people.enrolment)
    client = _csrf_client(people.learner)
    token = _token(client, reverse("evidence:detail", args=[item.pk]))
    response = client.post(
        reverse("evidence:delete", args=[item.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert not EvidenceItem.objects.filter(pk=item.pk).exists()


def test_a_replayed_submission_is_refused_and_recorded_once(people) -> None:
    item = make_item(people.enrolment)
    client = people.client_for(people.learner)
    client.post(
        reverse("evidence:file_upload", args=[item.pk]), {"file": upload("a.png", png_bytes())}
    )
    data = {"declaration": "on", "declaration_name": people.learner.full_name}
    url = reverse("evidence:submit", args=[item.pk])
    assert client.post(url, data).status_code == 302
    submitted_at = EvidenceItem.objects.get(pk=item.pk).submitted_at
    replay = client.post(url, data, follow=True)
    assert replay.status_code == 200
    assert "is submitted, so it cannot be changed" in replay.content.decode()
    assert EvidenceItem.objects.get(pk=item.pk).submitted_at == submitted_at


def test_a_replayed_acceptance_is_refused_and_recorded_once(people) -> None:
    item = submitted_item(people.enrolment)
    client = people.client_for(people.assessor)
    url = reverse("review:review_decide", args=[item.pk])
    assert client.post(url, {"decision": "accept", "feedback": "Good"}).status_code == 302
    entries = RecordEntry.objects.count()
    replay = client.post(url, {"decision": "accept", "feedback": "Good"}, follow=True)
    assert replay.status_code == 200
    assert "is not awaiting review" in replay.content.decode()
    assert RecordEntry.objects.count() == entries


def test_a_replayed_upload_to_a_submitted_item_is_refused(people) -> None:
    item = submitted_item(people.enrolment)
    files = item.files.count()
    response = people.client_for(people.learner).post(
        reverse("evidence:file_upload", args=[item.pk]),
        {"file": upload("again.png", png_bytes())},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 409
    assert "cannot be changed" in " ".join(response.json()["errors"])
    assert item.files.count() == files
