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


def test_iqa_referral_of_a_signed_off_unit_reaches_the_admin_then_the_assessor(people) -> None:
    from review.sign_off import unit_countersign

    signed_off(people.enrolment)
    unit_countersign(enrolment=people.enrolment, learner=people.learner)
    judgement = RecordEntry.objects.filter(action="judgement").latest("sequence")
    iqa = people.client_for(people.iqa)
    html = iqa.get(reverse("review:iqa_sample", args=[judgement.pk])).content.decode()
    assert "asks the centre admin to reopen it" in html
    response = iqa.post(
        reverse("review:iqa_sample", args=[judgement.pk]),
        {"outcome": "referred", "feedback": "P1 needs an observation, not a product."},
        follow=True,
    )
    assert "centre admin has been asked to reopen it" in response.content.decode()

    admin = people.client_for(people.admin)
    dashboard = admin.get(reverse("centre_dashboard")).content.decode()
    assert "P1 needs an observation" in dashboard and "to be reopened" in dashboard
    grid_url = reverse("review:grid", args=[people.enrolment.pk])
    assert "awaiting reopening by the centre admin" in admin.get(grid_url).content.decode()
    reopen_url = reverse("review:reopen", args=[people.enrolment.pk])
    form_html = admin.get(reopen_url).content.decode()
    assert "IQA referral: P1 needs an observation" in form_html  # the reason, pre-filled
    admin.post(reopen_url, {"reason": "IQA referral: P1 needs an observation."})
    assert "to be reopened" not in admin.get(reverse("centre_dashboard")).content.decode()

    assessor_grid = people.client_for(people.assessor).get(grid_url).content.decode()
    assert "IQA referral" in assessor_grid and "P1 needs an observation" in assessor_grid
    assert "Judge P1" in assessor_grid  # the assessor can act on it now
    assert "In progress with the assessor" in assessor_grid


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
