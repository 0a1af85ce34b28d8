"""The countersign, reopen and IQA pages."""

from __future__ import annotations

import datetime

from django.urls import reverse

from assessments import services
from assessments.models import Enrolment, RecordEntry
from review import sampling
from tests.factories import EnrolmentFactory, StandardFactory, UserFactory
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


def test_iqa_sees_assessors_with_the_proportion_sampled(people) -> None:
    first, _second = _decisions(people, n=2)
    sampling.iqa_sample_record(entry=first, iqa=people.iqa, outcome="agreed", feedback="")
    response = people.client_for(people.iqa).get(reverse("review:iqa_assessors"))
    assert "1 (50%)" in response.content.decode()


def test_iqa_decisions_filter_and_paginate(people, django_assert_max_num_queries) -> None:
    other_standard = EnrolmentFactory(
        learner=people.other_learner,
        centre=people.centre,
        standard=StandardFactory(),
        assessor=people.assessor,
        iqa=people.iqa,
    )
    _decisions(people, n=30)
    _decisions(people, enrolment=other_standard, n=3)
    client = people.client_for(people.iqa)
    url = reverse("review:iqa_decisions", args=[people.assessor.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.context["totals"]["decisions"] == 33
    assert len(response.context["page"]) == 25
    response = client.get(url, {"learner": people.other_learner.pk})
    assert response.context["totals"]["decisions"] == 3
    response = client.get(url, {"standard": people.enrolment.standard_id, "page": 2})
    assert response.context["totals"]["decisions"] == 30
    assert len(response.context["page"]) == 5
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)  # noqa: DTZ011
    response = client.get(url, {"date_from": tomorrow.isoformat()})
    assert response.context["totals"]["decisions"] == 0


def test_iqa_of_another_assessor_gets_404(people) -> None:
    _decisions(people)
    stranger = UserFactory(centre=people.centre, is_iqa=True)
    response = people.client_for(stranger).get(
        reverse("review:iqa_decisions", args=[people.assessor.pk])
    )
    assert response.status_code == 404


def test_iqa_referral_reaches_the_assessors_caseload(people) -> None:
    (entry,) = _decisions(people)
    client = people.client_for(people.iqa)
    url = reverse("review:iqa_sample", args=[entry.pk])
    response = client.post(url, {"outcome": "referred", "feedback": ""})
    assert "Say what the assessor needs to put right" in response.content.decode()
    client.post(url, {"outcome": "referred", "feedback": "Rationale is missing."})
    html = people.client_for(people.assessor).get(reverse("assessor_dashboard")).content.decode()
    assert "⚠ Referred back" in html and "Rationale is missing." in html
    assert "Already sampled" in client.get(url).content.decode()


def test_sampling_page_offers_only_what_the_service_accepts(people) -> None:
    signed_off(people.enrolment)
    entry = RecordEntry.objects.get(action="signed_off")
    client = people.client_for(people.iqa)
    url = reverse("review:iqa_sample", args=[entry.pk])
    html = client.get(url).content.decode()
    assert "has not countersigned" in html
    assert 'value="agreed"' not in html and 'value="referred"' in html
    response = client.post(url, {"outcome": "agreed", "feedback": ""})
    assert response.status_code == 200  # not a choice: the form refuses it
    assert not entry.enrolment.sign_offs.filter(iqa_verified_at__isnull=False).exists()
