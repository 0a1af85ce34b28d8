from __future__ import annotations

from django.urls import reverse

from assessments.models import Enrolment
from tests.factories import EnrolmentFactory, StandardFactory, UserFactory


def _form(people, **overrides) -> dict:
    data = {
        "learner": people.other_learner.pk,
        "standard": people.enrolment.standard.pk,
        "assessor": people.assessor.pk,
        "iqa": people.iqa.pk,
        "start_date": "2026-09-01",
        "target_end_date": "2027-08-31",
    }
    data.update(overrides)
    return data


def test_enrol_a_learner(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_create"), _form(people)
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(learner=people.other_learner)
    assert enrolment.centre == people.centre
    assert enrolment.assessor == people.assessor
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_enrol_refuses_other_centre_people(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_create"), _form(people, learner=people.outsider_learner.pk)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Enrolment.objects.filter(learner=people.outsider_learner, centre=people.centre)


def test_enrol_refuses_duplicate_active_enrolment(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_create"), _form(people, learner=people.learner.pk)
    )
    assert "This learner already has an active enrolment on it." in response.content.decode()


def test_enrol_refuses_end_before_start(people) -> None:
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_create"), _form(people, target_end_date="2026-01-01")
    )
    assert "The target end date must be on or after the start." in response.content.decode()


def test_enrol_refuses_same_assessor_and_iqa(people) -> None:
    both = UserFactory(centre=people.centre, is_assessor=True, is_iqa=True)
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_create"), _form(people, assessor=both.pk, iqa=both.pk)
    )
    assert "The IQA must be someone other than the assessor." in response.content.decode()


def test_reassign_assessor_and_withdraw(people) -> None:
    new_assessor = UserFactory(centre=people.centre, is_assessor=True)
    response = people.client_for(people.admin).post(
        reverse("centres:enrolment_edit", args=[people.enrolment.pk]),
        {
            "assessor": new_assessor.pk,
            "iqa": people.iqa.pk,
            "start_date": "2026-09-01",
            "target_end_date": "2027-08-31",
            "status": "withdrawn",
        },
    )
    assert response.status_code == 302
    people.enrolment.refresh_from_db()
    assert people.enrolment.assessor == new_assessor
    assert people.enrolment.status == Enrolment.Status.WITHDRAWN


def test_edit_cannot_change_learner_or_standard(people) -> None:
    other_standard = StandardFactory()
    people.client_for(people.admin).post(
        reverse("centres:enrolment_edit", args=[people.enrolment.pk]),
        {
            "learner": people.other_learner.pk,
            "standard": other_standard.pk,
            "assessor": people.assessor.pk,
            "iqa": people.iqa.pk,
            "start_date": "2026-09-01",
            "target_end_date": "2027-08-31",
            "status": "active",
        },
    )
    people.enrolment.refresh_from_db()
    assert people.enrolment.learner == people.learner
    assert people.enrolment.standard != other_standard


def test_enrolment_list_query_count(people, django_assert_max_num_queries) -> None:
    client = people.client_for(people.admin)
    with django_assert_max_num_queries(6):
        client.get(reverse("centres:enrolments"))
    for _ in range(30):
        EnrolmentFactory(learner=UserFactory(centre=people.centre, is_learner=True))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("centres:enrolments"), {"status": "active"})
    assert response.context["page"].paginator.count == 31
