"""Visit pages: who sees what, the forms, and query counts that do not grow with data."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.centres.models import EqaGrant
from portal.visits import services
from portal.visits.models import Visit
from tests.factories import EnrolmentFactory, UserFactory
from tests.visits.helpers import drafted_visit, issued_visit, open_action, planned_visit


def _detail(visit: Visit) -> str:
    return reverse("visits:detail", args=[visit.pk])


def test_eqa_centre_page_links_each_learner(people) -> None:
    response = people.client_for(people.eqa).get(reverse("eqa_centre", args=[people.centre.pk]))
    pk = people.enrolment.pk
    for url in (
        reverse("review:grid", args=[pk]),
        f"{reverse('evidence:list')}?enrolment={pk}",
        reverse("review:plan", args=[pk]),
        reverse("assessments:record", args=[pk]),
        reverse("visits:create", args=[people.centre.pk]),
    ):
        assert f'href="{url}"' in response.content.decode(), url


def test_eqa_dashboard_shows_the_grant_expiry(people) -> None:
    expires = timezone.localdate() + datetime.timedelta(days=30)
    response = people.client_for(people.eqa).get(reverse("eqa_dashboard"))
    assert f"until the end of {expires.day} {expires:%B %Y}" in response.content.decode()


def test_expired_grant_hides_the_visits(people) -> None:
    visit = issued_visit(people)
    EqaGrant.objects.filter(user=people.eqa).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = people.client_for(people.eqa)
    assert client.get(_detail(visit)).status_code == 404
    assert client.post(reverse("visits:sample_suggested", args=[visit.pk])).status_code == 404
    assert "No visits yet." in client.get(reverse("visits:list")).content.decode()


def test_another_eqa_gets_a_404(people) -> None:
    visit = planned_visit(people)
    other = UserFactory(is_eqa=True, centre=None)
    EqaGrant.objects.create(
        user=other, centre=people.centre, expires_on=timezone.localdate() + datetime.timedelta(1)
    )
    assert people.client_for(other).get(_detail(visit)).status_code == 404


def test_staff_never_see_a_draft(people) -> None:
    visit = drafted_visit(people)
    page = people.client_for(people.assessor).get(_detail(visit)).content.decode()
    assert "has not issued a report" in page
    assert "sound and well recorded" not in page
    assert "Record the IQA" not in page


def test_admin_responds_and_assessor_reads(people) -> None:
    action = open_action(people)
    admin_page = people.client_for(people.admin).get(_detail(action.visit)).content.decode()
    assert reverse("visits:action_respond", args=[action.pk]) in admin_page
    reader = people.client_for(people.assessor).get(_detail(action.visit)).content.decode()
    assert "sound and well recorded" in reader
    assert reverse("visits:action_respond", args=[action.pk]) not in reader
    response = people.client_for(people.admin).post(
        reverse("visits:action_respond", args=[action.pk]), {"text": "Done."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_detail(action.visit)}#action-{action.pk}"
    eqa_page = people.client_for(people.eqa).get(_detail(action.visit)).content.decode()
    assert reverse("visits:action_decide", args=[action.pk]) in eqa_page
    assert "Done." in eqa_page


def test_an_empty_response_is_a_message(people) -> None:
    action = open_action(people)
    client = people.client_for(people.admin)
    response = client.post(reverse("visits:action_respond", args=[action.pk]), {"text": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Write the centre&#x27;s response" in page


def test_plan_form_refuses_a_bad_date(people) -> None:
    response = people.client_for(people.eqa).post(
        reverse("visits:create", args=[people.centre.pk]),
        {"visit_on": "31/02/2026", "kind": "remote", "purpose": "x"},
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()
    assert not Visit.objects.exists()


def test_plan_then_take_the_suggestion(people) -> None:
    client = people.client_for(people.eqa)
    response = client.post(
        reverse("visits:create", args=[people.centre.pk]),
        {"visit_on": "2026-12-10", "kind": "on_site", "purpose": "Monitoring."},
    )
    visit = Visit.objects.get()
    assert response["Location"] == reverse("visits:sample", args=[visit.pk])
    assert (visit.eqa, visit.centre) == (people.eqa, people.centre)
    client.post(reverse("visits:sample_suggested", args=[visit.pk]))
    assert list(visit.sample.values_list("enrolment_id", flat=True)) == [people.enrolment.pk]


def test_search_and_add_a_learner(people) -> None:
    visit = planned_visit(people)
    other = EnrolmentFactory(learner=people.other_learner, centre=people.centre)
    EnrolmentFactory(learner=people.outsider_learner, centre=people.other_centre)
    client = people.client_for(people.eqa)
    page = client.get(reverse("visits:sample", args=[visit.pk]), {"q": "amir"}).content.decode()
    assert "Amir Learner" in page
    assert "oscar" not in page
    client.post(reverse("visits:sample_add", args=[visit.pk]), {"enrolment": other.pk})
    assert list(visit.sample.values_list("enrolment_id", flat=True)) == [other.pk]


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_adding_an_unknown_unit_is_a_message(people, value) -> None:
    visit = planned_visit(people)
    client = people.client_for(people.eqa)
    response = client.post(reverse("visits:sample_add", args=[visit.pk]), {"enrolment": value})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Choose one of the centre" in page


def test_another_centres_unit_cannot_be_added(people) -> None:
    visit = planned_visit(people)
    people.client_for(people.eqa).post(
        reverse("visits:sample_add", args=[visit.pk]),
        {"enrolment": people.outsider_enrolment.pk},
    )
    assert not visit.sample.exists()


def test_write_and_issue_through_the_pages(people) -> None:
    visit = planned_visit(people)
    client = people.client_for(people.eqa)
    edit = reverse("visits:report_edit", args=[visit.pk])
    assert "There is no draft report to issue." in client.get(edit).content.decode()
    client.post(edit, {"findings": "Sound.", "strengths": "Good.", "outcome": "advisory"})
    client.post(
        reverse("visits:action_add", args=[visit.pk]),
        {"description": "Standardise K3.", "due_on": "2027-02-01"},
    )
    bad = client.post(
        reverse("visits:action_add", args=[visit.pk]), {"description": "", "due_on": "x"}
    )
    assert bad.status_code == 200
    response = client.post(reverse("visits:report_issue", args=[visit.pk]))
    assert response["Location"] == _detail(visit)
    report = visit.reports.get()
    assert report.issued and report.actions.count() == 1
    page = client.get(_detail(visit)).content.decode()
    assert "Standardise K3." in page
    assert "Advisory" in page


def _visits(people, count: int) -> None:
    for n in range(count):
        visit = issued_visit(people) if n == 0 else planned_visit(people)
        for _ in range(2):
            EnrolmentFactory(
                learner=UserFactory(centre=people.centre, is_learner=True), centre=people.centre
            )
        services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa) if n else None


@pytest.mark.parametrize("count", [1, 6])
def test_list_query_count(people, django_assert_max_num_queries, count) -> None:
    _visits(people, count)
    for user in (people.eqa, people.admin):
        client = people.client_for(user)
        with django_assert_max_num_queries(6):
            assert client.get(reverse("visits:list")).status_code == 200


@pytest.mark.parametrize("size", [1, 12])
def test_detail_and_sample_query_counts(people, django_assert_max_num_queries, size) -> None:
    for _ in range(size):
        EnrolmentFactory(
            learner=UserFactory(centre=people.centre, is_learner=True),
            centre=people.centre,
            assessor=UserFactory(centre=people.centre, is_assessor=True),
        )
    visit = planned_visit(people)
    services.visit_sample_take_suggestion(visit=visit, eqa=people.eqa)
    client = people.client_for(people.eqa)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("visits:sample", args=[visit.pk]), {"q": "a"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(_detail(visit)).status_code == 200


def test_sample_links_the_unit_iqa_samples(people, django_assert_max_num_queries) -> None:
    from quality.models import UnitSample

    visit = drafted_visit(people)
    unit_sample = UnitSample.objects.create(
        enrolment=people.enrolment,
        kind=UnitSample.Kind.INTERIM,
        assessor=people.assessor,
        sampled_by=people.iqa,
        outcome=UnitSample.Outcome.AGREED,
        sampled_at=timezone.now(),
    )
    page = people.client_for(people.eqa).get(_detail(visit)).content.decode()
    assert f'href="{reverse("quality:sample", args=[unit_sample.pk])}"' in page
    assert (
        people.client_for(people.eqa)
        .get(reverse("quality:sample", args=[unit_sample.pk]))
        .status_code
        == 200
    )
