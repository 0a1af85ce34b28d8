"""The countersign, reopen and IQA pages."""

from __future__ import annotations

from django.urls import reverse

from assessments import services
from assessments.models import Enrolment, RecordEntry
from review import sampling
from tests.factories import UserFactory
from tests.review.helpers import signed_off


def _decisions(people, enrolment=None, n: int = 1) -> list[RecordEntry]:
    return [
        services.record_append(
            enrolment=enrolment or people.enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.EVIDENCE_ACCEPTED,
            payload={"item": i, "reference": f"E{i}", "title": "t", "feedback": ""},
        )
        for i in range(n)
    ]


def test_countersign_needs_the_declaration(people) -> None:
    signed_off(people.enrolment)
    client = people.client_for(people.learner)
    url = reverse("review:countersign", args=[people.enrolment.pk])
    assert "Alice Learner" in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "goes to the IQA" in response.content.decode()
    assert "Countersigned: awaiting IQA verification" in response.content.decode()
    people.enrolment.refresh_from_db()
    assert people.enrolment.status == Enrolment.Status.COMPLETED


def test_reopen_needs_a_reason_and_is_recorded(people) -> None:
    signed_off(people.enrolment)
    client = people.client_for(people.admin)
    url = reverse("review:reopen", args=[people.enrolment.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert client.post(url, {"reason": "Wrong standard version."}).status_code == 302
    entry = RecordEntry.objects.get(action="reopened")
    assert entry.payload["reason"] == "Wrong standard version."
    assert entry.actor == people.admin


def test_the_old_iqa_addresses_lead_to_the_quality_pages(people) -> None:
    """Sampling moved to the quality app (tests/quality); the old addresses redirect."""
    (entry,) = _decisions(people)
    client = people.client_for(people.iqa)
    response = client.get(reverse("review:iqa_assessors"))
    assert response.url == reverse("quality:home")
    response = client.get(reverse("review:iqa_decisions", args=[people.assessor.pk]))
    assert response.url == f"{reverse('quality:decisions')}?assessor={people.assessor.pk}"
    response = client.get(reverse("review:iqa_sample", args=[entry.pk]))
    assert response.url == reverse("quality:sample_unit", args=[people.enrolment.pk])
    assert client.post(reverse("review:iqa_sample", args=[entry.pk])).status_code == 405


def test_iqa_of_another_assessor_gets_404(people) -> None:
    _decisions(people)
    stranger = UserFactory(centre=people.centre, is_iqa=True)
    response = people.client_for(stranger).get(
        reverse("review:iqa_decisions", args=[people.assessor.pk])
    )
    assert response.status_code == 404


def test_sign_off_control_says_what_is_missing_until_complete(people) -> None:
    from tests.review.helpers import complete

    client = people.client_for(people.assessor)
    grid_url = reverse("review:grid", args=[people.enrolment.pk])
    html = client.get(grid_url).content.decode()
    assert "Not ready to sign off" in html and 'name="password"' not in html
    page = client.get(reverse("review:sign_off", args=[people.enrolment.pk])).content.decode()
    assert "Not complete yet" in page and 'name="password"' not in page
    complete(people.enrolment)
    assert 'id="sign-off-password"' in client.get(grid_url).content.decode()
    page = client.get(reverse("review:sign_off", args=[people.enrolment.pk])).content.decode()
    assert 'name="password"' in page


def test_a_verified_unit_asks_the_learner_for_nothing(people) -> None:
    from review.sign_off import unit_countersign

    signed_off(people.enrolment)
    unit_countersign(enrolment=people.enrolment, learner=people.learner)
    entry = RecordEntry.objects.get(action="signed_off")
    sampling.iqa_sample_record(entry=entry, iqa=people.iqa, outcome="agreed", feedback="")
    html = people.client_for(people.learner).get(reverse("learner_dashboard")).content.decode()
    assert "Complete: verified by the IQA" in html
    assert "resubmit" not in html and "countersignature is needed" not in html
    grid = people.client_for(people.learner).get(reverse("review:grid", args=[people.enrolment.pk]))
    text = grid.content.decode()
    assert "Verified by Carol IQA" in text and "Countersign this unit" not in text
